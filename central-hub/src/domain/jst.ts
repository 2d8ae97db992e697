/**
 * Japan time without the machine's time zone: Japan has kept UTC+9 without daylight saving since 1951,
 * so every JST calendar question is UTC arithmetic shifted by nine hours. Nothing here reads `TZ` or
 * calls a local-time `Date` method, so a hub on a UTC server and a laptop in New York agree. Shared by
 * every feature of the hub (certificate service hours, lottery calendar, booking deadlines).
 */

/** `YYYY-MM-DD`, a calendar date in Japan. */
export type LocalDate = string;
/** `HH:MM`, a time of day in Japan; `24:00` is the end of the day. */
export type LocalTime = string;
/** `YYYY-MM`. */
export type YearMonth = string;

export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  constructor(
    readonly reason: 'bad-date' | 'bad-time' | 'bad-month',
    readonly value: string,
  ) {
    super(`${reason}: ${value}`);
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The wall clock in Japan at an instant, as numbers. */
export interface JstParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Milliseconds since 00:00 JST of that day. */
  msOfDay: number;
}

export function jstParts(instant: Date): JstParts {
  const shifted = new Date(instant.getTime() + JST_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    msOfDay: ((shifted.getTime() % DAY_MS) + DAY_MS) % DAY_MS,
  };
}

function parseDate(date: LocalDate): { year: number; month: number; day: number } {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(date);
  if (!match) throw new CalendarError('bad-date', date);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const back = new Date(Date.UTC(year, month - 1, day));
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new CalendarError('bad-date', date);
  }
  return { year, month, day };
}

function parseMonth(month: YearMonth): { year: number; month: number } {
  const match = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new CalendarError('bad-month', month);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** Minutes since midnight; `24:00` is 1440. */
export function minutesOf(time: LocalTime): number {
  const match = /^([0-9]{2}):([0-9]{2})$/.exec(time);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) throw new CalendarError('bad-time', time);
  return hours * 60 + minutes;
}

/** The instant at `time` Japan time on `date`. */
export function jstInstant(date: LocalDate, time: LocalTime = '00:00'): Date {
  const { year, month, day } = parseDate(date);
  return new Date(Date.UTC(year, month - 1, day) + minutesOf(time) * 60_000 - JST_OFFSET_MS);
}

/** The UTC calendar date of a `Date` used as a plain date (midnight UTC). */
function formatUtcDate(date: Date): LocalDate {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The calendar date in Japan at `instant`. */
export function jstDate(instant: Date): LocalDate {
  return formatUtcDate(new Date(instant.getTime() + JST_OFFSET_MS));
}

export function jstMonth(instant: Date): YearMonth {
  return jstDate(instant).slice(0, 7);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseDate(date);
  return formatUtcDate(new Date(Date.UTC(year, month - 1, day + days)));
}

export function addMonths(month: YearMonth, months: number): YearMonth {
  const parsed = parseMonth(month);
  const index = parsed.year * 12 + (parsed.month - 1) + months;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** `YYYY-MM-DD` of day `day` of `month`. */
export function dateInMonth(month: YearMonth, day: number): LocalDate {
  const date = `${month}-${pad(day)}`;
  parseDate(date);
  return date;
}

export function daysInMonth(month: YearMonth): number {
  const { year, month: m } = parseMonth(month);
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

export function datesOfMonth(month: YearMonth): LocalDate[] {
  return Array.from({ length: daysInMonth(month) }, (_, i) => dateInMonth(month, i + 1));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  const { year, month, day } = parseDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = parseDate(from);
  const b = parseDate(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}
