/**
 * The certificate flow's idle periods: a minute of quiet, then a 30 s "still there?" countdown before the
 * session ends and the agent wipes it. The timer itself is the kiosk's `IdleTimer` (../idle.ts).
 */

export const CERT_IDLE_MS = 60_000;
export const CERT_WARN_MS = 30_000;

/** The warning is 30 s, or half the idle period when a test shortens it (`?idle=4` → 2 s warning). */
export function warningMsFor(idleMs: number): number {
  return Math.min(CERT_WARN_MS, Math.round(idleMs / 2));
}
