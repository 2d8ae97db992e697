/**
 * Japan Standard Time without the machine's time zone: JST is UTC+9 all year (no daylight saving), so
 * shifting the instant by nine hours and reading the UTC fields gives the wall clock in Tokyo.
 */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

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
  const msOfDay = ((shifted.getTime() % DAY_MS) + DAY_MS) % DAY_MS;
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    msOfDay,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of the JST calendar day the instant falls on. */
export function jstDate(instant: Date): string {
  const p = jstParts(instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The instant of `HH:MM` JST on the given JST calendar day (`YYYY-MM-DD`). */
export function jstInstant(day: string, hhmm: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0) - JST_OFFSET_MS);
}

/** The JST calendar day `days` after `day` (`YYYY-MM-DD`). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + days));
  return `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}

/** Milliseconds since midnight of an `HH:MM` time. */
export function hhmmToMs(hhmm: string): number {
  const [hh, mm] = hhmm.split(':').map(Number);
  return ((hh ?? 0) * 60 + (mm ?? 0)) * 60_000;
}

/** 令和 era year of a Gregorian year (令和元年 = 2019). */
export function reiwaYear(year: number): string {
  const n = year - 2018;
  return n === 1 ? '令和元' : `令和${n}`;
}

/**
 * A date as printed on a certificate: 令和 for dates from 2019-05-01, 平成 / 昭和 before, as Japanese
 * municipal documents do (e.g. 昭和59年5月12日).
 */
export function warekiDate(isoDay: string): string {
  const [y = 0, m = 1, d = 1] = isoDay.split('-').map(Number);
  const key = y * 10000 + m * 100 + d;
  const era = ERAS.find((e) => key >= e.from);
  if (!era) return `${y}年${m}月${d}日`;
  const n = y - era.base;
  return `${era.name}${n === 1 ? '元' : n}年${m}月${d}日`;
}

const ERAS = [
  { name: '令和', from: 20190501, base: 2018 },
  { name: '平成', from: 19890108, base: 1988 },
  { name: '昭和', from: 19261225, base: 1925 },
  { name: '大正', from: 19120730, base: 1911 },
] as const;

/** Issue date and time as printed: 令和8年11月26日 10時05分 (JST). */
export function warekiDateTime(instant: Date): string {
  const p = jstParts(instant);
  return `${warekiDate(`${p.year}-${pad(p.month)}-${pad(p.day)}`)} ${pad(p.hour)}時${pad(p.minute)}分`;
}
