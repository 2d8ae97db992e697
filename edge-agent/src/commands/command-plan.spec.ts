import { clipDetail, MAX_RESULT_DETAIL, planCommand } from './command-plan';

describe('planCommand', () => {
  const now = new Date('2025-03-01T10:00:00.000Z');

  it('executes a new command that has not expired', () => {
    expect(planCommand('new', '2025-03-01T10:05:00.000Z', now)).toEqual({
      receipt: { ok: true, duplicate: false },
      action: 'execute',
    });
  });

  it('answers a command expired on arrival without acting on it', () => {
    expect(planCommand('new', '2025-03-01T09:59:59.999Z', now)).toEqual({
      receipt: { ok: true, duplicate: false },
      action: 'expire',
    });
    // Exactly at the expiry instant is already too late.
    expect(planCommand('new', '2025-03-01T10:00:00.000Z', now).action).toBe('expire');
  });

  it('acks a replayed command as a duplicate and does nothing, expired or not', () => {
    expect(planCommand('duplicate', '2025-03-01T10:05:00.000Z', now)).toEqual({
      receipt: { ok: true, duplicate: true },
      action: 'none',
    });
    expect(planCommand('duplicate', '2020-01-01T00:00:00.000Z', now).action).toBe('none');
  });

  it('honours expiry instants written with an offset', () => {
    expect(planCommand('new', '2025-03-01T19:00:01+09:00', now).action).toBe('execute');
    expect(planCommand('new', '2025-03-01T18:59:59+09:00', now).action).toBe('expire');
  });
});

describe('clipDetail', () => {
  it('keeps short details and cuts long ones to the wire limit', () => {
    expect(clipDetail('paper out')).toBe('paper out');
    const clipped = clipDetail('x'.repeat(5000));
    expect(clipped).toHaveLength(MAX_RESULT_DETAIL);
    expect(clipped.endsWith('…')).toBe(true);
  });
});
