import { openTestStore } from '../../test/support/test-store';
import type { HubStore } from '../storage/hub-store';
import { KyselyNonceRepository } from './nonce.repository';

/** Handshake nonces against a real store (the run's engine). */
describe('KyselyNonceRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let store: HubStore;
  let repository: KyselyNonceRepository;
  const kioskId = 'kiosk-abcd1234';

  beforeEach(async () => {
    opened = await openTestStore();
    store = opened.store;
    repository = new KyselyNonceRepository(store);
    await store.db
      .insertInto('kiosks')
      .values({ kiosk_id: kioskId, name: 'n', municipality: 'm', site: 's', kind: 'certificate-kiosk', created_at: '2026-11-26T00:00:00.000Z' })
      .execute();
  });

  afterEach(() => opened.close());

  it('claims a nonce once, also when the same nonce is claimed twice in one group', async () => {
    expect(await Promise.all([repository.claim(kioskId, 'n1', 2000, 1000), repository.claim(kioskId, 'n1', 2000, 1000)])).toEqual([true, false]);
    expect(await repository.claim(kioskId, 'n1', 2000, 1500)).toBe(false);
    expect(await repository.claim(kioskId, 'n2', 2000, 1500)).toBe(true);
  });

  it('prunes expired nonces (at most once a minute)', async () => {
    await repository.claim(kioskId, 'old', 10_000, 1000);
    await repository.claim(kioskId, 'new', 200_000, 61_000);
    expect((await store.db.selectFrom('auth_nonces').select('nonce').execute()).map(({ nonce }) => nonce)).toEqual(['new']);
  });
});
