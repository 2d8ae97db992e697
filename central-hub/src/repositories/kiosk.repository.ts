import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { DeviceHealth, KioskStatus, KioskSummary } from '@kiosk/protocols';
import type { CashCollectionOutcome } from '../services/alert.rules';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';
import { deviceFromRow, type DeviceHealthRow } from './device-health.sql';

export type KioskKind = KioskSummary['kind'];

export interface KioskRecord {
  kioskId: string;
  name: string;
  municipality: string;
  site: string;
  kind: KioskKind;
  /** Ed25519 public key, SPKI DER in base64; null until the kiosk has enrolled. */
  publicKey: string | null;
  enrolledAt: string | null;
  createdAt: string;
  ackedThroughSeq: number;
  lastHeartbeatAt: string | null;
  agentVersion: string | null;
  /** The status the hub last derived (null before it first evaluated the kiosk), and since when. */
  status: KioskStatus | null;
  statusSince: string | null;
}

/** The latest heartbeat (telemetry is "latest wins"). */
export interface TelemetryRecord {
  receivedAt: string;
  sentAt: string;
  outboxBacklog: number;
  outboxOldestOccurredAt: string | null;
  rssBytes: number;
  outOfService: boolean;
}

/** A kiosk with what the fleet view shows about it. */
export interface KioskView {
  kiosk: KioskRecord;
  telemetry: TelemetryRecord | null;
  devices: DeviceHealth[];
  /** The last collection whose period is complete (cash reconciliation), for the alert rules. */
  cashCollection: CashCollectionOutcome | null;
}

export interface KioskRepository {
  findById(kioskId: string): Promise<KioskRecord | undefined>;
  findView(kioskId: string): Promise<KioskView | undefined>;
  listViews(): Promise<KioskView[]>;
  setAgentVersion(kioskId: string, agentVersion: string): Promise<void>;
  /** Enrolled kiosks per current status (for metrics); kiosks never evaluated count as offline. */
  countByStatus(): Promise<Map<KioskStatus, number>>;
}
export const KIOSK_REPOSITORY = 'KioskRepository';

interface KioskRow {
  kiosk_id: string;
  name: string;
  municipality: string;
  site: string;
  kind: KioskKind;
  public_key: string | null;
  enrolled_at: string | null;
  created_at: string;
  acked_through_seq: number;
  last_heartbeat_at: string | null;
  agent_version: string | null;
  status: KioskStatus | null;
  status_since: string | null;
}

interface TelemetryRow {
  kiosk_id: string;
  received_at: string;
  sent_at: string;
  outbox_backlog: number;
  outbox_oldest_occurred_at: string | null;
  rss_bytes: number;
  out_of_service: number;
}

function kioskFromRow(row: KioskRow): KioskRecord {
  return {
    kioskId: row.kiosk_id,
    name: row.name,
    municipality: row.municipality,
    site: row.site,
    kind: row.kind,
    publicKey: row.public_key,
    enrolledAt: row.enrolled_at,
    createdAt: row.created_at,
    ackedThroughSeq: row.acked_through_seq,
    lastHeartbeatAt: row.last_heartbeat_at,
    agentVersion: row.agent_version,
    status: row.status,
    statusSince: row.status_since,
  };
}

function telemetryFromRow(row: TelemetryRow): TelemetryRecord {
  return {
    receivedAt: row.received_at,
    sentAt: row.sent_at,
    outboxBacklog: row.outbox_backlog,
    outboxOldestOccurredAt: row.outbox_oldest_occurred_at,
    rssBytes: row.rss_bytes,
    outOfService: row.out_of_service === 1,
  };
}

