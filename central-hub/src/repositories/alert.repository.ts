import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { Alert, AlertKind, AlertSeverity, AlertState, AuditEntry } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { prepareAuditAppend, type AuditDraft } from './audit.sql';
import { settle } from './settle';

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
  /** Applies the changes; resolves with every alert it changed, as it is now. */
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

interface AlertRow {
  alert_id: string;
  kiosk_id: string;
  municipality: string;
  site: string;
  alert_key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  device_id: string | null;
  message: string;
  state: AlertState;
  opened_at: string;
  cleared_at: string | null;
  flaps: number;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  ack_comment: string | null;
  resolved_at: string | null;
}

function alertFromRow(row: AlertRow): AlertRecord {
  return {
    alertId: row.alert_id,
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    site: row.site,
    key: row.alert_key,
    kind: row.kind,
    severity: row.severity,
    deviceId: row.device_id,
    message: row.message,
    state: row.state,
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

interface ListParams {
  states: string;
  kioskId: string | null;
  municipality: string | null;
  limit: number;
}

const SELECT = `SELECT a.*, k.municipality, k.site FROM alerts a JOIN kiosks k ON k.kiosk_id = a.kiosk_id`;

@Injectable()
export class SqliteAlertRepository implements AlertRepository {
  private readonly allUnresolved: Statement<[], AlertRow>;
  private readonly unresolvedOf: Statement<[string], AlertRow>;
  private readonly byId: Statement<[string], AlertRow>;
  private readonly listActive: Statement<[ListParams], AlertRow>;
  private readonly listResolved: Statement<[Omit<ListParams, 'states'>], AlertRow>;
  private readonly resolvedOf: Statement<[string, number], AlertRow>;
  private readonly counts: Statement<[], { state: AlertState; kind: AlertKind; count: number }>;
  private readonly applyTx: (changes: AlertChangeSet, at: string) => AlertRecord[];
  private readonly acknowledgeTx: (alertId: string, by: string, comment: string, at: string, audit: AuditDraft) => { alert: AlertRecord; entry: AuditEntry } | undefined;

  constructor(@Inject(SqliteDatabase) private readonly database: SqliteDatabase) {
    const { db } = database;
    this.allUnresolved = db.prepare(`${SELECT} WHERE a.state != 'resolved' ORDER BY a.opened_at, a.alert_id`);
    this.unresolvedOf = db.prepare(`${SELECT} WHERE a.kiosk_id = ? AND a.state != 'resolved' ORDER BY a.opened_at, a.alert_id`);
    this.byId = db.prepare(`${SELECT} WHERE a.alert_id = ?`);
    this.listActive = db.prepare(
      `${SELECT} WHERE a.state IN (SELECT value FROM json_each(@states))
         AND (@kioskId IS NULL OR a.kiosk_id = @kioskId) AND (@municipality IS NULL OR k.municipality = @municipality)
       ORDER BY a.opened_at, a.alert_id LIMIT @limit`,
    );
    this.listResolved = db.prepare(
      `${SELECT} WHERE a.state = 'resolved'
         AND (@kioskId IS NULL OR a.kiosk_id = @kioskId) AND (@municipality IS NULL OR k.municipality = @municipality)
       ORDER BY a.resolved_at DESC, a.alert_id DESC LIMIT @limit`,
    );
    this.resolvedOf = db.prepare(`${SELECT} WHERE a.kiosk_id = ? AND a.state = 'resolved' ORDER BY a.resolved_at DESC LIMIT ?`);
    this.counts = db.prepare(`SELECT state, kind, count(*) AS count FROM alerts WHERE state != 'resolved' GROUP BY state, kind`);

    const insert = db.prepare<[string, string, string, string, string, string | null, string, string]>(
      `INSERT INTO alerts (alert_id, kiosk_id, alert_key, kind, severity, device_id, message, state, opened_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
    );
    const clear = db.prepare<[string, string]>(`UPDATE alerts SET cleared_at = ? WHERE alert_id = ? AND state != 'resolved' AND cleared_at IS NULL`);
    const reactivate = db.prepare<[string]>(
      `UPDATE alerts SET cleared_at = NULL, flaps = flaps + 1 WHERE alert_id = ? AND state != 'resolved' AND cleared_at IS NOT NULL`,
    );
    const resolve = db.prepare<[string, string, string]>(
      `UPDATE alerts SET state = 'resolved', resolved_at = ?, cleared_at = coalesce(cleared_at, ?) WHERE alert_id = ? AND state != 'resolved'`,
    );
    this.applyTx = db.transaction((changes: AlertChangeSet, at: string) => {
      const changed: string[] = [];
      for (const alert of changes.open) {
        insert.run(alert.alertId, alert.kioskId, alert.key, alert.kind, alert.severity, alert.deviceId, alert.message, at);
        changed.push(alert.alertId);
      }
      for (const id of changes.clear) if (clear.run(at, id).changes === 1) changed.push(id);
      for (const id of changes.reactivate) if (reactivate.run(id).changes === 1) changed.push(id);
      for (const id of changes.resolve) if (resolve.run(at, at, id).changes === 1) changed.push(id);
      return changed.flatMap((id) => {
        const row = this.byId.get(id);
        return row ? [alertFromRow(row)] : [];
      });
    });

    const ack = db.prepare<[string, string, string, string]>(
      `UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, ack_comment = ? WHERE alert_id = ? AND state = 'open'`,
    );
    const appendAudit = prepareAuditAppend(db);
    this.acknowledgeTx = db.transaction((alertId: string, by: string, comment: string, at: string, audit: AuditDraft) => {
      if (ack.run(at, by, comment, alertId).changes !== 1) return undefined;
      const row = this.byId.get(alertId);
      if (!row) return undefined;
      return { alert: alertFromRow(row), entry: appendAudit(audit) };
    });
  }

  unresolved(kioskId?: string): Promise<AlertRecord[]> {
    return settle(() => (kioskId === undefined ? this.allUnresolved.all() : this.unresolvedOf.all(kioskId)).map(alertFromRow));
  }

  /** Grouped with the other writes of this turn (issue 12). */
  apply(changes: AlertChangeSet, at: string): Promise<AlertRecord[]> {
    return this.database.grouped(() => this.applyTx(changes, at));
  }

  findById(alertId: string): Promise<AlertRecord | undefined> {
    return settle(() => {
      const row = this.byId.get(alertId);
      return row ? alertFromRow(row) : undefined;
    });
  }

  list({ states, kioskId, municipality, limit }: AlertListFilter): Promise<AlertRecord[]> {
    return settle(() => {
      const rows =
        states.length === 1 && states[0] === 'resolved'
          ? this.listResolved.all({ kioskId: kioskId ?? null, municipality, limit })
          : this.listActive.all({ states: JSON.stringify(states), kioskId: kioskId ?? null, municipality, limit });
      return rows.map(alertFromRow);
    });
  }

  forKiosk(kioskId: string, resolvedLimit: number): Promise<AlertRecord[]> {
    return settle(() => [...this.unresolvedOf.all(kioskId), ...this.resolvedOf.all(kioskId, resolvedLimit)].map(alertFromRow));
  }

  acknowledge(alertId: string, by: string, comment: string, at: string, audit: AuditDraft): Promise<{ alert: AlertRecord; entry: AuditEntry } | undefined> {
    return settle(() => this.acknowledgeTx(alertId, by, comment, at, audit));
  }

  countUnresolved(): Promise<{ state: AlertState; kind: AlertKind; count: number }[]> {
    return settle(() => this.counts.all());
  }
}
