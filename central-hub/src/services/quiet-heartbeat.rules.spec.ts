import type { Telemetry } from '@kiosk/protocols';
import { parseConfig } from '../config';
import { MAX_EVALUATION_GAP_MS } from './fleet-deadline.rules';
import { afterQuietHeartbeat, heartbeatKey, staysQuiet, type QuietKiosk } from './quiet-heartbeat.rules';

const { offlineAfterMs, alerts: thresholds } = parseConfig({}, { repoRoot: '/r' }).fleet;
const T0 = Date.parse('2026-12-07T01:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function telemetry(over: Partial<Telemetry> = {}): Telemetry {
  return {
    sentAt: iso(T0),
    outbox: { backlog: 0, oldestOccurredAt: null, lastSeq: 3 },
    devices: [{ deviceId: 'p1', kind: 'receipt-printer', status: 'ok', reasons: [], since: iso(T0 - 60_000) }],
    agent: { version: '1.0.0', uptimeSeconds: 10, rssBytes: 1, outOfService: false },
    ...over,
  };
}

function quiet(over: Partial<QuietKiosk> = {}, oldestOccurredAt: string | null = null): QuietKiosk {
  const deadline: QuietKiosk['deadline'] = {
    enrolled: true,
    status: 'online',
    statusSince: iso(T0 - 3_600_000),
    connected: true,
    lastContactAt: iso(T0),
    telemetry: { receivedAt: iso(T0), sentAt: iso(T0), outboxBacklog: oldestOccurredAt ? 1 : 0, outboxOldestOccurredAt: oldestOccurredAt, rssBytes: 1, outOfService: false },
    offlineAlerted: false,
    clearingSince: [],
  };
  return { key: heartbeatKey(telemetry()), evaluatedAtMs: T0, summary: { lastHeartbeatAt: iso(T0) } as QuietKiosk['summary'], deadline, ...over };
}

describe('quiet heartbeats (issue 12)', () => {
  it('the key ignores what changes every heartbeat, and nothing an evaluation reads', () => {
    expect(heartbeatKey(telemetry({ sentAt: iso(T0 + 15_000), agent: { version: '1.0.0', uptimeSeconds: 25, rssBytes: 9, outOfService: false } }))).toBe(heartbeatKey(telemetry()));
    for (const changed of [
      telemetry({ agent: { version: '1.0.1', uptimeSeconds: 10, rssBytes: 1, outOfService: false } }),
      telemetry({ agent: { version: '1.0.0', uptimeSeconds: 10, rssBytes: 1, outOfService: true } }),
      telemetry({ outbox: { backlog: 1, oldestOccurredAt: iso(T0), lastSeq: 4 } }),
      telemetry({ devices: [{ deviceId: 'p1', kind: 'receipt-printer', status: 'warning', reasons: ['paper-near-end'], since: iso(T0) }] }),
      telemetry({ devices: [] }),
    ]) {
      expect(heartbeatKey(changed)).not.toBe(heartbeatKey(telemetry()));
    }
  });

  it.each([
    ['the same heartbeat 15 s later', quiet(), telemetry().sentAt, T0 + 15_000, true],
    ['another key', quiet({ key: 'other' }), iso(T0 + 15_000), T0 + 15_000, false],
    ['the kiosk clock drifting past the threshold', quiet(), iso(T0 + 15_000 + thresholds.clockDriftMs + 1), T0 + 15_000, false],
    ['a full evaluation due', quiet(), iso(T0 + MAX_EVALUATION_GAP_MS), T0 + MAX_EVALUATION_GAP_MS, false],
    ['a waiting event not yet too old', quiet({}, iso(T0)), iso(T0 + 60_000), T0 + 60_000, true],
    ['a waiting event grown too old', quiet({}, iso(T0)), iso(T0 + thresholds.outboxOldestAgeMs + 1), T0 + thresholds.outboxOldestAgeMs + 1, false],
  ] as const)('%s: still quiet %#', (_what, memo, sentAt, receivedAtMs, expected) => {
    expect(staysQuiet(memo, heartbeatKey(telemetry()), sentAt, receivedAtMs, thresholds)).toBe(expected);
  });

  it('moves the offline deadline with the heartbeat, never past the due full evaluation', () => {
    const after = afterQuietHeartbeat(quiet(), iso(T0 + 15_000), offlineAfterMs, thresholds);
    expect(after.deadlineMs).toBe(T0 + 15_000 + offlineAfterMs + 1);
    expect(after.quiet.summary.lastHeartbeatAt).toBe(iso(T0 + 15_000));
    const late = afterQuietHeartbeat(quiet(), iso(T0 + MAX_EVALUATION_GAP_MS - 1_000), offlineAfterMs, thresholds);
    expect(late.deadlineMs).toBe(T0 + MAX_EVALUATION_GAP_MS);
  });
});
