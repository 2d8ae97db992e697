import type { Migration } from './migrations';

/**
 * Staged rollouts of agent releases (issue 19). `kiosk_tags`: labels technicians set on kiosks to group
 * them (a rollout may target a tag). `rollouts`: a release assigned to a group, its stages (JSON, as
 * validated by the protocol) and where it stands. `rollout_kiosks`: the group as it was when the rollout
 * was created, each kiosk with its stage and its update's state (from the agent's `update.report`), the
 * `agent.update` command that offered it the release, and since when it has been healthy on it.
 * Listed in MIGRATIONS with its version.
 */
export const ROLLOUTS_MIGRATION: Omit<Migration, 'version'> = {
  name: 'staged rollouts and kiosk tags',
  sql: `
    CREATE TABLE kiosk_tags (
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      tag TEXT NOT NULL,
      PRIMARY KEY (kiosk_id, tag)
    );
    CREATE INDEX kiosk_tags_by_tag ON kiosk_tags (tag, kiosk_id);

    CREATE TABLE rollouts (
      rollout_id TEXT PRIMARY KEY,
      version TEXT NOT NULL REFERENCES agent_releases (version),
      target_json TEXT NOT NULL,
      -- The creator's municipality (null: every municipality): who may see and steer the rollout.
      scope_municipality TEXT NULL,
      stages_json TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'aborted', 'halted', 'completed')),
      current_stage INTEGER NOT NULL,
      reason TEXT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX rollouts_by_state ON rollouts (state);

    CREATE TABLE rollout_kiosks (
      rollout_id TEXT NOT NULL REFERENCES rollouts (rollout_id),
      kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
      stage INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'offered', 'downloading', 'downloaded', 'waiting-idle', 'switching', 'healthy', 'failed', 'rolled-back')),
      command_id TEXT NULL,
      downloaded_bytes INTEGER NULL,
      detail TEXT NULL,
      offered_at TEXT NULL,
      updated_at TEXT NULL,
      healthy_since TEXT NULL,
      PRIMARY KEY (rollout_id, kiosk_id)
    );
    CREATE INDEX rollout_kiosks_by_kiosk ON rollout_kiosks (kiosk_id);
    CREATE INDEX rollout_kiosks_by_stage ON rollout_kiosks (rollout_id, stage);
  `,
};