@Injectable()
export class SqliteKioskRepository implements KioskRepository {
  private readonly byId: Statement<[string], KioskRow>;
  private readonly all: Statement<[], KioskRow>;
  private readonly telemetryById: Statement<[string], TelemetryRow>;
  private readonly allTelemetry: Statement<[], TelemetryRow>;
  private readonly devicesById: Statement<[string], DeviceHealthRow>;
  private readonly allDevices: Statement<[], DeviceHealthRow>;
  private readonly updateAgentVersion: Statement<[string, string]>;
  private readonly statusCounts: Statement<[], { status: KioskStatus; n: number }>;
  private readonly lastCollection: Statement<[string], { collected_at: string; discrepancy_yen: number }>;
  private readonly lastCollections: Statement<[], { kiosk_id: string; collected_at: string; discrepancy_yen: number }>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.byId = db.prepare('SELECT * FROM kiosks WHERE kiosk_id = ?');
    this.all = db.prepare('SELECT * FROM kiosks ORDER BY kiosk_id');
    this.telemetryById = db.prepare('SELECT * FROM kiosk_telemetry WHERE kiosk_id = ?');
    this.allTelemetry = db.prepare('SELECT * FROM kiosk_telemetry');
    this.devicesById = db.prepare('SELECT * FROM device_health WHERE kiosk_id = ? ORDER BY device_id');
    this.allDevices = db.prepare('SELECT * FROM device_health ORDER BY kiosk_id, device_id');
    this.lastCollection = db.prepare('SELECT collected_at, discrepancy_yen FROM cash_collections WHERE kiosk_id = ? ORDER BY seq DESC LIMIT 1');
    // SQLite: with max(), the bare columns come from the row holding the maximum.
    this.lastCollections = db.prepare('SELECT kiosk_id, max(seq) AS seq, collected_at, discrepancy_yen FROM cash_collections GROUP BY kiosk_id');
    this.updateAgentVersion = db.prepare('UPDATE kiosks SET agent_version = ? WHERE kiosk_id = ?');
    this.statusCounts = db.prepare(
      `SELECT coalesce(status, 'offline') AS status, count(*) AS n FROM kiosks WHERE public_key IS NOT NULL GROUP BY 1`,
    );
  }

  findById(kioskId: string): Promise<KioskRecord | undefined> {
    return settle(() => {
      const row = this.byId.get(kioskId);
      return row ? kioskFromRow(row) : undefined;
    });
  }

  findView(kioskId: string): Promise<KioskView | undefined> {
    return settle(() => {
      const row = this.byId.get(kioskId);
      if (!row) return undefined;
      const telemetry = this.telemetryById.get(kioskId);
      const collection = this.lastCollection.get(kioskId);
      return {
        kiosk: kioskFromRow(row),
        telemetry: telemetry ? telemetryFromRow(telemetry) : null,
        devices: this.devicesById.all(kioskId).map(deviceFromRow),
        cashCollection: collection ? { collectedAt: collection.collected_at, discrepancyYen: collection.discrepancy_yen } : null,
      };
    });
  }

  /** Four queries for the whole fleet, not four per kiosk. */
  listViews(): Promise<KioskView[]> {
    return settle(() => {
      const telemetry = new Map(this.allTelemetry.all().map((row) => [row.kiosk_id, telemetryFromRow(row)]));
      const devices = new Map<string, DeviceHealth[]>();
      for (const row of this.allDevices.all()) {
        const list = devices.get(row.kiosk_id) ?? [];
        list.push(deviceFromRow(row));
        devices.set(row.kiosk_id, list);
      }
      const collections = new Map(
        this.lastCollections.all().map((row) => [row.kiosk_id, { collectedAt: row.collected_at, discrepancyYen: row.discrepancy_yen }]),
      );
      return this.all.all().map((row) => ({
        kiosk: kioskFromRow(row),
        telemetry: telemetry.get(row.kiosk_id) ?? null,
        devices: devices.get(row.kiosk_id) ?? [],
        cashCollection: collections.get(row.kiosk_id) ?? null,
      }));
    });
  }

  setAgentVersion(kioskId: string, agentVersion: string): Promise<void> {
    return settle(() => {
      this.updateAgentVersion.run(agentVersion, kioskId);
    });
  }

  countByStatus(): Promise<Map<KioskStatus, number>> {
    return settle(() => new Map(this.statusCounts.all().map((row) => [row.status, row.n])));
  }
}
