import {
  PRESENCE_LEASE_TTL_MS,
  PRESENCE_RENEW_INTERVAL_MS,
  chunks,
  decodeLease,
  encodeLease,
  judgePresence,
  pickReceipt,
  planAfterRenewal,
  releasesLease,
  renewalOutcome,
  type Lease,
} from './presence.rules';

const self = 'process-a';
const other = 'process-b';
const lease = (owner: string, connectedAt = '2026-11-26T01:00:00.000Z'): Lease => ({ owner, socketId: `socket-of-${owner}`, connectedAt });

describe('presence rules (several hub processes, issue 14)', () => {
  it('renews a lease often enough that two missed renewals still leave it standing', () => {
    expect(PRESENCE_LEASE_TTL_MS).toBeGreaterThanOrEqual(3 * PRESENCE_RENEW_INTERVAL_MS);
  });

  it('round-trips a lease through its stored text, and reads a damaged or missing one as no lease', () => {
    const held = lease(self);
    expect(decodeLease(encodeLease(held))).toEqual(held);
    expect(encodeLease(held)).toBe(encodeLease({ ...held }));
    for (const raw of [null, undefined, '', 'not json', '42', 'null', '{"o":"","s":"x","c":"2026-11-26T01:00:00.000Z"}', '{"o":"a","s":"x","c":"yesterday"}', '{"o":"a","c":"2026-11-26T01:00:00.000Z"}']) {
      expect(decodeLease(raw)).toBeUndefined();
    }
  });

  it('counts a kiosk connected here while this process holds its socket, with or without its lease', () => {
    const local = { connectedAt: '2026-11-26T01:00:05.000Z' };
    expect(judgePresence(local, lease(self), self)).toEqual({ where: 'here', connectedAt: local.connectedAt });
    // The lease expired or Redis lost it: the socket is still here (the next renewal writes it again).
    expect(judgePresence(local, undefined, self)).toEqual({ where: 'here', connectedAt: local.connectedAt });
  });

  it("counts another process's kiosk connected there: this process never judges it offline", () => {
    expect(judgePresence(undefined, lease(other, '2026-11-26T00:59:00.000Z'), self)).toEqual({ where: 'elsewhere', connectedAt: '2026-11-26T00:59:00.000Z' });
  });

  it('keeps a crashed process\'s kiosks connected while their leases last (the lease is what a crash leaves)', () => {
    // Process B died: nothing renews its lease, but until it runs out it still says "connected there".
    expect(judgePresence(undefined, lease('crashed-process'), self)?.where).toBe('elsewhere');
    // Once it has run out (Redis removed the key) the kiosk is connected nowhere.
    expect(judgePresence(undefined, undefined, self)).toBeUndefined();
  });

  it('believes the newest connection: a kiosk that reconnected elsewhere is there, even while a stale socket lingers here', () => {
    expect(judgePresence({ connectedAt: '2026-11-26T00:50:00.000Z' }, lease(other, '2026-11-26T01:00:00.000Z'), self)).toEqual({
      where: 'elsewhere',
      connectedAt: '2026-11-26T01:00:00.000Z',
    });
  });

  it('counts a kiosk this process sent away (drain, stop) connected while its lease runs out', () => {
    expect(judgePresence(undefined, lease(self), self)).toEqual({ where: 'handed-off', connectedAt: '2026-11-26T01:00:00.000Z' });
  });

  it('gives the lease back when the kiosk lost the connection, not when this process closed it', () => {
    for (const reason of ['transport close', 'transport error', 'ping timeout', 'client namespace disconnect', 'parse error']) expect(releasesLease(reason)).toBe(true);
    for (const reason of ['server namespace disconnect', 'server shutting down']) expect(releasesLease(reason)).toBe(false);
  });

  it('reads the renewal answers: a lease taken by another process closes the stale socket here', () => {
    expect(renewalOutcome(1)).toBe('renewed');
    expect(renewalOutcome(2)).toBe('restored');
    expect(renewalOutcome(0)).toBe('taken');
    expect(renewalOutcome(undefined)).toBe('taken');
    expect(planAfterRenewal(['k1', 'k2', 'k3', 'k4'], [1, 0, 2, 1])).toEqual({ taken: ['k2'], restored: ['k3'] });
  });

  it('takes the ok receipt of a command sent to a kiosk room, and reads no answer as not connected', () => {
    expect(pickReceipt([])).toEqual({ delivered: false });
    expect(pickReceipt([{ ok: true, duplicate: false }])).toEqual({ delivered: true, receipt: { ok: true, duplicate: false } });
    const refused = { ok: false, error: { code: 'internal', message: 'x' } };
    expect(pickReceipt([refused, { ok: true, duplicate: true }])).toEqual({ delivered: true, receipt: { ok: true, duplicate: true } });
    expect(pickReceipt([refused])).toEqual({ delivered: true, receipt: refused });
  });

  it('splits batches for Redis round trips', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });
});
