import { decideBatchAck } from './ack-decision';

const batch = { firstSeq: 11, lastSeq: 20, count: 10 };

describe('decideBatchAck', () => {
  it('deletes through the last seq of a batch the hub stored', () => {
    expect(decideBatchAck(batch, { ok: true, ackedThroughSeq: 20, stored: 10, duplicates: 0 })).toEqual({
      kind: 'delete',
      throughSeq: 20,
      progress: true,
      gap: null,
    });
  });

  it('treats a batch of duplicates (a resend after a lost ack) as delivered', () => {
    expect(decideBatchAck(batch, { ok: true, ackedThroughSeq: 20, stored: 3, duplicates: 7 })).toMatchObject({
      kind: 'delete',
      throughSeq: 20,
      progress: true,
    });
  });

  it('never deletes above what was sent, even if the hub holds more', () => {
    expect(decideBatchAck(batch, { ok: true, ackedThroughSeq: 35, stored: 10, duplicates: 0 })).toMatchObject({ throughSeq: 20 });
    expect(decideBatchAck(batch, { ok: true, ackedThroughSeq: 35, stored: 4, duplicates: 0 })).toMatchObject({ throughSeq: 20 });
  });

  it('deletes only the contiguous part when the hub did not take the whole batch', () => {
    expect(decideBatchAck(batch, { ok: true, ackedThroughSeq: 14, stored: 4, duplicates: 0 })).toMatchObject({
      kind: 'delete',
      throughSeq: 14,
      progress: true,
    });
  });

  it('reports no progress when nothing of the batch is held, so the caller waits instead of spinning', () => {
    expect(
      decideBatchAck(batch, { ok: true, ackedThroughSeq: 9, stored: 0, duplicates: 0, gap: { missingFromSeq: 10, nextHeldSeq: 11 } }),
    ).toEqual({ kind: 'delete', throughSeq: 9, progress: false, gap: { missingFromSeq: 10, nextHeldSeq: 11 } });
  });

  it('deletes a fully held batch above a gap (a quarantined seq below it)', () => {
    expect(
      decideBatchAck(batch, { ok: true, ackedThroughSeq: 9, stored: 10, duplicates: 0, gap: { missingFromSeq: 10, nextHeldSeq: 11 } }),
    ).toMatchObject({ kind: 'delete', throughSeq: 20, progress: true });
  });

  it('isolates a refused multi-event batch and quarantines a refused single event', () => {
    const error = { code: 'invalid_message' as const, message: 'malformed batch', issues: [{ path: 'events.3.payload', message: 'bad' }] };
    expect(decideBatchAck(batch, { ok: false, error })).toEqual({ kind: 'isolate', throughSeq: 20, error });
    expect(decideBatchAck({ firstSeq: 14, lastSeq: 14, count: 1 }, { ok: false, error })).toEqual({ kind: 'quarantine', seq: 14, error });
  });

  it('reconnects when the hub no longer knows the session, and otherwise keeps rows and retries', () => {
    expect(decideBatchAck(batch, { ok: false, error: { code: 'not_authenticated', message: 'who are you' } }).kind).toBe('reconnect');
    expect(decideBatchAck(batch, { ok: false, error: { code: 'internal', message: 'disk full' } }).kind).toBe('retry');
    // The hub's database had no connection free (issue 14): nothing stored, the same rows go again.
    expect(decideBatchAck(batch, { ok: false, error: { code: 'busy', message: 'the hub is busy' } }).kind).toBe('retry');
    expect(decideBatchAck(batch, { ok: false, error: { code: 'kiosk_mismatch', message: 'not yours' } }).kind).toBe('retry');
  });
});
