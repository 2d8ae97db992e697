import { Inject, Injectable } from '@nestjs/common';
import type { Alert, AlertKind, AlertSeverity, AlertState, AuditEntry } from '@kiosk/protocols';
import { sql, type Selectable } from 'kysely';
import type { AlertsTable } from '../storage/hub-schema';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import { appendAudit, type AuditDraft } from './audit.sql';

/** An alert with the condition key it stands for (`paper-out:printer-1`, `kiosk-offline`, …). */
export interface AlertRecord extends Alert {
  key: string;
}

export interface NewAlert {
  alertId: string;
  kioskId: string;
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  deviceId: string | null;
  message: string;
}

/** What one evaluation changes; applied in one transaction. */
export interface AlertChangeSet {
  open: NewAlert[];
  /** The condition is no longer seen: remember since when (the hold time runs from there). */
  clear: string[];
  /** The condition is back within the hold time: the same alert goes on (a flap). */
  reactivate: string[];
  resolve: string[];
}

export interface AlertListFilter {
  states: readonly AlertState[];
  kioskId: string | undefined;
  /** null: every municipality. */
  municipality: string | null;
  limit: number;
}

export interface AlertRepository {
  /** Open and acknowledged alerts, of one kiosk or of all. */
  unresolved(kioskId?: string): Promise<AlertRecord[]>;
  /**
   * Applies the changes; resolves with every alert it changed, as it is now. An alert to open whose
   * condition already has an unresolved alert is not opened (and not in the answer).
   */
  apply(changes: AlertChangeSet, at: string): Promise<AlertRecord[]>;
  findById(alertId: string): Promise<AlertRecord | undefined>;
  /** Unresolved states oldest first; `resolved` alone newest first. */
  list(filter: AlertListFilter): Promise<AlertRecord[]>;
  /** The kiosk's unresolved alerts (oldest first), then its `resolvedLimit` latest resolved ones. */
  forKiosk(kioskId: string, resolvedLimit: number): Promise<AlertRecord[]>;
  /** open → acknowledged with its audit row; undefined when the alert was not open. */
  acknowledge(alertId: string, by: string, comment: string, at: string, audit: AuditDraft): Promise<{ alert: AlertRecord; entry: AuditEntry } | undefined>;
  countUnresolved(): Promise<{ state: AlertState; kind: AlertKind; count: number }[]>;
}
export const ALERT_REPOSITORY = 'AlertRepository';

type AlertRow = Selectable<AlertsTable> & { municipality: string; site: string };

/** The TEXT columns hold only what the hub wrote from the protocol's own values. */
function alertFromRow(row: AlertRow): AlertRecord {
  return {
    alertId: row.alert_id,
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    site: row.site,
    key: row.alert_key,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    deviceId: row.device_id,
    message: row.message,
    state: row.state as AlertState,
    openedAt: row.opened_at,
    clearedAt: row.cleared_at,
    flaps: row.flaps,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    ackComment: row.ack_comment,
    resolvedAt: row.resolved_at,
  };
}

/** Without the key: what the console sees. */
export function toAlert({ key: _key, ...alert }: AlertRecord): Alert {
  return alert;
}

/** Alerts with their kiosk's municipality and site. */
function selectAlerts(db: HubDb | Tx) {
  return db.selectFrom('alerts as a').innerJoin('kiosks as k', 'k.kiosk_id', 'a.kiosk_id').selectAll('a').select(['k.municipality', 'k.site']);
}

type AlertQuery = ReturnType<typeof selectAlerts>;

function unresolvedOf(db: HubDb | Tx, kioskId: string | undefined): AlertQuery {
  const unresolved = selectAlerts(db).where('a.state', '!=', 'resolved');
  return (kioskId === undefined ? unresolved : unresolved.where('a.kiosk_id', '=', kioskId)).orderBy('a.opened_at').orderBy('a.alert_id');
}

function scoped(query: AlertQuery, kioskId: string | undefined, municipality: string | null): AlertQuery {
  const ofKiosk = kioskId === undefined ? query : query.where('a.kiosk_id', '=', kioskId);
  return municipality === null ? ofKiosk : ofKiosk.where('k.municipality', '=', municipality);
}

/**
 * Every change is an atomic UPDATE guarded by the state it leaves, and the schema holds at most one
 * unresolved alert per kiosk and condition (a partial unique index), so hubs evaluating the same kiosk
 * at once cannot open it twice or resolve it twice.
 */
