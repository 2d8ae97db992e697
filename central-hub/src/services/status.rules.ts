import type { DeviceStatus, KioskStatus } from '@kiosk/protocols';

export interface StatusInput {
  enrolled: boolean;
  /** The kiosk's agent has an authenticated socket now. */
  connected: boolean;
  /** The latest sign of life: the last heartbeat, or the current connection if that is newer. */
  lastContactAt: string | null;
  /** The kiosk's last report said a technician took it out of service. */
  outOfService: boolean;
  devices: readonly { status: DeviceStatus }[];
}

/**
 * A kiosk's status from what the hub knows, at `nowMs`. Out of service wins (a technician chose it, and
 * an out-of-service kiosk being switched off is expected, not an incident); then offline: not
 * connected, or connected without a heartbeat for `offlineAfterMs` (a half-open connection the socket
 * layer has not noticed yet); then degraded when any device is not ok; else online.
 */
export function deriveStatus(input: StatusInput, nowMs: number, offlineAfterMs: number): KioskStatus {
  if (input.enrolled && input.outOfService) return 'out-of-service';
  if (!input.enrolled || !input.connected || input.lastContactAt === null) return 'offline';
  const silentForMs = nowMs - Date.parse(input.lastContactAt);
  if (!(silentForMs < offlineAfterMs)) return 'offline';
  return input.devices.some((device) => device.status !== 'ok') ? 'degraded' : 'online';
}

/** The newer of two instants (ISO strings of the same form compare as text); null when both are. */
export function latest(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
