import type { DeviceHealth, DeviceKind, DeviceStatus, TelemetryPoint } from '@kiosk/protocols';
import { stateSegments, type Segment } from './charts';

/**
 * Each device's state over time for the kiosk page's strips (issue 17: a 24 s paper-out stayed green).
 * Heartbeats alone were not enough: the hub keeps a heartbeat as a point only when something changed or
 * once a minute, so a state that began at the newest point was drawn 0 wide at the strip's right edge (the
 * strip ended there although heartbeats kept coming), and a change between two heartbeats started at the
 * next one, or not at all when it was over by then. The strips are built from the heartbeats' states and
 * the kiosk's own device changes (its exactly-once `device.health.changed` events, and each device's
 * current state since when), and run to the last heartbeat the hub heard.
 */

export interface DeviceTimeline {
  deviceId: string;
  kind: DeviceKind;
  segments: Segment<DeviceStatus>[];
}

export interface DeviceHistory {
  /** The kiosk's device changes in the window (any order), `since` on the kiosk's clock. */
  changes?: readonly DeviceHealth[];
  /** The devices as last reported, each with the time its state began. */
  current?: readonly DeviceHealth[];
  /** The last heartbeat the hub heard: the states are known until then. */
  lastHeartbeatAt?: string | null;
}

const time = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

/** First heartbeat point to the last heartbeat heard (or the newest change after it); null without points. */
export function timelineDomain(telemetry: readonly TelemetryPoint[], history: DeviceHistory = {}): [number, number] | null {
  const points = telemetry.map((point) => time(point.sentAt)).filter(Number.isFinite);
  if (points.length === 0) return null;
  const start = Math.min(...points);
  const known = [...points, time(history.lastHeartbeatAt), ...[...(history.changes ?? []), ...(history.current ?? [])].map((device) => time(device.since))];
  return [start, Math.max(...known.filter(Number.isFinite))];
}

interface Sample {
  t: number;
  state: DeviceStatus | null;
  /** A change the kiosk recorded (exact) sorts before a heartbeat taken at the same instant. */
  exact: boolean;
}

/** Each device's runs of states over `timelineDomain`; a heartbeat without the device is a gap. */
export function deviceTimelines(telemetry: readonly TelemetryPoint[], history: DeviceHistory = {}): DeviceTimeline[] {
  const domain = timelineDomain(telemetry, history);
  if (domain === null) return [];
  const [start, end] = domain;
  const kinds = new Map<string, DeviceKind>();
  for (const point of telemetry) for (const device of point.devices) kinds.set(device.deviceId, device.kind);
  const exact = [...(history.changes ?? []), ...(history.current ?? [])];
  for (const device of exact) if (!kinds.has(device.deviceId)) kinds.set(device.deviceId, device.kind);
  return [...kinds.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([deviceId, kind]) => {
      const samples: Sample[] = [
        // The kiosk's clock for both: a heartbeat is placed when it was taken, not when the hub got it.
        ...telemetry.map((point) => ({ t: time(point.sentAt), state: point.devices.find((device) => device.deviceId === deviceId)?.status ?? null, exact: false })),
        // A state that began before the window is the state at its start.
        ...exact.filter((device) => device.deviceId === deviceId).map((device) => ({ t: Math.max(start, time(device.since)), state: device.status, exact: true })),
      ].filter((sample) => Number.isFinite(sample.t) && sample.t <= end);
      samples.sort((a, b) => a.t - b.t || Number(b.exact) - Number(a.exact));
      return { deviceId, kind, segments: stateSegments(samples, end) };
    });
}

export interface DeviceIncident {
  deviceId: string;
  kind: DeviceKind;
  state: Exclude<DeviceStatus, 'ok'>;
  from: number;
  to: number;
}

/** Every run not `ok`, newest first: listed in words under the strips, however short it was. */
export function deviceIncidents(timelines: readonly DeviceTimeline[]): DeviceIncident[] {
  return timelines
    .flatMap((timeline) =>
      timeline.segments.flatMap((segment) => (segment.state === 'ok' ? [] : [{ deviceId: timeline.deviceId, kind: timeline.kind, state: segment.state, from: segment.from, to: segment.to }])),
    )
    .sort((a, b) => b.from - a.from);
}
