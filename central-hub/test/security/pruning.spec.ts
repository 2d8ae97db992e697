/**
 * Issue 15, item 9: `kiosk_status_history` and `login_throttle` grew without bound (2,106 history rows
 * from one kiosk's 20 s of reconnects; a row per name or address ever tried). The leader's retention
 * job now deletes closed status intervals past their retention and throttle counters that no longer
 * count, and nothing that still counts. On this run's engine, against a real hub.
 */
import path from 'node:path';
import { DEFAULT_FLEET_CONFIG } from '../../src/config';
import { TELEMETRY_PRUNE } from '../../src/services/sweep.service';
import { HubRecords, type HubDatabaseLocation } from '../../../test/support/hub-records';
import { enrolKiosk } from '../support/agent-client';
import { ManualClock } from '../support/manual-clock';
import { ManualScheduler } from '../support/manual-scheduler';
import { TestHub } from '../support/test-hub';

const DAY_MS = 24 * 3_600_000;
const MINUTE_MS = 60_000;

describe('retention of status history and login throttles (issue 15, item 9)', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  let hub: TestHub;
  let records: HubRecords;

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { clock, scheduler }, config: { fleet: { ...DEFAULT_FLEET_CONFIG, statusHistoryRetentionMs: 30 * DAY_MS } } });
    const location = (): HubDatabaseLocation =>
      hub.database.engine === 'sqlite' ? { engine: 'sqlite', file: path.join(hub.dir, 'hub.sqlite') } : { engine: 'postgres', url: hub.database.url };
    records = new HubRecords(location);
  });

  afterAll(async () => {
    await records.close();
    await hub.close();
  });

  const daysAgo = (days: number) => new Date(clock.now().getTime() - days * DAY_MS).toISOString();

  it('deletes closed status intervals past the retention, keeps recent ones and every kiosk’s open one', async () => {
    const { kioskId } = await enrolKiosk(hub);
    // The hub records the new kiosk's first status in the background: wait for it, then set the history aside.
    const statusRows = () => records.count('SELECT count(*) FROM kiosk_status_history WHERE kiosk_id = ?', kioskId);
    while ((await statusRows()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await records.change('DELETE FROM kiosk_status_history WHERE kiosk_id = ?', kioskId);
    const intervals: [string, string, string | null][] = [
      ['online', daysAgo(60), daysAgo(59)],
      ['offline', daysAgo(59), daysAgo(45)],
      ['online', daysAgo(45), daysAgo(31)],
      ['offline', daysAgo(31), daysAgo(29)],
      ['online', daysAgo(29), null],
    ];
    for (const [status, startedAt, endedAt] of intervals) {
      await records.change('INSERT INTO kiosk_status_history (kiosk_id, status, started_at, ended_at) VALUES (?, ?, ?, ?)', kioskId, status, startedAt, endedAt);
    }
    await scheduler.run(TELEMETRY_PRUNE);
    expect(await records.rows('SELECT status, started_at AS "startedAt", ended_at AS "endedAt" FROM kiosk_status_history WHERE kiosk_id = ? ORDER BY id', kioskId)).toEqual([
      { status: 'offline', startedAt: daysAgo(31), endedAt: daysAgo(29) },
      { status: 'online', startedAt: daysAgo(29), endedAt: null },
    ]);
    expect(hub.logs.find('kiosk status history pruned', { intervals: 3 })).toBeDefined();
  });

  it('deletes login-throttle counters once their window and lock have passed, and keeps a lock that still holds', async () => {
    const attempt = (username: string) => hub.api('POST', '/api/auth/login', { username, password: 'wrong password' }, null);
    await hub.createUser('often-wrong', 'technician', '豊中市');
    expect((await attempt('nobody-at-all')).status).toBe(401);
    for (let i = 0; i < 5; i++) await attempt('often-wrong');
    const keys = () => records.rows<{ key: string }>('SELECT throttle_key AS key FROM login_throttle ORDER BY throttle_key');
    expect((await keys()).map((row) => row.key)).toEqual(expect.arrayContaining(['user:nobody-at-all', 'user:often-wrong']));

    // Still inside the window (and the lock): nothing is deleted.
    clock.advance(5 * MINUTE_MS);
    await scheduler.run(TELEMETRY_PRUNE);
    expect((await keys()).map((row) => row.key)).toEqual(expect.arrayContaining(['user:nobody-at-all', 'user:often-wrong']));

    // The lock (15 minutes) has passed: the next try would start afresh, so the rows go; a new lock stays.
    clock.advance(11 * MINUTE_MS);
    for (let i = 0; i < 5; i++) await attempt('locked-now');
    expect((await attempt('locked-now')).status).toBe(429);
    await scheduler.run(TELEMETRY_PRUNE);
    expect((await keys()).map((row) => row.key).filter((key) => key.startsWith('user:'))).toEqual(['user:locked-now']);
    expect((await attempt('locked-now')).status).toBe(429);
  });
});
