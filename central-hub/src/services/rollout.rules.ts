import type { RolloutKioskState, RolloutStageSpec, RolloutState, UpdateReportState } from '@kiosk/protocols';

/**
 * The rules of a staged rollout (issue 19), without I/O: who is in which stage, when a stage is done,
 * what halts a rollout, and which state changes a technician or the hub may make.
 */

/**
 * How many kiosks of a group of `total` each stage reaches by its end (cumulative): a stage of
 * `kiosks: 1` reaches one, `percent: 10` reaches 10 % rounded up; never fewer than the stage before,
 * never more than the group.
 */
export function stageReach(stages: readonly Pick<RolloutStageSpec, 'kiosks' | 'percent'>[], total: number): number[] {
  const reach: number[] = [];
  let previous = 0;
  for (const stage of stages) {
    const wanted = stage.kiosks ?? Math.ceil(((stage.percent ?? 100) * total) / 100);
    previous = Math.min(total, Math.max(previous, wanted));
    reach.push(previous);
  }
  return reach;
}

/**
 * Each kiosk's stage: kiosks ordered by id (so the canary is the same whoever creates the rollout and
 * whenever), the first `reach[0]` in stage 0, the next ones up to `reach[1]` in stage 1, and so on.
 * Kiosks past the last stage's reach (none when it is 100 %) are left out.
 */
export function assignStages(kioskIds: readonly string[], stages: readonly Pick<RolloutStageSpec, 'kiosks' | 'percent'>[]): { kioskId: string; stage: number }[] {
  const ordered = [...new Set(kioskIds)].sort();
  const reach = stageReach(stages, ordered.length);
  const assigned: { kioskId: string; stage: number }[] = [];
  let stage = 0;
  ordered.forEach((kioskId, i) => {
    while (stage < reach.length && i >= (reach[stage] ?? 0)) stage += 1;
    if (stage < reach.length) assigned.push({ kioskId, stage });
  });
  return assigned;
}

/** A kiosk of the stage being judged, as the hub knows it. */
export interface StageKiosk {
  state: RolloutKioskState;
  /** The version its last hello named. */
  agentVersion: string | null;
  /** Since when it has been healthy on the release (nextHealthySince). */
  healthySince: string | null;
}

export type StageVerdict = 'wait' | 'advance' | 'complete';

/**
 * A stage is done when every one of its kiosks reported healthy, says (by its hello) it runs the
 * release, and has stayed so for the stage's `healthySeconds`. Then the rollout advances, or
 * completes after its last stage. An empty stage (a small group) is done at once.
 */
export function judgeStage(input: { version: string; stage: number; stageCount: number; healthySeconds: number; kiosks: readonly StageKiosk[]; nowMs: number }): StageVerdict {
  const done = input.kiosks.every(
    (kiosk) =>
      kiosk.state === 'healthy' &&
      kiosk.agentVersion === input.version &&
      kiosk.healthySince !== null &&
      input.nowMs - Date.parse(kiosk.healthySince) >= input.healthySeconds * 1000,
  );
  if (!done) return 'wait';
  return input.stage + 1 >= input.stageCount ? 'complete' : 'advance';
}

/**
 * Since when a kiosk counts as healthy on `version`: kept from before while it stays healthy and runs
 * the release, started now when it first does, null otherwise (a kiosk that reconnects with another
 * version starts again).
 */
export function nextHealthySince(state: RolloutKioskState, agentVersion: string | null, version: string, previous: string | null, now: string): string | null {
  if (state !== 'healthy' || agentVersion !== version) return null;
  return previous ?? now;
}

/** A kiosk whose update failed, or whose new version was rolled back, stops the whole rollout. */
export function haltsRollout(state: UpdateReportState): boolean {
  return state === 'failed' || state === 'rolled-back';
}

/** Pause, resume, abort, halt, advance, complete: one rule for the hub and the console (protocols). */
export { nextRolloutState, type RolloutAction } from '@kiosk/protocols';

/** States in which a rollout still holds its kiosks (a kiosk is in at most one such rollout). */
export const ACTIVE_ROLLOUT_STATES: readonly RolloutState[] = ['running', 'paused', 'halted'];

/** States in which a rollout offers the release to its current stage's kiosks. */
export function offers(state: RolloutState): boolean {
  return state === 'running';
}
