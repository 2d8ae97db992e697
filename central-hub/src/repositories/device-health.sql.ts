import type { DeviceHealth } from '@kiosk/protocols';
import { HotRowsStatement, type Tx } from '../storage/hub-store';

export interface DeviceHealthRow {
  kiosk_id: string;
  device_id: string;
  kind: DeviceHealth['kind'];
  status: DeviceHealth['status'];
  reasons_json: string;
  detail: string | null;
  since: string;
}

export function deviceFromRow(row: DeviceHealthRow): DeviceHealth {
  const device: DeviceHealth = {
    deviceId: row.device_id,
    kind: row.kind,
    status: row.status,
    reasons: JSON.parse(row.reasons_json) as DeviceHealth['reasons'],
    since: row.since,
  };
  if (row.detail !== null) device.detail = row.detail;
  return device;
}

/** Written once for both engines and compiled once: the builder's ON CONFLICT costs several times the statement on the hot path. */
const UPSERT = new HotRowsStatement(
  'INSERT INTO device_health (kiosk_id, device_id, kind, status, reasons_json, detail, since, updated_at)',
  8,
  `ON CONFLICT (kiosk_id, device_id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
     reasons_json = excluded.reasons_json, detail = excluded.detail, since = excluded.since, updated_at = excluded.updated_at
   WHERE excluded.since >= device_health.since`,
);

/** Rows per multi-row upsert: 8 parameters a row, far below either engine's bound. */
const ROWS_PER_STATEMENT = 500;

/**
 * Which of `devices` (in the order they happened) would still stand after upserting them one by one:
 * per device, the last of those saying the newest `since`. The engines refuse one statement touching a
 * row twice, and applying only that one is the same as applying them all in order under the rule below.
 */
function winners(devices: readonly DeviceHealth[]): Array<{ device: DeviceHealth; since: string }> {
  const byId = new Map<string, { device: DeviceHealth; since: string }>();
  for (const device of devices) {
    const since = new Date(device.since).toISOString();
    const held = byId.get(device.deviceId);
    // ISO-8601 instants in one format compare as strings, as the statement compares them.
    if (held === undefined || since >= held.since) byId.set(device.deviceId, { device, since });
  }
  return [...byId.values()];
}

/**
 * Device health is written from two sources: `device.health.changed` events (exactly once, in seq
 * order) and telemetry snapshots (latest wins). Whichever says the newer `since` wins, so a late
 * replay can never turn a device's state back. Writes `devices` (in the order they happened; the same
 * device may come more than once) in one statement per few hundred devices, inside the caller's
 * transaction.
 */
export async function upsertDeviceHealth(tx: Tx, kioskId: string, devices: readonly DeviceHealth[], updatedAt: string): Promise<void> {
  const rows = winners(devices);
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await UPSERT.execute(
      tx,
      rows
        .slice(start, start + ROWS_PER_STATEMENT)
        .map(({ device, since }) => [kioskId, device.deviceId, device.kind, device.status, JSON.stringify(device.reasons), device.detail ?? null, since, updatedAt]),
    );
  }
}
