import type { DeviceHealth } from '@kiosk/protocols';
import { segmentRects } from './charts';
import { deviceIncidents, deviceTimelines, timelineDomain } from './device-timeline';
import { telemetryPoint } from './spec-fixtures';

/** A device as a stored heartbeat holds it (no `since`, no detail). */
const device = (kind: DeviceHealth['kind'], status: DeviceHealth['status'] = 'ok') => ({ deviceId: kind, kind, status, reasons: [] });
/** A device change the kiosk recorded (a `device.health.changed` event), or a current state. */
const change = (second: number, status: DeviceHealth['status']): DeviceHealth => ({
  deviceId: 'receipt-printer',
  kind: 'receipt-printer',
  status,
  reasons: status === 'ok' ? [] : ['paper-end'],
  since: at(second),
});

const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 8, 3, 0) + second * 1000).toISOString();
const ms = (second: number) => Date.parse(at(second));
const printer = (status: DeviceHealth['status']) => [device('card-reader'), device('receipt-printer', status)];

/**
 * What the hub stored during the walk's paper-out, as a browser test saw it (heartbeat every 15 s, a point
 * kept only on a change): ok at :17, error at :47 (the paper went out at :37), ok at :62 (back at :61).
 */
const walk = [telemetryPoint(at(17), { devices: printer('ok') }), telemetryPoint(at(47), { devices: printer('error') }), telemetryPoint(at(62), { devices: printer('ok') })];

const runsOf = (timelines: ReturnType<typeof deviceTimelines>, deviceId = 'receipt-printer') =>
  timelines.find((timeline) => timeline.deviceId === deviceId)?.segments.map((segment) => [segment.from, segment.to, segment.state]);

describe('device timeline', () => {
  it('draws the paper-out from the kiosk’s own changes: when it began and ended, not when a heartbeat came', () => {
    const timelines = deviceTimelines(walk, { changes: [change(37, 'error'), change(61, 'ok')], lastHeartbeatAt: at(92) });
    expect(runsOf(timelines)).toEqual([
      [ms(17), ms(37), 'ok'],
      [ms(37), ms(61), 'error'],
      [ms(61), ms(92), 'ok'],
    ]);
    expect(runsOf(timelines, 'card-reader')).toEqual([[ms(17), ms(92), 'ok']]);
    expect(deviceIncidents(timelines)).toEqual([{ deviceId: 'receipt-printer', kind: 'receipt-printer', state: 'error', from: ms(37), to: ms(61) }]);
  });

  it('shows a paper-out no heartbeat saw (over between two), which heartbeats alone lose', () => {
    const quiet = [telemetryPoint(at(0), { devices: printer('ok') }), telemetryPoint(at(60), { devices: printer('ok') })];
    expect(deviceIncidents(deviceTimelines(quiet))).toEqual([]);
    expect(deviceIncidents(deviceTimelines(quiet, { changes: [change(20, 'error'), change(30, 'ok')] }))).toEqual([
      { deviceId: 'receipt-printer', kind: 'receipt-printer', state: 'error', from: ms(20), to: ms(30) },
    ]);
  });

  it('runs to the last heartbeat heard, so a state that began at the newest point is not drawn 0 wide at the edge', () => {
    // While the paper was out: its only error point was the newest one.
    const during = walk.slice(0, 2);
    const before = deviceTimelines(during);
    expect(runsOf(before)).toEqual([
      [ms(17), ms(47), 'ok'],
      [ms(47), ms(47), 'error'],
    ]);
    const now = { current: [change(37, 'error')], lastHeartbeatAt: at(52) };
    expect(timelineDomain(during, now)).toEqual([ms(17), ms(52)]);
    expect(runsOf(deviceTimelines(during, now))).toEqual([
      [ms(17), ms(37), 'ok'],
      [ms(37), ms(52), 'error'],
    ]);
  });

  it('takes a state that began before the window as the state at its start; no points, no timeline', () => {
    expect(runsOf(deviceTimelines([telemetryPoint(at(17), { devices: printer('warning') })], { current: [change(-3600, 'warning')], lastHeartbeatAt: at(30) }))).toEqual([[ms(17), ms(30), 'warning']]);
    expect(deviceTimelines([], { current: [change(0, 'ok')] })).toEqual([]);
  });

  it('draws a problem at least a few units wide and inside the strip, over its neighbours’ edge', () => {
    const rects = segmentRects(
      [
        { from: 0, to: 3599, state: 'ok' },
        { from: 3599, to: 3600, state: 'error' },
      ],
      [0, 3600],
      320,
      (state) => (state === 'ok' ? 1 : 4),
    );
    expect(rects[1]).toEqual({ x: 316, width: 4, state: 'error' });
  });
});
