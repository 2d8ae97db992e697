import type { DeviceHealth } from '@kiosk/protocols';

/**
 * Pure: is `next` a change worth telling the hub about, compared with what was last reported for the
 * device? Only status and the set of reasons count. `since` and `detail` move on every re-read of some
 * drivers (a timeout's message carries a duration, a printer's detail its queue text), and an outbox
 * event for each of those would bury the real transitions a technician's alerts key on.
 */
export function isRealHealthChange(previous: DeviceHealth | undefined, next: DeviceHealth): boolean {
  if (previous === undefined) return true;
  if (previous.status !== next.status || previous.kind !== next.kind) return true;
  return reasonKey(previous) !== reasonKey(next);
}

function reasonKey(health: DeviceHealth): string {
  return [...new Set(health.reasons)].sort().join(',');
}
