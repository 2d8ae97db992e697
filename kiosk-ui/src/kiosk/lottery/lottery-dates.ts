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
  return `${dayOf(at, language)} ${time}`;
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
