import { parseConfig } from '../config';
import { MAX_EVALUATION_GAP_MS, nextDeadline, type DeadlineInput } from './fleet-deadline.rules';

const { offlineAfterMs, alerts } = parseConfig({}, { repoRoot: '/r' }).fleet;
const NOW = Date.parse('2026-11-26T01:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const base: DeadlineInput = {
  enrolled: true,
  status: 'online',
  statusSince: iso(NOW - 3_600_000),
  connected: true,
  lastContactAt: iso(NOW - 10_000),
  telemetry: null,
  offlineAlerted: false,
  clearingSince: [],
};

/** Offline and already alerted: nothing else would change it. */
const away: Partial<DeadlineInput> = { status: 'offline', connected: false, offlineAlerted: true };

describe('nextDeadline', () => {
  it.each<[string, Partial<DeadlineInput>, number | null]>([
    ['not enrolled: none', { enrolled: false }, null],
    ['connected: when its silence would make it offline', {}, NOW - 10_000 + offlineAfterMs + 1],
    ['offline: when the offline alert is due', { status: 'offline', connected: false, statusSince: iso(NOW - 60_000) }, NOW - 60_000 + alerts.offlineAfterMs],
    ['offline and alerted: only the safety net', { status: 'offline', connected: false, statusSince: iso(NOW - 3_600_000), offlineAlerted: true }, NOW + MAX_EVALUATION_GAP_MS],
    ['a clearing alert: when its hold ends', { ...away, clearingSince: [NOW - 1_000] }, NOW - 1_000 + alerts.resolveHoldMs],
    [
      'an old outbox event: when it becomes too old',
      { ...away, telemetry: { receivedAt: iso(NOW), sentAt: iso(NOW), outboxBacklog: 1, outboxOldestOccurredAt: iso(NOW - 8 * 60_000), rssBytes: 1, outOfService: false } },
      NOW - 8 * 60_000 + alerts.outboxOldestAgeMs + 1,
    ],
    ['the earliest of several', { clearingSince: [NOW - alerts.resolveHoldMs + 5] }, NOW + 5],
  ])('%s', (_name, over, expected) => {
    expect(nextDeadline({ ...base, ...over }, NOW, offlineAfterMs, alerts)).toBe(expected);
  });
});
