import { openTestStore } from '../../test/support/test-store';
import type { HubStore } from '../storage/hub-store';
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
    await repository.transition([{ kioskId, status: 'online', at: 't1' }]);
    await repository.transition([
      { kioskId, status: 'degraded', at: 't2' },
      { kioskId, status: 'offline', at: 't3' },
    ]);
    expect(await repository.history(kioskId, 10)).toEqual([
      { status: 'offline', since: 't3', until: null },
      { status: 'degraded', since: 't2', until: 't3' },
      { status: 'online', since: 't1', until: 't2' },
    ]);
    expect(await repository.history(kioskId, 1)).toHaveLength(1);
    expect(await store.db.selectFrom('kiosks').select(['status', 'status_since']).executeTakeFirst()).toEqual({ status: 'offline', status_since: 't3' });
  });
});
