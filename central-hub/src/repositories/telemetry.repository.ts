import { Inject, Injectable } from '@nestjs/common';
import { DeviceHealthSchema, KioskActivitySchema, type DeviceHealth, type Telemetry, type TelemetryPoint } from '@kiosk/protocols';
import type { Selectable } from 'kysely';
import type { TelemetryPointsTable } from '../storage/hub-schema';
import type { HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import { upsertDeviceHealth } from './device-health.sql';

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
  /**
   * The kiosk's device changes (its exactly-once `device.health.changed` events) that happened since
   * `since`, oldest first, at most the newest `limit`: the device timeline's exact transitions, which
   * the heartbeat points (one a minute, or on a change) only sample.
   */
  deviceChanges(kioskId: string, since: string, limit: number): Promise<DeviceHealth[]>;
}
export const TELEMETRY_REPOSITORY = 'TelemetryRepository';

const PRUNE_BATCH = 5000;

/** A stored point as the queries read it (its kiosk is the query's). */
type PointRow = Omit<Selectable<TelemetryPointsTable>, 'kiosk_id'>;

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
export class KyselyTelemetryRepository implements TelemetryRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  record(kioskId: string, telemetry: Telemetry, receivedAt: string, storePoint: boolean): Promise<void> {
    // Heartbeats are "latest wins" and come every 15 s from every kiosk: losing the last ones to a power
    // cut costs nothing, so a group of heartbeats alone commits without waiting for the disk; grouped
    // with events, they share the events' one durable commit.
    return this.store.grouped((tx) => this.recordHeartbeat(tx, kioskId, telemetry, receivedAt, storePoint), 'relaxed', kioskId);
  }

  private async recordHeartbeat(tx: Tx, kioskId: string, t: Telemetry, receivedAt: string, storePoint: boolean): Promise<void> {
    const outOfService = t.agent.outOfService ? 1 : 0;
    const quarantined = t.outbox.quarantined ?? null;
    const latest = {
      received_at: receivedAt,
      sent_at: t.sentAt,
      outbox_backlog: t.outbox.backlog,
      outbox_oldest_occurred_at: t.outbox.oldestOccurredAt,
      outbox_quarantined: quarantined,
      outbox_last_seq: t.outbox.lastSeq,
      agent_version: t.agent.version,
      uptime_seconds: t.agent.uptimeSeconds,
      rss_bytes: t.agent.rssBytes,
      out_of_service: outOfService,
    };
    await tx
      .insertInto('kiosk_telemetry')
      .values({ kiosk_id: kioskId, ...latest })
      .onConflict((c) => c.column('kiosk_id').doUpdateSet(latest))
      .execute();
    await tx.updateTable('kiosks').set({ last_heartbeat_at: receivedAt, agent_version: t.agent.version }).where('kiosk_id', '=', kioskId).execute();
    await upsertDeviceHealth(tx, kioskId, t.devices, receivedAt);
    if (!storePoint) return;
    const devices = t.devices.map(({ deviceId, kind, status, reasons }) => ({ deviceId, kind, status, reasons }));
    await tx
      .insertInto('telemetry_points')
      .values({
        kiosk_id: kioskId,
        at: receivedAt,
        sent_at: t.sentAt,
        outbox_backlog: t.outbox.backlog,
        outbox_oldest_occurred_at: t.outbox.oldestOccurredAt,
        outbox_quarantined: quarantined,
        rss_bytes: t.agent.rssBytes,
        uptime_seconds: t.agent.uptimeSeconds,
        out_of_service: outOfService,
        devices_json: JSON.stringify(devices),
        activity_json: t.activity === undefined ? null : JSON.stringify(t.activity),
      })
      .execute();
  }

  async recent(kioskId: string, since: string, limit: number): Promise<TelemetryPoint[]> {
    const newestFirst = await this.store.db
      .selectFrom('telemetry_points')
      .selectAll()
      .where('kiosk_id', '=', kioskId)
      .where('at', '>=', since)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return newestFirst.reverse().map(pointFromRow);
  }

  async deviceChanges(kioskId: string, since: string, limit: number): Promise<DeviceHealth[]> {
    // Newest first by the kiosk's sequence (its UNIQUE (kiosk_id, seq) index), then oldest first.
    const newestFirst = await this.store.db
      .selectFrom('events')
      .select('payload_json')
      .where('kiosk_id', '=', kioskId)
      .where('type', '=', 'device.health.changed')
      .where('occurred_at', '>=', since)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    // Stored events were parsed when they came in; one that no longer parses is left out, not fatal.
    return newestFirst.reverse().flatMap((row) => {
      const parsed = DeviceHealthSchema.safeParse(JSON.parse(row.payload_json));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async prune(before: string): Promise<number> {
    let total = 0;
    for (;;) {
      // The table has no key to batch by (and PostgreSQL has no rowid): each step deletes up to the
      // instant of the PRUNE_BATCH-th oldest point (a few more when points share that instant).
      const cutoff = await this.store.db
        .selectFrom('telemetry_points')
        .select('at')
        .where('at', '<', before)
        .orderBy('at')
        .limit(1)
        .offset(PRUNE_BATCH)
        .executeTakeFirst();
      const deleted = await this.store.db
        .deleteFrom('telemetry_points')
        .where('at', cutoff ? '<=' : '<', cutoff?.at ?? before)
        .executeTakeFirst();
      total += Number(deleted.numDeletedRows);
      if (!cutoff) return total;
      // Let heartbeats in between two batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
