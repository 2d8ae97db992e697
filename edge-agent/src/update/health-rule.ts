import type { DeviceHealth } from '@kiosk/protocols';

export interface HealthFacts {
  hubConnected: boolean;
  devices: readonly DeviceHealth[];
  /** The outbox backlog now, and when the version started watching its health. */
  backlog: number;
  backlogAtStart: number;
}

/**
 * Pure: is a freshly switched-to version healthy (issue 19)? Connected to the hub (its hello was
 * accepted), no device in error or missing, and the outbox draining: empty, or smaller than it was
 * when the version started (the hub acked something it sent). Null: healthy; else why not.
 */
export function unhealthyBecause(facts: HealthFacts): string | null {
  if (!facts.hubConnected) return 'not connected to the hub';
  const bad = facts.devices.filter((device) => device.status === 'error' || device.status === 'missing');
  if (bad.length > 0) return `devices not ok: ${bad.map((device) => `${device.deviceId} ${device.status}`).join(', ')}`;
  if (facts.backlog > 0 && facts.backlog >= facts.backlogAtStart) return `outbox not draining (${facts.backlog} waiting)`;
  return null;
}
