import type { DeviceHealth, DeviceKind, DeviceStatus, KioskSummary } from '@kiosk/protocols';

/**
 * The console's kiosk list as pure functions: the hub sends a snapshot (`kiosks.list`) and then one
 * `kiosk.updated` per change; the list is kept sorted so rows do not jump around as updates arrive.
 */

/** Municipality, then site, then name, then id: a stable order a technician can scan. */
export function compareKiosks(a: KioskSummary, b: KioskSummary): number {
  return (
    a.municipality.localeCompare(b.municipality, 'ja') ||
    a.site.localeCompare(b.site, 'ja') ||
    a.name.localeCompare(b.name, 'ja') ||
    (a.kioskId < b.kioskId ? -1 : a.kioskId > b.kioskId ? 1 : 0)
  );
}

/** Replaces the kiosk with the same id, or adds it; never mutates `list`. */
export function upsertKiosk(list: readonly KioskSummary[], kiosk: KioskSummary): KioskSummary[] {
  const others = list.filter((existing) => existing.kioskId !== kiosk.kioskId);
  return [...others, kiosk].sort(compareKiosks);
}

/**
 * A fresh snapshot plus the updates that arrived while it was being fetched: those updates are newer
 * than (or as new as) the snapshot's rows, so they win. Duplicate ids in the snapshot keep the last one.
 */
export function applySnapshot(snapshot: readonly KioskSummary[], laterUpdates: readonly KioskSummary[]): KioskSummary[] {
  return [...snapshot, ...laterUpdates].reduce<KioskSummary[]>((list, kiosk) => upsertKiosk(list, kiosk), []);
}

export type DeviceSummary =
  | { kind: 'none' }
  | { kind: 'all-ok'; count: number }
  | { kind: 'issues'; issues: { kind: DeviceKind; status: Exclude<DeviceStatus, 'ok'> }[] };

const SEVERITY: Record<Exclude<DeviceStatus, 'ok'>, number> = { error: 0, missing: 1, warning: 2 };

/** What the devices column shows: nothing, "all OK (n)", or the devices that are not OK, worst first. */
export function summarizeDevices(devices: readonly DeviceHealth[]): DeviceSummary {
  if (devices.length === 0) return { kind: 'none' };
  const issues = devices
    .filter((device): device is DeviceHealth & { status: Exclude<DeviceStatus, 'ok'> } => device.status !== 'ok')
    .map((device) => ({ kind: device.kind, status: device.status }))
    .sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status] || a.kind.localeCompare(b.kind));
  return issues.length === 0 ? { kind: 'all-ok', count: devices.length } : { kind: 'issues', issues };
}

/** The kind of a kiosk's device, to name it in words; null when the kiosk or device is not known here. */
export function deviceKindOf(kiosks: readonly Pick<KioskSummary, 'kioskId' | 'devices'>[], kioskId: string, deviceId: string): DeviceKind | null {
  return kiosks.find((kiosk) => kiosk.kioskId === kioskId)?.devices.find((device) => device.deviceId === deviceId)?.kind ?? null;
}
