import type { Telemetry } from '@kiosk/protocols';

export interface LastPoint {
  atMs: number;
  key: string;
}

/** What makes two heartbeats "the same" for the time series: devices' states and the service flag. */
export function pointKey(telemetry: Telemetry): string {
  const devices = telemetry.devices.map((d) => `${d.deviceId}=${d.status}/${d.reasons.join('+')}`).sort();
  return `${telemetry.agent.outOfService ? 'oos' : 'in'}|${devices.join(',')}`;
}

/**
 * Heartbeats come every 15 s from every kiosk; the series keeps one point per `intervalMs` per kiosk
 * (a week of a thousand kiosks stays a few million rows), and always the first heartbeat after a change
 * of device state or service flag, so no transition is lost between two samples.
 */
export function shouldStorePoint(last: LastPoint | undefined, nowMs: number, key: string, intervalMs: number): boolean {
  return last === undefined || last.key !== key || nowMs - last.atMs >= intervalMs;
}
