import { Inject, Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import type { DeviceHealth, KioskStatus, KioskSummary } from '@kiosk/protocols';
import type { CashCollectionOutcome } from '../services/alert.rules';
import type { HubStore } from '../storage/hub-store';
import type { DeviceHealthTable, KioskTelemetryTable, KiosksTable } from '../storage/hub-schema';
import { DATABASE } from './database.repository';
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

type KioskRow = Selectable<KiosksTable>;
type TelemetryRow = Pick<
  Selectable<KioskTelemetryTable>,
  'kiosk_id' | 'received_at' | 'sent_at' | 'outbox_backlog' | 'outbox_oldest_occurred_at' | 'rss_bytes' | 'out_of_service'
>;

const TELEMETRY_COLUMNS = ['kiosk_id', 'received_at', 'sent_at', 'outbox_backlog', 'outbox_oldest_occurred_at', 'rss_bytes', 'out_of_service'] as const;
const DEVICE_COLUMNS = ['kiosk_id', 'device_id', 'kind', 'status', 'reasons_json', 'detail', 'since'] as const;

/** The columns hold only what the hub wrote from the protocol's own values (the schema types them TEXT). */
function kioskFromRow(row: KioskRow): KioskRecord {
  return {
    kioskId: row.kiosk_id,
    name: row.name,
    municipality: row.municipality,
    site: row.site,
    kind: row.kind as KioskKind,
    publicKey: row.public_key,
    enrolledAt: row.enrolled_at,
    createdAt: row.created_at,
    ackedThroughSeq: row.acked_through_seq,
    lastHeartbeatAt: row.last_heartbeat_at,
    agentVersion: row.agent_version,
    status: row.status as KioskStatus | null,
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

function deviceFromStored(row: Pick<Selectable<DeviceHealthTable>, (typeof DEVICE_COLUMNS)[number]>): DeviceHealth {
  return deviceFromRow(row as DeviceHealthRow);
}

function collectionFromRow(row: { collected_at: string; discrepancy_yen: number }): CashCollectionOutcome {
  return { collectedAt: row.collected_at, discrepancyYen: row.discrepancy_yen };
}

@Injectable()
export class KyselyKioskRepository implements KioskRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async findById(kioskId: string): Promise<KioskRecord | undefined> {
    const row = await this.store.db.selectFrom('kiosks').selectAll().where('kiosk_id', '=', kioskId).executeTakeFirst();
    return row ? kioskFromRow(row) : undefined;
  }

  async findView(kioskId: string): Promise<KioskView | undefined> {
    const { db } = this.store;
    const [row, telemetry, devices, collection] = await Promise.all([
      db.selectFrom('kiosks').selectAll().where('kiosk_id', '=', kioskId).executeTakeFirst(),
      db.selectFrom('kiosk_telemetry').select(TELEMETRY_COLUMNS).where('kiosk_id', '=', kioskId).executeTakeFirst(),
      db.selectFrom('device_health').select(DEVICE_COLUMNS).where('kiosk_id', '=', kioskId).orderBy('device_id').execute(),
      db
        .selectFrom('cash_collections')
        .select(['collected_at', 'discrepancy_yen'])
        .where('kiosk_id', '=', kioskId)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    if (!row) return undefined;
    return {
      kiosk: kioskFromRow(row),
      telemetry: telemetry ? telemetryFromRow(telemetry) : null,
      devices: devices.map(deviceFromStored),
      cashCollection: collection ? collectionFromRow(collection) : null,
    };
  }

  /** Four queries for the whole fleet, not four per kiosk. */
  async listViews(): Promise<KioskView[]> {
    const { db } = this.store;
    const [kiosks, telemetryRows, deviceRows, collectionRows] = await Promise.all([
      db.selectFrom('kiosks').selectAll().orderBy('kiosk_id').execute(),
      db.selectFrom('kiosk_telemetry').select(TELEMETRY_COLUMNS).execute(),
      db.selectFrom('device_health').select(DEVICE_COLUMNS).orderBy('kiosk_id').orderBy('device_id').execute(),
      // Each kiosk's latest collection: the row holding its highest seq.
      db
        .selectFrom('cash_collections as c')
        .select(['c.kiosk_id', 'c.collected_at', 'c.discrepancy_yen'])
        .where('c.seq', '=', (eb) =>
          eb.selectFrom('cash_collections as latest').select((inner) => inner.fn.max('latest.seq').as('seq')).whereRef('latest.kiosk_id', '=', 'c.kiosk_id'),
        )
        .execute(),
    ]);
    const telemetry = new Map(telemetryRows.map((row) => [row.kiosk_id, telemetryFromRow(row)]));
    const devices = new Map<string, DeviceHealth[]>();
    for (const row of deviceRows) {
      const list = devices.get(row.kiosk_id) ?? [];
      list.push(deviceFromStored(row));
      devices.set(row.kiosk_id, list);
    }
    const collections = new Map(collectionRows.map((row) => [row.kiosk_id, collectionFromRow(row)]));
    return kiosks.map((row) => ({
      kiosk: kioskFromRow(row),
      telemetry: telemetry.get(row.kiosk_id) ?? null,
      devices: devices.get(row.kiosk_id) ?? [],
      cashCollection: collections.get(row.kiosk_id) ?? null,
    }));
  }

  /**
   * Grouped with the other writes of this turn and not waited to disk: each hello of a reconnect storm
   * committing (and syncing) alone was the storm's costliest statement (issue 12); a version lost to a
   * power cut is written again at the kiosk's next hello, which differs from the stored one.
   */
  setAgentVersion(kioskId: string, agentVersion: string): Promise<void> {
    return this.store.grouped(async (tx) => {
      await tx.updateTable('kiosks').set({ agent_version: agentVersion }).where('kiosk_id', '=', kioskId).execute();
    }, 'relaxed', kioskId);
  }

  async countByStatus(): Promise<Map<KioskStatus, number>> {
    const rows = await this.store.db
      .selectFrom('kiosks')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .where('public_key', 'is not', null)
      .groupBy('status')
      .execute();
    // A kiosk the hub has not evaluated yet counts as offline.
    const counts = new Map<KioskStatus, number>();
    for (const row of rows) {
      const status = (row.status ?? 'offline') as KioskStatus;
      counts.set(status, (counts.get(status) ?? 0) + Number(row.n));
    }
    return counts;
  }
}
