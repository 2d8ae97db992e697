/**
 * With several hub processes, how often the one that leads the sweep evaluates the whole fleet: a kiosk
 * that only ever talked to another process has no deadline in the leader's index (issue 14).
 */
export const SHARED_FULL_SWEEP_MS = 60_000;

/**
 * Whether this sweep evaluates the whole fleet instead of the kiosks whose deadline came: when this
 * process has just taken the sweep over (or starts), and, when other processes share the database,
 * once every SHARED_FULL_SWEEP_MS.
 */
export function fullSweepDue(state: { ledBefore: boolean; alone: boolean; lastFullSweepAtMs: number | null }, nowMs: number): boolean {
  if (!state.ledBefore || state.lastFullSweepAtMs === null) return true;
  return !state.alone && nowMs - state.lastFullSweepAtMs >= SHARED_FULL_SWEEP_MS;
}
