/**
 * TEST ONLY. The one clock shift of the certificate tests (the agent's in edge-agent/test and the
 * browser tests in test/browser): the certificate service is open 06:30–23:00 JST and closed Dec 29 –
 * Jan 3 (the real facts file), so a test that must find it open moves its processes' clocks instead of
 * changing the facts. The hub and spawned agents get it through certificate-clock-preload.cjs (`--require`), an
 * in-process agent through its injected clock. Every process of one test run gets the same offset, so
 * signed handshakes and card validity agree among them.
 */
import path from 'node:path';

/**
 * How far the clocks are shifted: 0 between 07:00 and 22:00 JST on an open day, else forward to the
 * next open day's 12:00 JST (forward only, so the test CA's certificates are already valid).
 */
export const CLOCK_OFFSET_MS = ((): number => {
  const hourMs = 3_600_000;
  const now = Date.now();
  const jstOf = (instant: number): Date => new Date(instant + 9 * hourMs);
  // Dec 29 – Jan 3 is closed all day: the shift skips forward over it to Jan 4.
  const inYearEndHolidays = (instant: number): boolean => {
    const jst = jstOf(instant);
    return (jst.getUTCMonth() === 11 && jst.getUTCDate() >= 29) || (jst.getUTCMonth() === 0 && jst.getUTCDate() <= 3);
  };
  const jstHour = jstOf(now).getUTCHours();
  if (jstHour >= 7 && jstHour < 22 && !inYearEndHolidays(now)) return 0;
  const jst = jstOf(now);
  let noon = Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate(), 12) - 9 * hourMs;
  if (noon <= now) noon += 24 * hourMs;
  while (inYearEndHolidays(noon)) noon += 24 * hourMs;
  return noon - now;
})();

/** The shifted clock for an agent started in the test's own process. */
export const testClock = { now: (): Date => new Date(Date.now() + CLOCK_OFFSET_MS) };

/** The environment that makes a spawned node process (hub, agent) use the shifted clock. */
export function shiftedClockEnv(): Record<string, string> {
  return { NODE_OPTIONS: `--require ${path.join(__dirname, 'certificate-clock-preload.cjs')}`, KIOSK_TEST_CLOCK_OFFSET_MS: String(CLOCK_OFFSET_MS) };
}
