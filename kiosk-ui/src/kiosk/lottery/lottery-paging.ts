import type { LotteryPager, LotteryScreenData } from './lottery-screen-data';
import { calendarDays, calendarWeeks, entryRows, leadingBlanks, type LotteryScreenKind } from './lottery-view';

/**
 * Pages of a list that does not fit the kiosk's one screen (issue 17: nothing may need scrolling to reach
 * the primary action). A list is cut into pages of a fixed size per display mode, and large 前へ / 次へ
 * buttons move between them; "n / m" is shown and spoken. Fixed sizes, not measured ones: a page holds
 * the same items however the browser lays them out, so a test and a person see the same pages.
 */

export interface Page<T> {
  items: T[];
  /** 0-based page shown (clamped into range). */
  index: number;
  /** How many pages (at least 1, even for an empty list). */
  count: number;
}

/** Page `index` (clamped) of `items` cut into pages of `size`. */
export function pageOf<T>(items: readonly T[], index: number, size: number): Page<T> {
  const per = Math.max(1, Math.floor(size));
  const count = Math.max(1, Math.ceil(items.length / per));
  const at = Math.min(Math.max(0, Math.floor(index)), count - 1);
  return { items: items.slice(at * per, at * per + per), index: at, count };
}

/** The page holding item `position` (0-based), for showing a chosen item's page. */
export function pageHolding(position: number, size: number): number {
  return position < 0 ? 0 : Math.floor(position / Math.max(1, Math.floor(size)));
}

/**
 * How the screen's text is shown, which decides how much a page holds: large text (1.5×), furigana
 * readings over the kanji (Japanese only, once the readings are loaded), whose ruby makes every line with
 * kanji taller, and the "as of" line over a facility list or calendar shown from the terminal's copy
 * (the hub unreachable), which takes a row above them.
 */
export interface TextMode {
  largeText: boolean;
  readings: boolean;
  asOfLine: boolean;
}

export const PLAIN_TEXT: TextMode = { largeText: false, readings: false, asOfLine: false };

/** What fits 1080×1920 under the header, notices and the 戻る / ログアウト row, in each text mode. */
export interface PageSizes {
  normal: number;
  large: number;
  /** Normal size with furigana readings. */
  normalReadings: number;
  /** Large text with furigana readings. */
  largeReadings: number;
}

/** Facility buttons per page (64 px rows at normal size, 1.5× taller at large text, names may wrap; names carry no readings). */
export const FACILITIES_PER_PAGE: PageSizes = { normal: 8, large: 4, normalReadings: 8, largeReadings: 4 };

/**
 * A day's time slots per page, under the picked day's week and above the choices panel (a slot's row
 * holds its time, place, fee and state on two lines, three at large text). With readings the week, the
 * pagers and the choices panel are taller: one slot fewer at normal size (three overflowed by 17 px);
 * at large text one is already the least, and the screen's spacing is tighter instead (lottery.css).
 */
export const SLOTS_PER_PAGE: PageSizes = { normal: 3, large: 1, normalReadings: 2, largeReadings: 1 };

/**
 * A day's time slots per page: `SLOTS_PER_PAGE`, one fewer under the "as of" line (three overflowed by
 * 86 px in English at normal size), never fewer than one (at large text the screen's spacing gives instead).
 */
export function slotsPerPage(mode: TextMode): number {
  const size = pageSize(SLOTS_PER_PAGE, mode);
  return mode.asOfLine ? Math.max(1, size - 1) : size;
}

/**
 * Calendar weeks per page: all six at normal size; at large text two (a month in three pages), so a
 * day's time slot and the choices panel still fit under them.
 */
export const WEEKS_PER_PAGE: PageSizes = { normal: 6, large: 2, normalReadings: 6, largeReadings: 2 };

/**
 * Rows of "my entries" and "my bookings" per page. A row is two to five lines (number and status, the
 * choices, a deadline, its buttons; a decline asked about adds a warning and two buttons): four such
 * lists' worth overflowed 1920 px at large text in Chinese by 136 px, so two a page at large text.
 */
export const RECORDS_PER_PAGE: PageSizes = { normal: 3, large: 2, normalReadings: 3, largeReadings: 2 };

export function pageSize(sizes: PageSizes, mode: TextMode): number {
  if (mode.readings) return mode.largeText ? sizes.largeReadings : sizes.normalReadings;
  return mode.largeText ? sizes.large : sizes.normal;
}

/**
 * Weeks per page: while a day is being chosen, the month (two weeks a page at large text); once a day
 * is picked, its week alone, a week a page, so its time slots get the room under it.
 */
export function weeksPerPage(mode: TextMode, dayPicked: boolean): number {
  return dayPicked ? 1 : pageSize(WEEKS_PER_PAGE, mode);
}

/** The week (0-based, weeks from Sunday) of `date` (`YYYY-MM-DD`) in its month: its page once picked. */
export function weekOfDay(date: string): number {
  const day = Number(date.slice(8, 10));
  return Math.floor((leadingBlanks(date.slice(0, 7)) + day - 1) / 7);
}

/** A paged list on the screen and the page it shows (1-based), for the spoken guidance ("1 / 3"). */
export interface LotteryPageShown {
  list: LotteryPager;
  page: number;
  pages: number;
}

/** The lists of `screen` that have more than one page, and the page each shows, as the components page them. */
export function shownPages(data: LotteryScreenData, screen: LotteryScreenKind, mode: TextMode): LotteryPageShown[] {
  // Each list with its page size in this mode, as its component pages it.
  const lists: Array<{ list: LotteryPager; items: readonly unknown[]; perPage: number }> = [];
  if (screen === 'facilities') lists.push({ list: 'facilities', items: data.facilities, perPage: pageSize(FACILITIES_PER_PAGE, mode) });
  if (screen === 'entries' && data.entries) lists.push({ list: 'entries', items: entryRows(data.entries), perPage: pageSize(RECORDS_PER_PAGE, mode) });
  if (screen === 'bookings' && data.bookings) lists.push({ list: 'bookings', items: data.bookings, perPage: pageSize(RECORDS_PER_PAGE, mode) });
  if (screen === 'calendar' && data.noInfoMonth !== data.month) {
    const days = calendarDays(data.month, data.slots, data.purpose);
    const picked = data.day !== null && data.loadedMonth === data.month;
    lists.push({ list: 'weeks', items: calendarWeeks(data.month, days), perPage: weeksPerPage(mode, picked) });
    if (picked) {
      lists.push({ list: 'slots', items: days.find((day) => day.date === data.day)?.slots ?? [], perPage: slotsPerPage(mode) });
    }
  }
  return lists.flatMap(({ list, items, perPage }) => {
    const shown = pageOf(items, data.pages[list], perPage);
    return shown.count > 1 ? [{ list, page: shown.index + 1, pages: shown.count }] : [];
  });
}
