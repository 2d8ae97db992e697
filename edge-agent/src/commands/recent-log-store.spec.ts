import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AgentStore } from '../store/agent-store';
import { RecentLogStore } from './recent-log-store';
import { RECENT_LOG_MAX_AGE_MS, RecentLogLines } from './recent-logs';

describe('recent log lines across a restart (the agent store reopened)', () => {
  let dir: string;
  let nowMs = 1_000_000_000_000;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'recent-logs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function open(maxLines = 100): { store: AgentStore; lines: RecentLogLines; stop: () => void } {
    const store = AgentStore.open(path.join(dir, 'agent.db'), 'kiosk-logs', { now: () => new Date(nowMs) });
    const lines = new RecentLogLines({ maxLines, maxBytes: 1_000_000 }, () => nowMs);
    // Stands in for what the logger writes before the store is open: kept, and written with the rest.
    lines.push('{"msg":"agent starting"}\n');
    const stop = lines.persistTo(store.repository((db) => new RecentLogStore(db)), 60_000);
    return { store, lines, stop };
  }

  it('restores the lines of the last hour before this run’s, bounded by count and age', () => {
    const first = open();
    first.lines.push('{"msg":"one","pin":"[redacted]"}');
    nowMs += 1000;
    first.lines.push('{"msg":"two"}');
    first.stop();
    first.store.close();

    nowMs += 1000;
    const second = open();
    expect(second.lines.since(0)).toEqual(['{"msg":"agent starting"}', '{"msg":"one","pin":"[redacted]"}', '{"msg":"two"}', '{"msg":"agent starting"}']);
    second.stop();
    second.store.close();

    // Over an hour later: the old lines are gone, from memory and from the table; and at most maxLines stay.
    nowMs += RECENT_LOG_MAX_AGE_MS + 1;
    const third = open(2);
    for (const msg of ['a', 'b', 'c']) third.lines.push(`{"msg":"${msg}"}`);
    expect(third.lines.since(0)).toEqual(['{"msg":"b"}', '{"msg":"c"}']);
    third.stop();
    expect(third.store.repository((db) => new RecentLogStore(db)).since(0).map((entry) => entry.line)).toEqual(['{"msg":"b"}', '{"msg":"c"}']);
    third.store.close();
  });
});
