import type { Language } from '@kiosk/protocols';

/**
 * Dates and deadlines on the lottery screens, in the screen's language and always in Japan time (the
 * facilities' time), whatever zone the kiosk's browser runs in. Formatting is the platform's
 * (`Intl.DateTimeFormat`), never hand-made from offsets.
 */

const TOKYO = 'Asia/Tokyo';
const LOCALES: Readonly<Record<Language, string>> = { ja: 'ja-JP', en: 'en-US', 'zh-Hans': 'zh-CN', ko: 'ko-KR' };

const dayFormats = new Map<Language, Intl.DateTimeFormat>();
function dayFormat(language: Language): Intl.DateTimeFormat {
  let format = dayFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { timeZone: TOKYO, month: language === 'en' ? 'short' : 'long', day: 'numeric', weekday: 'short' });
    dayFormats.set(language, format);
  }
  return format;
}
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: TOKYO, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Japanese writes the weekday in full-width brackets: 12月20日（日）. */
function polish(text: string, language: Language): string {
  return language === 'ja' ? text.replace(/\((.+?)\)/, '（$1）') : text;
}

/** An instant's day in Japan: 「12月20日（日）」, "Sun, Dec 20", 「12월 20일 (일)」, 「12月20日周日」. */
export function dayOf(at: Date, language: Language): string {
  return polish(dayFormat(language).format(at), language);
}

/** A calendar date (`YYYY-MM-DD`, Japan) written as `dayOf` writes it. */
export function dayLabel(date: string, language: Language): string {
  return dayOf(new Date(`${date}T12:00:00+09:00`), language);
}

/**
 * A deadline instant as a person reads it: midnight in Japan is the end of the day before
 * (`2026-12-21T00:00+09:00` → 「12月20日（日）」, to be followed by "まで"), any other time is that day at
 * that time (「12月20日（日） 17:00」).
 */
export function deadlineLabel(iso: string, language: Language): string {
  const at = new Date(iso);
  const time = timeFormat.format(at);
  if (time === '00:00' || time === '24:00') return dayOf(new Date(at.getTime() - 1), language);
  return momentLabel(iso, language);
}

/** An instant as a day and a time in Japan, midnight included: 「12月12日（土） 12:00」 (when results are announced). */
export function momentLabel(iso: string, language: Language): string {
  const at = new Date(iso);
  return `${dayOf(at, language)} ${timeFormat.format(at)}`;
}

const fullDayFormats = new Map<Language, Intl.DateTimeFormat>();
const monthFormats = new Map<Language, Intl.DateTimeFormat>();
function cached(cache: Map<Language, Intl.DateTimeFormat>, language: Language, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = cache.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { timeZone: TOKYO, ...options });
    cache.set(language, format);
  }
  return format;
}

/** A slot's date with its year: 「2027年2月13日（土）」, "Sat, Feb 13, 2027", 「2027년 2월 13일 (토)」. */
export function fullDayLabel(date: string, language: Language): string {
  const format = cached(fullDayFormats, language, { year: 'numeric', month: language === 'en' ? 'short' : 'long', day: 'numeric', weekday: 'short' });
  return polish(format.format(new Date(`${date}T12:00:00+09:00`)), language);
}

/** `09:00` as a clock reads it: 「9:00」. */
function clockTime(time: string): string {
  return time.replace(/^0(?=\d:)/, '');
}

/** A slot's time span, start and end: 「9:00〜11:00」 (Japanese), "9:00–11:00" otherwise. */
export function timeSpanLabel(start: string, end: string, language: Language): string {
  return `${clockTime(start)}${language === 'ja' ? '〜' : '–'}${clockTime(end)}`;
}

/** A slot as people read it: 「2027年2月13日（土）9:00〜11:00」. */
export function slotLabel(slot: { date: string; start: string; end: string }, language: Language): string {
  return `${fullDayLabel(slot.date, language)}${language === 'ja' ? '' : ' '}${timeSpanLabel(slot.start, slot.end, language)}`;
}

/** A calendar month (`YYYY-MM`): 「2026年12月」, "December 2026", 「2026년 12월」. */
export function monthLabel(month: string, language: Language): string {
  return cached(monthFormats, language, { year: 'numeric', month: 'long' }).format(new Date(`${month}-15T12:00:00+09:00`));
}

/** `YYYY-MM-DD` in Japan `days` days before `date` (whole days; Japan has no daylight saving). */
export function daysBefore(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day - days)).toISOString().slice(0, 10);
}

/** The months the calendar offers: the lottery clock's month and the next `count - 1`, as `YYYY-MM` (Japan). */
export function calendarMonths(lotteryNow: Date, count = 3): string[] {
  const [year = 0, month = 1] = new Intl.DateTimeFormat('en-CA', { timeZone: TOKYO, year: 'numeric', month: '2-digit' })
    .format(lotteryNow)
    .split('-')
    .map(Number);
  return Array.from({ length: count }, (_, index) => {
    const first = new Date(Date.UTC(year, month - 1 + index, 1));
    return `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}
