import { INITIAL_SCREEN_DATA, type LotteryScreenData } from './lottery-screen-data';
import { FACILITIES_PER_PAGE, pageHolding, pageOf, pageSize, PLAIN_TEXT, RECORDS_PER_PAGE, shownPages, SLOTS_PER_PAGE, slotsPerPage, weekOfDay, weeksPerPage, WEEKS_PER_PAGE, type TextMode } from './lottery-paging';
import { calendarDays, calendarWeeks } from './lottery-view';

const LARGE: TextMode = { largeText: true, readings: false, asOfLine: false };
const READINGS: TextMode = { largeText: false, readings: true, asOfLine: false };
const LARGE_READINGS: TextMode = { largeText: true, readings: true, asOfLine: false };

describe('lottery paging', () => {
  it('cuts a list into pages, the page clamped into range, one page for an empty list', () => {
    const letters = ['a', 'b', 'c', 'd', 'e'];
    expect(pageOf(letters, 0, 2)).toEqual({ items: ['a', 'b'], index: 0, count: 3 });
    expect(pageOf(letters, 2, 2)).toEqual({ items: ['e'], index: 2, count: 3 });
    expect(pageOf(letters, 9, 2)).toEqual({ items: ['e'], index: 2, count: 3 });
    expect(pageOf(letters, -1, 2).index).toBe(0);
    expect(pageOf([], 3, 2)).toEqual({ items: [], index: 0, count: 1 });
    expect(pageHolding(4, 2)).toBe(2);
    expect(pageHolding(-1, 2)).toBe(0);
  });

  it('holds fewer items per page at large text', () => {
    for (const sizes of [FACILITIES_PER_PAGE, SLOTS_PER_PAGE, WEEKS_PER_PAGE, RECORDS_PER_PAGE]) expect(sizes.large).toBeLessThan(sizes.normal);
  });

  it('shows the picked day’s week alone, the month while a day is being chosen', () => {
    expect(weeksPerPage(PLAIN_TEXT, false)).toBe(WEEKS_PER_PAGE.normal);
    expect(weeksPerPage(LARGE, false)).toBe(WEEKS_PER_PAGE.large);
    expect(weeksPerPage(LARGE, true)).toBe(1);
    // February 2027 starts on a Monday: the 1st to the 6th are its first week, the 28th its fifth.
    expect([weekOfDay('2027-02-01'), weekOfDay('2027-02-06'), weekOfDay('2027-02-07'), weekOfDay('2027-02-28')]).toEqual([0, 0, 1, 4]);
  });

  it('draws a month as whole weeks from Sunday (February 2027 starts on a Monday)', () => {
    const weeks = calendarWeeks('2027-02', calendarDays('2027-02', [], 'enter'));
    expect(weeks).toHaveLength(5);
    expect(weeks.every((week) => week.length === 7)).toBe(true);
    expect(weeks[0]?.[0]).toBeNull();
    expect(weeks[0]?.[1]?.date).toBe('2027-02-01');
    expect(weeks[4]?.[0]?.date).toBe('2027-02-28');
    expect(weeks[4]?.[1]).toBeNull();
  });

  it('tells the spoken guidance which lists have more than one page and the page shown', () => {
    const facilities = Array.from({ length: 11 }, (_, index) => ({ facilityId: `f-${index}` })) as unknown as LotteryScreenData['facilities'];
    const data: LotteryScreenData = { ...INITIAL_SCREEN_DATA, facilities, pages: { facilities: 1, weeks: 0, slots: 0, entries: 0, bookings: 0 } };
    expect(shownPages(data, 'facilities', PLAIN_TEXT)).toEqual([{ list: 'facilities', page: 2, pages: 2 }]);
    expect(shownPages(data, 'facilities', LARGE)).toEqual([{ list: 'facilities', page: 2, pages: 3 }]);
    expect(shownPages(data, 'menu', LARGE)).toEqual([]);
    const calendar: LotteryScreenData = { ...data, month: '2027-02', loadedMonth: '2027-02' };
    // Normal size: the whole month on one page (nothing said); large text: two weeks a page.
    expect(shownPages(calendar, 'calendar', PLAIN_TEXT)).toEqual([]);
    expect(shownPages(calendar, 'calendar', LARGE)).toEqual([{ list: 'weeks', page: 1, pages: 3 }]);
    // A day picked: its week alone (week 3 of 5), and its slots.
    const slots = ['0900', '1100', '1300', '1500'].map((time) => ({ slotId: `u-1@2027-02-13T${time}`, unitId: 'u-1', date: '2027-02-13', start: time, end: time, feeYen: 1, state: 'lottery-open' as const }));
    const picked: LotteryScreenData = { ...calendar, slots, day: '2027-02-13', pages: { facilities: 0, weeks: weekOfDay('2027-02-13'), slots: 0, entries: 0, bookings: 0 } };
    expect(shownPages(picked, 'calendar', PLAIN_TEXT)).toEqual([
      { list: 'weeks', page: 2, pages: 5 },
      { list: 'slots', page: 1, pages: 2 },
    ]);
  });

  it('holds fewer of a day’s time slots per page with furigana readings, and says the pages it shows', () => {
    // The page size rule: each text mode its own size; readings (taller ruby lines) never hold more.
    expect(pageSize(SLOTS_PER_PAGE, PLAIN_TEXT)).toBe(3);
    expect(pageSize(SLOTS_PER_PAGE, READINGS)).toBe(2);
    expect(pageSize(SLOTS_PER_PAGE, LARGE)).toBe(1);
    expect(pageSize(SLOTS_PER_PAGE, LARGE_READINGS)).toBe(1);
    for (const sizes of [FACILITIES_PER_PAGE, SLOTS_PER_PAGE, WEEKS_PER_PAGE]) {
      expect(sizes.normalReadings).toBeLessThanOrEqual(sizes.normal);
      expect(sizes.largeReadings).toBeLessThanOrEqual(sizes.large);
      expect(sizes.largeReadings).toBeGreaterThanOrEqual(1);
    }
    expect(weeksPerPage(READINGS, true)).toBe(1);
    // Five slots on the picked day: two pages without readings, three with them; the spoken count follows.
    const slots = ['0700', '0900', '1100', '1300', '1500'].map((time) => ({ slotId: `u-1@2027-02-13T${time}`, unitId: 'u-1', date: '2027-02-13', start: time, end: time, feeYen: 1, state: 'lottery-open' as const }));
    const picked: LotteryScreenData = { ...INITIAL_SCREEN_DATA, month: '2027-02', loadedMonth: '2027-02', slots, day: '2027-02-13', pages: { ...INITIAL_SCREEN_DATA.pages, weeks: weekOfDay('2027-02-13'), slots: 2 } };
    const slotPages = (mode: TextMode) => shownPages(picked, 'calendar', mode).find((shown) => shown.list === 'slots');
    expect(slotPages(PLAIN_TEXT)).toEqual({ list: 'slots', page: 2, pages: 2 });
    expect(slotPages(READINGS)).toEqual({ list: 'slots', page: 3, pages: 3 });
    expect(slotPages(LARGE_READINGS)).toEqual({ list: 'slots', page: 3, pages: 5 });
  });

  it('holds one time slot fewer under the "as of" line of the terminal’s copy, never none, and says the pages it shows', () => {
    expect(slotsPerPage({ ...PLAIN_TEXT, asOfLine: true })).toBe(2);
    expect(slotsPerPage({ ...READINGS, asOfLine: true })).toBe(1);
    expect(slotsPerPage({ ...LARGE, asOfLine: true })).toBe(1);
    expect(slotsPerPage(PLAIN_TEXT)).toBe(pageSize(SLOTS_PER_PAGE, PLAIN_TEXT));
    const slots = ['0700', '0900', '1100', '1300', '1500'].map((time) => ({ slotId: `u-1@2027-02-13T${time}`, unitId: 'u-1', date: '2027-02-13', start: time, end: time, feeYen: 1, state: 'lottery-open' as const }));
    const picked: LotteryScreenData = { ...INITIAL_SCREEN_DATA, month: '2027-02', loadedMonth: '2027-02', slots, day: '2027-02-13', pages: { ...INITIAL_SCREEN_DATA.pages, weeks: weekOfDay('2027-02-13'), slots: 2 } };
    expect(shownPages(picked, 'calendar', { ...PLAIN_TEXT, asOfLine: true }).find((shown) => shown.list === 'slots')).toEqual({ list: 'slots', page: 3, pages: 3 });
  });
  it('pages "my entries" (not sent, judged offline and the hub’s entries as one list) and "my bookings"', () => {
    const entries = Array.from({ length: 3 }, (_, index) => ({ entryId: `e-${index}` })) as unknown as NonNullable<LotteryScreenData['entries']>['entries'];
    const unsent = [{ clientEntryId: 'c-1' }] as unknown as NonNullable<LotteryScreenData['entries']>['unsent'];
    const data: LotteryScreenData = { ...INITIAL_SCREEN_DATA, entries: { entries, provisional: [], unsent }, pages: { ...INITIAL_SCREEN_DATA.pages, entries: 1 } };
    // Four rows: one page at normal size holds three, at large text two.
    expect(shownPages(data, 'entries', PLAIN_TEXT)).toEqual([{ list: 'entries', page: 2, pages: 2 }]);
    expect(shownPages(data, 'entries', LARGE)).toEqual([{ list: 'entries', page: 2, pages: 2 }]);
    // Still loading: nothing to page.
    expect(shownPages({ ...data, entries: null }, 'entries', LARGE)).toEqual([]);
    const bookings = Array.from({ length: 5 }, (_, index) => ({ bookingId: `b-${index}` })) as unknown as LotteryScreenData['bookings'];
    expect(shownPages({ ...INITIAL_SCREEN_DATA, bookings }, 'bookings', LARGE)).toEqual([{ list: 'bookings', page: 1, pages: 3 }]);
    expect(shownPages({ ...INITIAL_SCREEN_DATA, bookings }, 'bookings', PLAIN_TEXT)).toEqual([{ list: 'bookings', page: 1, pages: 2 }]);
  });
});
