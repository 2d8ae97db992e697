import type { ConsoleLanguage } from './i18n/index';

/**
 * Dates and numbers in the console's language. Times are shown in Japan time whatever the browser's
 * zone, because every kiosk is in Japan and technicians compare times with each other and with logs.
 */
export const CONSOLE_TIME_ZONE = 'Asia/Tokyo';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: ConsoleLanguage, style: 'full' | 'time'): Intl.DateTimeFormat {
  const key = `${language}:${style}`;
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(language, {
      timeZone: CONSOLE_TIME_ZONE,
      // h23, not hour12: false (which gives "24:04" after midnight in English).
      hourCycle: 'h23',
      ...(style === 'full'
        ? { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }
        : { hour: '2-digit', minute: '2-digit' }),
    });
    formatters.set(key, found);
  }
  return found;
}

/** An instant from the wire as a date and time (`full`) or hours and minutes (`time`); null when unreadable. */
export function formatInstant(language: ConsoleLanguage, instant: string | number, style: 'full' | 'time' = 'full'): string | null {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) return null;
  return formatter(language, style).format(ms);
}

export function formatNumber(language: ConsoleLanguage, value: number): string {
  return value.toLocaleString(language, { maximumFractionDigits: 1 });
}
