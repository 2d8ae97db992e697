import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { KioskActivitySchema, type Telemetry, type TelemetryPoint } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { prepareDeviceHealthUpsert } from './device-health.sql';
import { settle } from './settle';

export interface TelemetryRepository {
  /**
   * Stores a heartbeat in one transaction: the kiosk's latest telemetry row, its device snapshot, its
   * last_heartbeat_at, and (when `storePoint`) a point of the time series.
   */
  record(kioskId: string, telemetry: Telemetry, receivedAt: string, storePoint: boolean): Promise<void>;
  /** Points since `since`, oldest first, at most the newest `limit`. */
  recent(kioskId: string, since: string, limit: number): Promise<TelemetryPoint[]>;
  /** Deletes points older than `before`, in small batches so writers are never held up long. */
  prune(before: string): Promise<number>;
}
export const TELEMETRY_REPOSITORY = 'TelemetryRepository';

const PRUNE_BATCH = 5000;

interface PointRow {
  at: string;
  sent_at: string;
  outbox_backlog: number;
  outbox_oldest_occurred_at: string | null;
  outbox_quarantined: number | null;
  rss_bytes: number;
  uptime_seconds: number;
  out_of_service: number;
  devices_json: string;
  activity_json: string | null;
}

/** A stored activity that no longer parses is left out of the point rather than failing the page. */
function activityFromJson(json: string | null): Pick<TelemetryPoint, 'activity'> {
  if (json === null) return {};
  const parsed = KioskActivitySchema.safeParse(JSON.parse(json));
  return parsed.success ? { activity: parsed.data } : {};
}

function pointFromRow(row: PointRow): TelemetryPoint {
  return {
    at: row.at,
    sentAt: row.sent_at,
    outboxBacklog: row.outbox_backlog,
    outboxOldestOccurredAt: row.outbox_oldest_occurred_at,
    quarantined: row.outbox_quarantined,
    rssBytes: row.rss_bytes,
    uptimeSeconds: row.uptime_seconds,
    outOfService: row.out_of_service === 1,
    devices: JSON.parse(row.devices_json) as TelemetryPoint['devices'],
    ...activityFromJson(row.activity_json),
  };
}

@Injectable()
export class SqliteTelemetryRepository implements TelemetryRepository {
  private readonly recordHeartbeat: (kioskId: string, telemetry: Telemetry, receivedAt: string, storePoint: boolean) => void;
  private readonly recentOf: Statement<[string, string, number], PointRow>;
  private readonly pruneBatch: Statement<[string, number]>;

  constructor(@Inject(SqliteDatabase) private readonly database: SqliteDatabase) {
    const { db } = database;
    const upsertLatest: Statement<[string, string, string, number, string | null, number | null, number, string, number, number, number]> =
      db.prepare(`
      INSERT INTO kiosk_telemetry (kiosk_id, received_at, sent_at, outbox_backlog, outbox_oldest_occurred_at,
        outbox_quarantined, outbox_last_seq, agent_version, uptime_seconds, rss_bytes, out_of_service)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (kiosk_id) DO UPDATE SET
        received_at = excluded.received_at, sent_at = excluded.sent_at,
        outbox_backlog = excluded.outbox_backlog, outbox_oldest_occurred_at = excluded.outbox_oldest_occurred_at,
        outbox_quarantined = excluded.outbox_quarantined,
        outbox_last_seq = excluded.outbox_last_seq, agent_version = excluded.agent_version,
        uptime_seconds = excluded.uptime_seconds, rss_bytes = excluded.rss_bytes,
        out_of_service = excluded.out_of_service`);
    const heartbeat: Statement<[string, string, string]> = db.prepare(
      'UPDATE kiosks SET last_heartbeat_at = ?, agent_version = ? WHERE kiosk_id = ?',
    );
    const insertPoint: Statement<[string, string, string, number, string | null, number | null, number, number, number, string, string | null]> =
      db.prepare(`
      INSERT INTO telemetry_points (kiosk_id, at, sent_at, outbox_backlog, outbox_oldest_occurred_at, outbox_quarantined,
        rss_bytes, uptime_seconds, out_of_service, devices_json, activity_json)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const upsertDevice = prepareDeviceHealthUpsert(db);
    // Runs in the group transaction, in its own savepoint (SqliteDatabase.grouped).
    this.recordHeartbeat = (kioskId: string, t: Telemetry, receivedAt: string, storePoint: boolean): void => {
      const outOfService = t.agent.outOfService ? 1 : 0;
      const quarantined = t.outbox.quarantined ?? null;
      upsertLatest.run(
        kioskId,
        receivedAt,
        t.sentAt,
        t.outbox.backlog,
        t.outbox.oldestOccurredAt,
        quarantined,
        t.outbox.lastSeq,
        t.agent.version,
        t.agent.uptimeSeconds,
        t.agent.rssBytes,
        outOfService,
      );
      heartbeat.run(receivedAt, t.agent.version, kioskId);
      for (const device of t.devices) upsertDevice(kioskId, device, receivedAt);
      if (!storePoint) return;
      const devices = t.devices.map(({ deviceId, kind, status, reasons }) => ({ deviceId, kind, status, reasons }));
      insertPoint.run(
        kioskId,
        receivedAt,
        t.sentAt,
        t.outbox.backlog,
        t.outbox.oldestOccurredAt,
        quarantined,
        t.agent.rssBytes,
        t.agent.uptimeSeconds,
        outOfService,
        JSON.stringify(devices),
        t.activity === undefined ? null : JSON.stringify(t.activity),
      );
    };
    this.recentOf = db.prepare(
      `SELECT * FROM (SELECT * FROM telemetry_points WHERE kiosk_id = ? AND at >= ? ORDER BY at DESC LIMIT ?) ORDER BY at`,
    );
    this.pruneBatch = db.prepare(
      'DELETE FROM telemetry_points WHERE rowid IN (SELECT rowid FROM telemetry_points WHERE at < ? LIMIT ?)',
    );
  }

  record(kioskId: string, telemetry: Telemetry, receivedAt: string, storePoint: boolean): Promise<void> {
    // Heartbeats are "latest wins" and come every 15 s from every kiosk: losing the last ones to a power
    // cut costs nothing, so a group of heartbeats alone commits without an fsync (WAL keeps the file
    // consistent either way); grouped with events, they share the events' one fsync.
    return this.database.grouped(() => this.recordHeartbeat(kioskId, telemetry, receivedAt, storePoint), 'relaxed');
  }

  recent(kioskId: string, since: string, limit: number): Promise<TelemetryPoint[]> {
    return settle(() => this.recentOf.all(kioskId, since, limit).map(pointFromRow));
  }

  async prune(before: string): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await settle(() => this.pruneBatch.run(before, PRUNE_BATCH).changes);
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
      // Let heartbeats in between two batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
