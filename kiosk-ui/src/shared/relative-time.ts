import type { Language } from '@kiosk/protocols';
import { translate, type MessageKey } from './i18n/index';

/** How long ago something happened, as a table key and the number to put in it. */
export interface Elapsed {
  key: Extract<MessageKey, `time.${string}`>;
  n: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Buckets the time between `then` (an ISO instant from the wire, or null for "never") and `now`.
 * Clock skew between hub and browser can put `then` slightly in the future: that reads as "just now",
 * not as a negative age.
 */
export function elapsed(then: string | null, nowMs: number): Elapsed {
  if (then === null) return { key: 'time.never', n: 0 };
  const thenMs = Date.parse(then);
  if (Number.isNaN(thenMs)) return { key: 'time.never', n: 0 };
  const age = Math.max(0, nowMs - thenMs);
  if (age < 5 * SECOND) return { key: 'time.justNow', n: 0 };
  if (age < MINUTE) return { key: 'time.secondsAgo', n: Math.floor(age / SECOND) };
  if (age < HOUR) return { key: 'time.minutesAgo', n: Math.floor(age / MINUTE) };
  if (age < DAY) return { key: 'time.hoursAgo', n: Math.floor(age / HOUR) };
  return { key: 'time.daysAgo', n: Math.floor(age / DAY) };
}

export function relativeTime(language: Language, then: string | null, nowMs: number): string {
  const { key, n } = elapsed(then, nowMs);
  return translate(language, key, { n });
}
