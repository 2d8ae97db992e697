/** Kiosk settings read from the page URL (the agent opens the kiosk browser on it). */
export interface KioskConfig {
  idleMs: number;
}

export const DEFAULT_IDLE_SECONDS = 60;
const MIN_IDLE_SECONDS = 1;
const MAX_IDLE_SECONDS = 3600;

/**
 * `?idle=SECONDS` shortens or lengthens the idle reset (tests use a few seconds). Anything that is not
 * a number in 1..3600 falls back to the default rather than disabling the reset.
 */
export function parseKioskConfig(search: string): KioskConfig {
  const raw = new URLSearchParams(search).get('idle');
  const seconds = raw === null || raw.trim() === '' ? NaN : Number(raw);
  const valid = Number.isFinite(seconds) && seconds >= MIN_IDLE_SECONDS && seconds <= MAX_IDLE_SECONDS;
  return { idleMs: Math.round((valid ? seconds : DEFAULT_IDLE_SECONDS) * 1000) };
}
