import { Inject, Injectable } from '@nestjs/common';
import {
  RolloutKioskStateSchema,
  RolloutStageSpecSchema,
  RolloutStateSchema,
  RolloutTargetSchema,
  type AuditEntry,
  type HubCommand,
  type RolloutKioskState,
  type RolloutStageSpec,
  type RolloutState,
  type RolloutTarget,
} from '@kiosk/protocols';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { RolloutKiosksTable, RolloutsTable } from '../storage/hub-schema';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { ACTIVE_ROLLOUT_STATES } from '../services/rollout.rules';
import { appendAudit, type AuditDraft } from './audit.sql';
import { queueCommand } from './command.repository';
import { DATABASE } from './database.repository';

export interface RolloutRecord {
  rolloutId: string;
  version: string;
  target: RolloutTarget;
  /** The creator's municipality; null: every municipality. */
  scopeMunicipality: string | null;
  stages: RolloutStageSpec[];
  state: RolloutState;
  currentStage: number;
  reason: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface RolloutKioskRecord {
  rolloutId: string;
  kioskId: string;
  municipality: string;
  stage: number;
  state: RolloutKioskState;
  agentVersion: string | null;
  commandId: string | null;
  downloadedBytes: number | null;
  detail: string | null;
  offeredAt: string | null;
  updatedAt: string | null;
  healthySince: string | null;
}

/** What an agent's report changes on its kiosk's row. */
export interface KioskUpdateChange {
  state: RolloutKioskState;
  detail: string | null;
  downloadedBytes: number | null;
  healthySince: string | null;
  at: string;
}

export interface RolloutRepository {
  /** Enrolled kiosks of the target (within `scope` when not null). */
  groupKiosks(target: RolloutTarget, scope: string | null): Promise<string[]>;
  /** Those of `kioskIds` already held by an active rollout. */
  heldKiosks(kioskIds: readonly string[]): Promise<string[]>;
  create(rollout: RolloutRecord, members: readonly { kioskId: string; stage: number }[], audit: AuditDraft): Promise<AuditEntry>;
  find(rolloutId: string): Promise<RolloutRecord | undefined>;
  /** Newest first, at most `limit`; only those of `scope` when not null. */
  list(scope: string | null, limit: number): Promise<RolloutRecord[]>;
  running(): Promise<RolloutRecord[]>;
  kiosks(rolloutId: string): Promise<RolloutKioskRecord[]>;
  kiosksOfStage(rolloutId: string, stage: number): Promise<RolloutKioskRecord[]>;
  /** Per rollout and stage: its kiosks and how many are healthy. */
  stageCounts(rolloutIds: readonly string[]): Promise<Map<string, { stage: number; kiosks: number; healthy: number }[]>>;
  /**
   * Moves a rollout from one of `from` to `to` with its audit row; undefined when it was in none of them
   * (another process or request changed it first: nothing written). `withdraw`: queued, undelivered
   * offers of this rollout are withdrawn (marked expired) in the same transaction; their count is in
   * `withdrawn`. `requeue` (a pause): those kiosks are pending again, offered anew once it runs again.
   */
  changeState(
    rolloutId: string,
    change: { from: readonly RolloutState[]; to: RolloutState; reason: string | null; at: string; withdraw: boolean; requeue?: boolean },
    audit: (withdrawn: number) => AuditDraft,
  ): Promise<AuditEntry | undefined>;
  /** current_stage `from` → `from + 1` of a running rollout, with its audit row; undefined when it had moved on. */
  advance(rolloutId: string, from: number, at: string, audit: AuditDraft): Promise<AuditEntry | undefined>;
  /** pending → offered with the command that offers the release, queued in the same transaction; undefined when not pending any more. */
  offer(rolloutId: string, kioskId: string, command: HubCommand, issuedBy: string, audit: AuditDraft): Promise<AuditEntry | undefined>;
  /** pending → healthy for a kiosk that already runs the release (nothing to offer), with its audit row. */
  markRunning(rolloutId: string, kioskId: string, at: string, audit: AuditDraft): Promise<AuditEntry | undefined>;
  /** Kiosks of stages up to `throughStage` not offered the release yet. */
  pendingKiosks(rolloutId: string, throughStage: number): Promise<RolloutKioskRecord[]>;
  /** The kiosk's row in its newest rollout of `version`. */
  kioskRowFor(kioskId: string, version: string): Promise<(RolloutKioskRecord & { rolloutState: RolloutState }) | undefined>;
  /** The kiosk's rows in active rollouts (a hello's look-up: indexed by kiosk). */
  activeRowsOf(kioskId: string): Promise<(RolloutKioskRecord & { version: string; rolloutState: RolloutState; currentStage: number })[]>;
  report(rolloutId: string, kioskId: string, change: KioskUpdateChange, audit: AuditDraft | null): Promise<AuditEntry | undefined>;
  setHealthySince(rolloutId: string, kioskId: string, healthySince: string | null): Promise<void>;
}
export const ROLLOUT_REPOSITORY = 'RolloutRepository';

const StagesSchema = z.array(RolloutStageSpecSchema);

function rolloutFromRow(row: Selectable<RolloutsTable>): RolloutRecord {
  return {
    rolloutId: row.rollout_id,
    version: row.version,
    target: RolloutTargetSchema.parse(JSON.parse(row.target_json)),
    scopeMunicipality: row.scope_municipality,
    stages: StagesSchema.parse(JSON.parse(row.stages_json)),
    state: RolloutStateSchema.parse(row.state),
    currentStage: Number(row.current_stage),
    reason: row.reason,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

type KioskRow = Selectable<RolloutKiosksTable> & { municipality: string; agent_version: string | null };

function kioskFromRow(row: KioskRow): RolloutKioskRecord {
  return {
    rolloutId: row.rollout_id,
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    stage: Number(row.stage),
    state: RolloutKioskStateSchema.parse(row.state),
    agentVersion: row.agent_version,
    commandId: row.command_id,
    downloadedBytes: row.downloaded_bytes === null ? null : Number(row.downloaded_bytes),
    detail: row.detail,
    offeredAt: row.offered_at,
    updatedAt: row.updated_at,
    healthySince: row.healthy_since,
  };
}

function selectKiosks(db: HubDb | Tx) {
  return db.selectFrom('rollout_kiosks as rk').innerJoin('kiosks as k', 'k.kiosk_id', 'rk.kiosk_id').selectAll('rk').select(['k.municipality', 'k.agent_version']);
}

/**
 * Rollouts and their kiosks. Every change of a rollout's state or stage is one UPDATE guarded by what
 * it leaves (as commands are), so two hub processes ticking or two technicians clicking change it once;
 * each commits with its audit row.
 */
@Injectable()
export class KyselyRolloutRepository implements RolloutRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async groupKiosks(target: RolloutTarget, scope: string | null): Promise<string[]> {
    let query = this.store.db.selectFrom('kiosks as k').select('k.kiosk_id').where('k.enrolled_at', 'is not', null);
    if (scope !== null) query = query.where('k.municipality', '=', scope);
    if (target.kind === 'municipality') query = query.where('k.municipality', '=', target.municipality);
    if (target.kind === 'site') query = query.where('k.municipality', '=', target.municipality).where('k.site', '=', target.site);
    if (target.kind === 'tag') {
      const tag = target.tag;
      query = query.where((eb) => eb.exists(eb.selectFrom('kiosk_tags as t').select('t.tag').whereRef('t.kiosk_id', '=', 'k.kiosk_id').where('t.tag', '=', tag)));
    }
    return (await query.orderBy('k.kiosk_id').execute()).map((row) => row.kiosk_id);
  }

  async heldKiosks(kioskIds: readonly string[]): Promise<string[]> {
    if (kioskIds.length === 0) return [];
    const held = new Set<string>();
    // Bounded IN lists (SQLite's variable limit).
    for (let i = 0; i < kioskIds.length; i += 500) {
      const rows = await this.store.db
        .selectFrom('rollout_kiosks as rk')
        .innerJoin('rollouts as r', 'r.rollout_id', 'rk.rollout_id')
        .select('rk.kiosk_id')
        .where('rk.kiosk_id', 'in', kioskIds.slice(i, i + 500))
        .where('r.state', 'in', [...ACTIVE_ROLLOUT_STATES])
        .execute();
      for (const row of rows) held.add(row.kiosk_id);
    }
    return [...held].sort();
  }

  create(rollout: RolloutRecord, members: readonly { kioskId: string; stage: number }[], audit: AuditDraft): Promise<AuditEntry> {
    return this.store.transaction(async (tx) => {
      await tx
        .insertInto('rollouts')
        .values({
          rollout_id: rollout.rolloutId,
          version: rollout.version,
          target_json: JSON.stringify(rollout.target),
          scope_municipality: rollout.scopeMunicipality,
          stages_json: JSON.stringify(rollout.stages),
          state: rollout.state,
          current_stage: rollout.currentStage,
          reason: rollout.reason,
          created_at: rollout.createdAt,
          created_by: rollout.createdBy,
          updated_at: rollout.updatedAt,
        })
        .execute();
      for (let i = 0; i < members.length; i += 200) {
        await tx
          .insertInto('rollout_kiosks')
          .values(members.slice(i, i + 200).map((member) => ({ rollout_id: rollout.rolloutId, kiosk_id: member.kioskId, stage: member.stage, state: 'pending' })))
          .execute();
      }
      return appendAudit(tx, audit);
    });
  }

  async find(rolloutId: string): Promise<RolloutRecord | undefined> {
    const row = await this.store.db.selectFrom('rollouts').selectAll().where('rollout_id', '=', rolloutId).executeTakeFirst();
    return row ? rolloutFromRow(row) : undefined;
  }

  async list(scope: string | null, limit: number): Promise<RolloutRecord[]> {
    let query = this.store.db.selectFrom('rollouts').selectAll();
    if (scope !== null) query = query.where('scope_municipality', '=', scope);
    return (await query.orderBy('created_at', 'desc').orderBy('rollout_id', 'desc').limit(limit).execute()).map(rolloutFromRow);
  }

  async running(): Promise<RolloutRecord[]> {
    return (await this.store.db.selectFrom('rollouts').selectAll().where('state', '=', 'running').orderBy('created_at').execute()).map(rolloutFromRow);
  }

  async kiosks(rolloutId: string): Promise<RolloutKioskRecord[]> {
    return (await selectKiosks(this.store.db).where('rk.rollout_id', '=', rolloutId).orderBy('rk.stage').orderBy('rk.kiosk_id').execute()).map(kioskFromRow);
  }

  async kiosksOfStage(rolloutId: string, stage: number): Promise<RolloutKioskRecord[]> {
    return (await selectKiosks(this.store.db).where('rk.rollout_id', '=', rolloutId).where('rk.stage', '=', stage).orderBy('rk.kiosk_id').execute()).map(kioskFromRow);
  }

  async stageCounts(rolloutIds: readonly string[]): Promise<Map<string, { stage: number; kiosks: number; healthy: number }[]>> {
    const counts = new Map<string, { stage: number; kiosks: number; healthy: number }[]>();
    if (rolloutIds.length === 0) return counts;
    const rows = await this.store.db
      .selectFrom('rollout_kiosks')
      .select((eb) => [
        'rollout_id',
        'stage',
        eb.fn.countAll<number>().as('kiosks'),
        eb.fn.sum<number>(eb.case().when('state', '=', 'healthy').then(1).else(0).end()).as('healthy'),
      ])
      .where('rollout_id', 'in', [...rolloutIds])
      .groupBy(['rollout_id', 'stage'])
      .execute();
    for (const row of rows) {
      const list = counts.get(row.rollout_id) ?? [];
      list.push({ stage: Number(row.stage), kiosks: Number(row.kiosks), healthy: Number(row.healthy) });
      counts.set(row.rollout_id, list);
    }
    return counts;
  }

  changeState(
    rolloutId: string,
    change: { from: readonly RolloutState[]; to: RolloutState; reason: string | null; at: string; withdraw: boolean; requeue?: boolean },
    audit: (withdrawn: number) => AuditDraft,
  ): Promise<AuditEntry | undefined> {
    return this.store.transaction(
      async (tx) => {
        const updated = await tx
          .updateTable('rollouts')
          .set({ state: change.to, reason: change.reason, updated_at: change.at })
          .where('rollout_id', '=', rolloutId)
          .where('state', 'in', [...change.from])
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return undefined;
        let withdrawn = 0;
        if (change.withdraw) {
          const expired = await tx
            .updateTable('commands')
            .set({ status: 'expired', completed_at: change.at, detail: `withdrawn: rollout ${change.to}` })
            .where('status', '=', 'queued')
            .where('command_id', 'in', (eb) => eb.selectFrom('rollout_kiosks').select('command_id').where('rollout_id', '=', rolloutId).where('command_id', 'is not', null))
            .returning('command_id')
            .execute();
          withdrawn = expired.length;
          if (change.requeue && expired.length > 0) {
            await tx
              .updateTable('rollout_kiosks')
              .set({ state: 'pending', command_id: null, offered_at: null, updated_at: change.at })
              .where('rollout_id', '=', rolloutId)
              .where('command_id', 'in', expired.map((row) => row.command_id))
              .execute();
          }
        }
        return appendAudit(tx, audit(withdrawn));
      },
      { isolation: 'read committed' },
    );
  }

  advance(rolloutId: string, from: number, at: string, audit: AuditDraft): Promise<AuditEntry | undefined> {
    return this.store.transaction(
      async (tx) => {
        const updated = await tx
          .updateTable('rollouts')
          .set({ current_stage: from + 1, updated_at: at })
          .where('rollout_id', '=', rolloutId)
          .where('state', '=', 'running')
          .where('current_stage', '=', from)
          .executeTakeFirst();
        return Number(updated.numUpdatedRows) === 1 ? appendAudit(tx, audit) : undefined;
      },
      { isolation: 'read committed' },
    );
  }

  offer(rolloutId: string, kioskId: string, command: HubCommand, issuedBy: string, audit: AuditDraft): Promise<AuditEntry | undefined> {
    return this.store.transaction(
      async (tx) => {
        const updated = await tx
          .updateTable('rollout_kiosks')
          .set({ state: 'offered', command_id: command.commandId, offered_at: command.issuedAt, updated_at: command.issuedAt })
          .where('rollout_id', '=', rolloutId)
          .where('kiosk_id', '=', kioskId)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return undefined;
        await queueCommand(tx, kioskId, command, issuedBy);
        return appendAudit(tx, audit);
      },
      { isolation: 'read committed' },
    );
  }

  markRunning(rolloutId: string, kioskId: string, at: string, audit: AuditDraft): Promise<AuditEntry | undefined> {
    return this.store.transaction(
      async (tx) => {
        const updated = await tx
          .updateTable('rollout_kiosks')
          .set({ state: 'healthy', detail: 'already running this version', healthy_since: at, updated_at: at })
          .where('rollout_id', '=', rolloutId)
          .where('kiosk_id', '=', kioskId)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        return Number(updated.numUpdatedRows) === 1 ? appendAudit(tx, audit) : undefined;
      },
      { isolation: 'read committed' },
    );
  }

  async pendingKiosks(rolloutId: string, throughStage: number): Promise<RolloutKioskRecord[]> {
    return (
      await selectKiosks(this.store.db).where('rk.rollout_id', '=', rolloutId).where('rk.stage', '<=', throughStage).where('rk.state', '=', 'pending').orderBy('rk.kiosk_id').execute()
    ).map(kioskFromRow);
  }

  async kioskRowFor(kioskId: string, version: string): Promise<(RolloutKioskRecord & { rolloutState: RolloutState }) | undefined> {
    const row = await selectKiosks(this.store.db)
      .innerJoin('rollouts as r', 'r.rollout_id', 'rk.rollout_id')
      .select('r.state as rollout_state')
      .where('rk.kiosk_id', '=', kioskId)
      .where('r.version', '=', version)
      .orderBy('r.created_at', 'desc')
      .orderBy('r.rollout_id', 'desc')
      .executeTakeFirst();
    return row ? { ...kioskFromRow(row), rolloutState: RolloutStateSchema.parse(row.rollout_state) } : undefined;
  }

  async activeRowsOf(kioskId: string): Promise<(RolloutKioskRecord & { version: string; rolloutState: RolloutState; currentStage: number })[]> {
    const rows = await selectKiosks(this.store.db)
      .innerJoin('rollouts as r', 'r.rollout_id', 'rk.rollout_id')
      .select(['r.state as rollout_state', 'r.version', 'r.current_stage'])
      .where('rk.kiosk_id', '=', kioskId)
      .where('r.state', 'in', [...ACTIVE_ROLLOUT_STATES])
      .execute();
    return rows.map((row) => ({ ...kioskFromRow(row), version: row.version, rolloutState: RolloutStateSchema.parse(row.rollout_state), currentStage: Number(row.current_stage) }));
  }

  report(rolloutId: string, kioskId: string, change: KioskUpdateChange, audit: AuditDraft | null): Promise<AuditEntry | undefined> {
    return this.store.transaction(async (tx) => {
      await tx
        .updateTable('rollout_kiosks')
        .set({ state: change.state, detail: change.detail, downloaded_bytes: change.downloadedBytes, healthy_since: change.healthySince, updated_at: change.at })
        .where('rollout_id', '=', rolloutId)
        .where('kiosk_id', '=', kioskId)
        .execute();
      return audit ? appendAudit(tx, audit) : undefined;
    });
  }

  async setHealthySince(rolloutId: string, kioskId: string, healthySince: string | null): Promise<void> {
    await this.store.db.updateTable('rollout_kiosks').set({ healthy_since: healthySince }).where('rollout_id', '=', rolloutId).where('kiosk_id', '=', kioskId).execute();
  }
}
