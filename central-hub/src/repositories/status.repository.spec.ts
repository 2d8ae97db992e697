import { TEST_ENGINE, createTestPostgresDatabase, openTestStore } from '../../test/support/test-store';
import type { HubStore } from '../storage/hub-store';
import { PostgresHubStore } from '../storage/postgres-hub-store';
import { KyselyStatusRepository } from './status.repository';

/** Status intervals against a real store (the run's engine). */
describe('KyselyStatusRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let store: HubStore;
  let repository: KyselyStatusRepository;
  const kioskId = 'kiosk-abcd1234';

  beforeEach(async () => {
    opened = await openTestStore();
    store = opened.store;
    repository = new KyselyStatusRepository(store);
    await store.db
      .insertInto('kiosks')
      .values({ kiosk_id: kioskId, name: 'n', municipality: 'm', site: 's', kind: 'certificate-kiosk', created_at: '2026-11-26T00:00:00.000Z' })
      .execute();
  });

  afterEach(() => opened.close());

  it('closes the current interval and opens the next, newest first in the history', async () => {
    expect(await repository.transition([{ kioskId, from: { status: null, since: null }, status: 'online', at: 't1' }])).toEqual([]);
    await repository.transition([
      { kioskId, from: { status: 'online', since: 't1' }, status: 'degraded', at: 't2' },
      { kioskId, from: { status: 'degraded', since: 't2' }, status: 'offline', at: 't3' },
    ]);
    expect(await repository.history(kioskId, 10)).toEqual([
      { status: 'offline', since: 't3', until: null },
      { status: 'degraded', since: 't2', until: 't3' },
      { status: 'online', since: 't1', until: 't2' },
    ]);
    expect(await repository.history(kioskId, 1)).toHaveLength(1);
    expect(await store.db.selectFrom('kiosks').select(['status', 'status_since']).executeTakeFirst()).toEqual({ status: 'offline', status_since: 't3' });
  });

  it('writes nothing for a transition from a status that no longer stands (a stale evaluation), and says which kiosk', async () => {
    await repository.transition([{ kioskId, from: { status: null, since: null }, status: 'online', at: 't1' }]);
    // Another process moved it to degraded at t2; this one, having read "online since t1" before that, would say offline.
    await repository.transition([{ kioskId, from: { status: 'online', since: 't1' }, status: 'degraded', at: 't2' }]);
    expect(await repository.transition([{ kioskId, from: { status: 'online', since: 't1' }, status: 'offline', at: 't3' }])).toEqual([kioskId]);
    // The same status again but since another time is stale too (an interval that has since been replaced).
    expect(await repository.transition([{ kioskId, from: { status: 'degraded', since: 't1' }, status: 'offline', at: 't3' }])).toEqual([kioskId]);
    expect(await repository.history(kioskId, 10)).toEqual([
      { status: 'degraded', since: 't2', until: null },
      { status: 'online', since: 't1', until: 't2' },
    ]);
    expect(await store.db.selectFrom('kiosks').select(['status', 'status_since']).executeTakeFirst()).toEqual({ status: 'degraded', status_since: 't2' });
  });

  it('of two evaluations from the same status written at once, exactly one writes', async () => {
    await repository.transition([{ kioskId, from: { status: null, since: null }, status: 'online', at: 't1' }]);
    const from = { status: 'online' as const, since: 't1' };
    const outcomes = await Promise.all([
      repository.transition([{ kioskId, from, status: 'degraded', at: 't2' }]),
      repository.transition([{ kioskId, from, status: 'offline', at: 't2' }]),
    ]);
    expect(outcomes.map((stale) => stale.length).sort()).toEqual([0, 1]);
    const history = await repository.history(kioskId, 10);
    expect(history).toHaveLength(2);
    expect(history.filter((interval) => interval.until === null)).toHaveLength(1);
  });

  // Two hub processes are two stores (two pools) on one database: their transactions really run at once.
  (TEST_ENGINE === 'postgres' ? it : it.skip)('of two hub processes writing one kiosk\'s transition from the same status at once, one writes', async () => {
    const database = await createTestPostgresDatabase('status_race');
    const settings = { url: database.url, poolSize: 2, statementTimeoutMs: 30_000, ssl: 'disable' as const, caFile: null };
    const first = await PostgresHubStore.open(settings);
    const second = await PostgresHubStore.open(settings);
    try {
      const processes = [new KyselyStatusRepository(first), new KyselyStatusRepository(second)];
      await first.db
        .insertInto('kiosks')
        .values({ kiosk_id: kioskId, name: 'n', municipality: 'm', site: 's', kind: 'certificate-kiosk', created_at: '2026-11-26T00:00:00.000Z' })
        .execute();
      let from: { status: 'online' | 'offline' | null; since: string | null } = { status: null, since: null };
      for (let round = 1; round <= 20; round++) {
        const at = `t${String(round).padStart(2, '0')}`;
        const status = round % 2 === 0 ? ('online' as const) : ('offline' as const);
        const stale = await Promise.all(processes.map((repository) => repository.transition([{ kioskId, from, status, at }])));
        expect(stale.map((kiosks) => kiosks.length).sort()).toEqual([0, 1]);
        from = { status, since: at };
      }
      const intervals = await first.db.selectFrom('kiosk_status_history').select(['status', 'started_at', 'ended_at']).where('kiosk_id', '=', kioskId).execute();
      expect(intervals).toHaveLength(20);
      expect(intervals.filter((interval) => interval.ended_at === null)).toEqual([{ status: 'online', started_at: 't20', ended_at: null }]);
    } finally {
      await first.close();
      await second.close();
      await database.drop();
    }
  });
});
