import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { silentLogger } from '../../test/support/silent-logger';
import { PRESENCE_LEASE_TTL_MS, encodeLease, planAfterRenewal } from '../services/presence.rules';
import { HubCluster } from './cluster.repository';

/**
 * The lease scripts against the Redis on loopback (scripts/ensure-redis.sh), under a key prefix of this
 * test's own, removed after.
 */
const REDIS_URL = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('HubCluster presence leases (Redis)', () => {
  const keyPrefix = `hub-test:${process.pid}:${randomUUID()}:`;
  const inspector = createClient({ url: REDIS_URL });
  let cluster: HubCluster;
  const lease = (owner: string, socketId = 's1') => encodeLease({ owner, socketId, connectedAt: '2026-11-26T01:00:00.000Z' });

  beforeAll(async () => {
    await inspector.connect();
    cluster = await HubCluster.connect({ url: REDIS_URL, keyPrefix }, silentLogger());
  });

  afterAll(async () => {
    await cluster.close();
    const keys: string[] = [];
    for await (const batch of inspector.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) keys.push(...batch);
    if (keys.length > 0) await inspector.del(keys);
    inspector.destroy();
  });

  it('claims with a TTL, reads, renews its own, restores a lost one, and leaves one another process took', async () => {
    const mine = lease(cluster.processId);
    await cluster.claim('k-renewed', mine);
    await cluster.claim('k-lost', mine);
    await cluster.claim('k-taken', mine);
    const ttl = await inspector.pTTL(cluster.presenceKey('k-renewed'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(PRESENCE_LEASE_TTL_MS);
    expect(await cluster.read(['k-renewed', 'k-nobody'])).toEqual(new Map([['k-renewed', mine]]));

    await inspector.del(cluster.presenceKey('k-lost'));
    await inspector.set(cluster.presenceKey('k-taken'), lease('process-b'));
    const held = [['k-renewed', mine], ['k-lost', mine], ['k-taken', mine]] as const;
    const plan = planAfterRenewal(held.map(([kioskId]) => kioskId), await cluster.renew(held));
    expect(plan).toEqual({ taken: ['k-taken'], restored: ['k-lost'] });
    expect(await inspector.get(cluster.presenceKey('k-lost'))).toBe(mine);
    expect(await inspector.get(cluster.presenceKey('k-taken'))).toBe(lease('process-b'));
  });

  it('releases only its own lease: a newer connection elsewhere keeps its lease', async () => {
    const mine = lease(cluster.processId, 'old-socket');
    await cluster.claim('k-moved', mine);
    await inspector.set(cluster.presenceKey('k-moved'), lease('process-b', 'new-socket'));
    await cluster.release('k-moved', mine);
    expect(await inspector.get(cluster.presenceKey('k-moved'))).toBe(lease('process-b', 'new-socket'));
    await cluster.claim('k-gone', mine);
    await cluster.release('k-gone', mine);
    expect(await inspector.exists(cluster.presenceKey('k-gone'))).toBe(0);
  });
});
