import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { DeviceHealth, KioskSummary, Telemetry } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';
import { deviceFromRow, prepareDeviceHealthUpsert, type DeviceHealthRow } from './device-health.sql';

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
}

export interface TelemetryRecord {
  receivedAt: string;
  outboxBacklog: number;
  outOfService: boolean;
}

/** A kiosk with what the fleet view shows about it. */
export interface KioskView {
  kiosk: KioskRecord;
  telemetry: TelemetryRecord | null;
  devices: DeviceHealth[];
}

export interface KioskRepository {
  findById(kioskId: string): Promise<KioskRecord | undefined>;
  findView(kioskId: string): Promise<KioskView | undefined>;
  listViews(): Promise<KioskView[]>;
  setAgentVersion(kioskId: string, agentVersion: string): Promise<void>;
  /** Stores the latest heartbeat: telemetry row, device snapshot, last_heartbeat_at, in one transaction. */
  recordTelemetry(kioskId: string, telemetry: Telemetry, receivedAt: string): Promise<void>;
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
}

interface TelemetryRow {
  kiosk_id: string;
  received_at: string;
  outbox_backlog: number;
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
  };
}

function telemetryFromRow(row: TelemetryRow): TelemetryRecord {
  return { receivedAt: row.received_at, outboxBacklog: row.outbox_backlog, outOfService: row.out_of_service === 1 };
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
  private readonly recordTelemetryTx: (kioskId: string, telemetry: Telemetry, receivedAt: string) => void;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.byId = db.prepare('SELECT * FROM kiosks WHERE kiosk_id = ?');
    this.all = db.prepare('SELECT * FROM kiosks ORDER BY kiosk_id');
    this.telemetryById = db.prepare('SELECT * FROM kiosk_telemetry WHERE kiosk_id = ?');
    this.allTelemetry = db.prepare('SELECT * FROM kiosk_telemetry');
    this.devicesById = db.prepare('SELECT * FROM device_health WHERE kiosk_id = ? ORDER BY device_id');
    this.allDevices = db.prepare('SELECT * FROM device_health ORDER BY kiosk_id, device_id');
    this.updateAgentVersion = db.prepare('UPDATE kiosks SET agent_version = ? WHERE kiosk_id = ?');
    const upsertTelemetry: Statement<
      [string, string, string, number, string | null, number, string, number, number, number]
    > = db.prepare(`
      INSERT INTO kiosk_telemetry (kiosk_id, received_at, sent_at, outbox_backlog, outbox_oldest_occurred_at,
        outbox_last_seq, agent_version, uptime_seconds, rss_bytes, out_of_service)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (kiosk_id) DO UPDATE SET
        received_at = excluded.received_at, sent_at = excluded.sent_at,
        outbox_backlog = excluded.outbox_backlog, outbox_oldest_occurred_at = excluded.outbox_oldest_occurred_at,
        outbox_last_seq = excluded.outbox_last_seq, agent_version = excluded.agent_version,
        uptime_seconds = excluded.uptime_seconds, rss_bytes = excluded.rss_bytes,
        out_of_service = excluded.out_of_service`);
    const heartbeat: Statement<[string, string, string]> = db.prepare(
      'UPDATE kiosks SET last_heartbeat_at = ?, agent_version = ? WHERE kiosk_id = ?',
    );
    const upsertDevice = prepareDeviceHealthUpsert(db);
    this.recordTelemetryTx = db.transaction((kioskId: string, t: Telemetry, receivedAt: string) => {
      upsertTelemetry.run(
        kioskId,
        receivedAt,
        t.sentAt,
        t.outbox.backlog,
        t.outbox.oldestOccurredAt,
        t.outbox.lastSeq,
        t.agent.version,
        t.agent.uptimeSeconds,
        t.agent.rssBytes,
        t.agent.outOfService ? 1 : 0,
      );
      heartbeat.run(receivedAt, t.agent.version, kioskId);
      for (const device of t.devices) upsertDevice(kioskId, device, receivedAt);
    });
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
      return {
        kiosk: kioskFromRow(row),
        telemetry: telemetry ? telemetryFromRow(telemetry) : null,
        devices: this.devicesById.all(kioskId).map(deviceFromRow),
      };
    });
  }

  /** Three queries for the whole fleet, not three per kiosk. */
  listViews(): Promise<KioskView[]> {
    return settle(() => {
      const telemetry = new Map(this.allTelemetry.all().map((row) => [row.kiosk_id, telemetryFromRow(row)]));
      const devices = new Map<string, DeviceHealth[]>();
      for (const row of this.allDevices.all()) {
        const list = devices.get(row.kiosk_id) ?? [];
        list.push(deviceFromRow(row));
        devices.set(row.kiosk_id, list);
      }
      return this.all.all().map((row) => ({
        kiosk: kioskFromRow(row),
        telemetry: telemetry.get(row.kiosk_id) ?? null,
        devices: devices.get(row.kiosk_id) ?? [],
      }));
    });
  }

  setAgentVersion(kioskId: string, agentVersion: string): Promise<void> {
    return settle(() => {
      this.updateAgentVersion.run(agentVersion, kioskId);
    });
  }

  recordTelemetry(kioskId: string, telemetry: Telemetry, receivedAt: string): Promise<void> {
    return settle(() => this.recordTelemetryTx(kioskId, telemetry, receivedAt));
  }
}
