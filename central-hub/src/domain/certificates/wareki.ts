import { jstParts } from '../jst';

/**
 * Japanese era dates (和暦) as municipal certificates print them. Formatting only: the calendar
 * arithmetic is in ../jst.ts.
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** 令和 era year of a Gregorian year (令和元年 = 2019). */
export function reiwaYear(year: number): string {
  const n = year - 2018;
  return n === 1 ? '令和元' : `令和${n}`;
}

const ERAS = [
  { name: '令和', from: 20190501, base: 2018 },
  { name: '平成', from: 19890108, base: 1988 },
  { name: '昭和', from: 19261225, base: 1925 },
  { name: '大正', from: 19120730, base: 1911 },
] as const;

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

/** Issue date and time as printed: 令和8年11月26日 10時05分 (JST). */
export function warekiDateTime(instant: Date): string {
  const p = jstParts(instant);
  return `${warekiDate(`${p.year}-${pad(p.month)}-${pad(p.day)}`)} ${pad(p.hour)}時${pad(p.minute)}分`;
}