@Injectable()
export class KyselyAlertRepository implements AlertRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async unresolved(kioskId?: string): Promise<AlertRecord[]> {
    return (await unresolvedOf(this.store.db, kioskId).execute()).map(alertFromRow);
  }

  /** One transaction, grouped with the other writes of this turn (issue 12). */
  apply(changes: AlertChangeSet, at: string): Promise<AlertRecord[]> {
    return this.store.grouped(async (tx) => {
      const changed = [
        ...(await this.open(tx, changes.open, at)),
        ...(await this.clear(tx, changes.clear, at)),
        ...(await this.reactivate(tx, changes.reactivate)),
        ...(await this.resolve(tx, changes.resolve, at)),
      ];
      if (changed.length === 0) return [];
      const rows = new Map((await selectAlerts(tx).where('a.alert_id', 'in', changed).execute()).map((row) => [row.alert_id, alertFromRow(row)]));
      return changed.flatMap((id) => rows.get(id) ?? []);
    });
  }

  async findById(alertId: string): Promise<AlertRecord | undefined> {
    const row = await selectAlerts(this.store.db).where('a.alert_id', '=', alertId).executeTakeFirst();
    return row ? alertFromRow(row) : undefined;
  }

  async list({ states, kioskId, municipality, limit }: AlertListFilter): Promise<AlertRecord[]> {
    if (states.length === 0) return [];
    const matching = scoped(selectAlerts(this.store.db), kioskId, municipality);
    const query =
      states.length === 1 && states[0] === 'resolved'
        ? matching.where('a.state', '=', 'resolved').orderBy('a.resolved_at', 'desc').orderBy('a.alert_id', 'desc')
        : matching.where('a.state', 'in', states).orderBy('a.opened_at').orderBy('a.alert_id');
    return (await query.limit(limit).execute()).map(alertFromRow);
  }

  async forKiosk(kioskId: string, resolvedLimit: number): Promise<AlertRecord[]> {
    const { db } = this.store;
    const [unresolved, resolved] = await Promise.all([
      unresolvedOf(db, kioskId).execute(),
      selectAlerts(db)
        .where('a.kiosk_id', '=', kioskId)
        .where('a.state', '=', 'resolved')
        .orderBy('a.resolved_at', 'desc')
        .orderBy('a.alert_id', 'desc')
        .limit(resolvedLimit)
        .execute(),
    ]);
    return [...unresolved, ...resolved].map(alertFromRow);
  }

  acknowledge(alertId: string, by: string, comment: string, at: string, audit: AuditDraft): Promise<{ alert: AlertRecord; entry: AuditEntry } | undefined> {
    return this.store.transaction(
      async (tx) => {
        const acknowledged = await tx
          .updateTable('alerts')
          .set({ state: 'acknowledged', acknowledged_at: at, acknowledged_by: by, ack_comment: comment })
          .where('alert_id', '=', alertId)
          .where('state', '=', 'open')
          .executeTakeFirst();
        if (Number(acknowledged.numUpdatedRows) !== 1) return undefined;
        const row = await selectAlerts(tx).where('a.alert_id', '=', alertId).executeTakeFirst();
        if (!row) return undefined;
        return { alert: alertFromRow(row), entry: await appendAudit(tx, audit) };
      },
      { isolation: 'read committed' },
    );
  }

  async countUnresolved(): Promise<{ state: AlertState; kind: AlertKind; count: number }[]> {
    const rows = await this.store.db
      .selectFrom('alerts')
      .select((eb) => ['state', 'kind', eb.fn.countAll<number>().as('count')])
      .where('state', '!=', 'resolved')
      .groupBy(['state', 'kind'])
      .execute();
    return rows.map((row) => ({ state: row.state as AlertState, kind: row.kind as AlertKind, count: Number(row.count) }));
  }

  /**
   * Opens each alert unless its condition already has an unresolved one: another hub process evaluating
   * the kiosk at the same moment opened it first (issue 14). That one stands and this open changes
   * nothing, rather than failing the whole evaluation (and the heartbeat that asked for it) on the
   * partial unique index. Resolves with the alerts it did open.
   */
  private async open(tx: Tx, alerts: readonly NewAlert[], at: string): Promise<string[]> {
    const opened: string[] = [];
    for (const alert of alerts) {
      const inserted = await tx
        .insertInto('alerts')
        .values({
          alert_id: alert.alertId,
          kiosk_id: alert.kioskId,
          alert_key: alert.key,
          kind: alert.kind,
          severity: alert.severity,
          device_id: alert.deviceId,
          message: alert.message,
          state: 'open',
          opened_at: at,
        })
        // The partial index's own predicate, as a literal: SQLite matches the conflict target to the index by its text.
        .onConflict((conflict) => conflict.columns(['kiosk_id', 'alert_key']).where('state', '!=', sql.lit('resolved')).doNothing())
        .returning('alert_id')
        .executeTakeFirst();
      if (inserted) opened.push(inserted.alert_id);
    }
    return opened;
  }

  /** The condition is no longer seen: the hold time runs from `at`. */
  private clear(tx: Tx, ids: readonly string[], at: string): Promise<string[]> {
    return changedOf(ids, (id) =>
      tx.updateTable('alerts').set({ cleared_at: at }).where('alert_id', '=', id).where('state', '!=', 'resolved').where('cleared_at', 'is', null).executeTakeFirst(),
    );
  }

  /** Back within the hold time: the same alert goes on, one more flap. */
  private reactivate(tx: Tx, ids: readonly string[]): Promise<string[]> {
    return changedOf(ids, (id) =>
      tx
        .updateTable('alerts')
        .set((eb) => ({ cleared_at: null, flaps: eb('flaps', '+', 1) }))
        .where('alert_id', '=', id)
        .where('state', '!=', 'resolved')
        .where('cleared_at', 'is not', null)
        .executeTakeFirst(),
    );
  }

  private resolve(tx: Tx, ids: readonly string[], at: string): Promise<string[]> {
    return changedOf(ids, (id) =>
      tx
        .updateTable('alerts')
        .set((eb) => ({ state: 'resolved', resolved_at: at, cleared_at: eb.fn.coalesce('cleared_at', eb.val(at)) }))
        .where('alert_id', '=', id)
        .where('state', '!=', 'resolved')
        .executeTakeFirst(),
    );
  }
}

/** The ids whose update changed a row, in order (one statement at a time: the transaction's one connection). */
async function changedOf(ids: readonly string[], update: (id: string) => Promise<{ numUpdatedRows: bigint }>): Promise<string[]> {
  const changed: string[] = [];
  for (const id of ids) if (Number((await update(id)).numUpdatedRows) === 1) changed.push(id);
  return changed;
}
