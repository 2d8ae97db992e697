import type { RolloutKioskView, RolloutSummary } from '@kiosk/protocols';
import type { RolloutKioskRecord, RolloutRecord } from '../repositories/rollout.repository';

/** A rollout kiosk as the console and REST show it. */
export function toRolloutKioskView(record: RolloutKioskRecord): RolloutKioskView {
  return {
    rolloutId: record.rolloutId,
    kioskId: record.kioskId,
    municipality: record.municipality,
    stage: record.stage,
    state: record.state,
    agentVersion: record.agentVersion,
    downloadedBytes: record.downloadedBytes,
    detail: record.detail,
    offeredAt: record.offeredAt,
    updatedAt: record.updatedAt,
    healthySince: record.healthySince,
  };
}

/** A rollout with, per stage, how many kiosks it adds and how many of them are healthy. */
export function toRolloutSummary(rollout: RolloutRecord, counts: readonly { stage: number; kiosks: number; healthy: number }[]): RolloutSummary {
  return {
    rolloutId: rollout.rolloutId,
    version: rollout.version,
    target: rollout.target,
    state: rollout.state,
    currentStage: rollout.currentStage,
    stages: rollout.stages.map((spec, index) => {
      const count = counts.find((c) => c.stage === index);
      return { index, spec, kiosks: count?.kiosks ?? 0, healthy: count?.healthy ?? 0 };
    }),
    createdAt: rollout.createdAt,
    createdBy: rollout.createdBy,
    updatedAt: rollout.updatedAt,
    reason: rollout.reason,
  };
}

/** "municipality:豊中市", "site:豊中市/豊中市役所", "tag:pilot": the target in one audit field. */
export function targetLabel(rollout: Pick<RolloutRecord, 'target'>): string {
  const { target } = rollout;
  if (target.kind === 'municipality') return `municipality:${target.municipality}`;
  if (target.kind === 'site') return `site:${target.municipality}/${target.site}`;
  return `tag:${target.tag}`;
}

