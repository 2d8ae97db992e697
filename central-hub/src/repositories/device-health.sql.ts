import type { DeviceHealth } from '@kiosk/protocols';
import { sql } from 'kysely';
import type { Tx } from '../storage/hub-store';

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

/**
 * Device health is written from two sources: `device.health.changed` events (exactly once, in seq
 * order) and telemetry snapshots (latest wins). Whichever says the newer `since` wins, so a late
 * replay can never turn a device's state back. Runs inside the caller's transaction.
 */
export async function upsertDeviceHealth(tx: Tx, kioskId: string, device: DeviceHealth, updatedAt: string): Promise<void> {
  await tx
    .insertInto('device_health')
    .values({
      kiosk_id: kioskId,
      device_id: device.deviceId,
      kind: device.kind,
      status: device.status,
      reasons_json: JSON.stringify(device.reasons),
      detail: device.detail ?? null,
      since: new Date(device.since).toISOString(),
      updated_at: updatedAt,
    })
    .onConflict((c) =>
      c
        .columns(['kiosk_id', 'device_id'])
        .doUpdateSet({
          kind: sql.ref('excluded.kind'),
          status: sql.ref('excluded.status'),
          reasons_json: sql.ref('excluded.reasons_json'),
          detail: sql.ref('excluded.detail'),
          since: sql.ref('excluded.since'),
          updated_at: sql.ref('excluded.updated_at'),
        })
        .where(sql.ref('excluded.since'), '>=', sql.ref('device_health.since')),
    )
    .execute();
}
