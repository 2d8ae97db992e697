import { generateKeyPairSync } from 'node:crypto';
import { offlineKeyPairOf } from '../../repositories/lottery-offline-key.repository';
import { openSealedPin, sealPin } from './offline-seal';
import { judgeProvisional, type ProvisionalFacts } from './provisional-rules';

const now = new Date('2026-11-05T03:00:00Z');
const policy = { maxAttempts: 5, lockMinutes: 30 };
const facts = (extra: Partial<ProvisionalFacts> = {}): ProvisionalFacts => ({
  sealOpened: true,
  user: { pin: { failedAttempts: 0, lockedUntil: null }, expiresOn: '2029-01-01' },
  pinMatches: true,
  policy,
  now,
  occurredAt: now,
  choiceProblem: null,
  windowProblem: null,
  clientEntry: { kind: 'new' },
  entryRules: () => null,
  ...extra,
});

describe('judging a provisional entry', () => {
  it('accepts, clearing the PIN count', () => {
    expect(judgeProvisional(facts({ user: { pin: { failedAttempts: 3, lockedUntil: null }, expiresOn: '2029-01-01' } }))).toEqual({
      outcome: 'accept',
      pinNext: { failedAttempts: 0, lockedUntil: null },
      pinChecked: 'right',
    });
  });

  it('counts one PIN attempt per offline sign-in: a later entry of the sign-in reuses its verdict (issue 15)', () => {
    const tried = { pin: { failedAttempts: 1, lockedUntil: null }, expiresOn: '2029-01-01' };
    // The sign-in's PIN was wrong: rejected, no new attempt, nothing recorded again.
    expect(judgeProvisional(facts({ user: tried, pinMatches: false, sessionPin: 'wrong' }))).toEqual({
      outcome: 'reject',
      reason: 'wrong-pin',
      message: 'the PIN typed at this offline sign-in was wrong',
      pinNext: null,
    });
    // It was right: judged on, the PIN state left as it is.
    expect(judgeProvisional(facts({ user: tried, sessionPin: 'right' }))).toEqual({ outcome: 'accept', pinNext: null, pinChecked: null });
    // The first entry of a sign-in records its verdict.
    expect(judgeProvisional(facts({ pinMatches: false, sessionPin: null }))).toMatchObject({ reason: 'wrong-pin', pinChecked: 'wrong', pinNext: { failedAttempts: 1 } });
  });

  it('checks the seal first, then the user, the lock, the PIN, before anything about the entry', () => {
    const everythingWrong = { choiceProblem: 'invalid-choice' as const, windowProblem: 'closed' as const, entryRules: () => ({ reason: 'entry-cap' as const, limit: 4 }) };
    expect(judgeProvisional(facts({ ...everythingWrong, sealOpened: false }))).toMatchObject({ reason: 'sealed-pin-invalid', pinNext: null });
    expect(judgeProvisional(facts({ ...everythingWrong, user: null }))).toMatchObject({ reason: 'unknown-user', pinNext: null });
    const locked = { pin: { failedAttempts: 5, lockedUntil: '2026-11-05T03:10:00.000Z' }, expiresOn: '2029-01-01' };
    expect(judgeProvisional(facts({ ...everythingWrong, user: locked }))).toMatchObject({ reason: 'account-locked', pinNext: null });
    expect(judgeProvisional(facts({ ...everythingWrong, pinMatches: false }))).toMatchObject({
      reason: 'wrong-pin',
      pinNext: { failedAttempts: 1, lockedUntil: null },
    });
    expect(judgeProvisional(facts({ ...everythingWrong }))).toMatchObject({ reason: 'invalid-choice', pinNext: { failedAttempts: 0 } });
  });

  it('locks on the attempt that reaches the limit', () => {
    const user = { pin: { failedAttempts: 4, lockedUntil: null }, expiresOn: '2029-01-01' };
    expect(judgeProvisional(facts({ user, pinMatches: false }))).toMatchObject({
      reason: 'wrong-pin',
      pinNext: { failedAttempts: 5, lockedUntil: '2026-11-05T03:30:00.000Z' },
      message: expect.stringMatching(/locked/),
    });
  });

  it('judges the registration at the entry time, then window, client id and rules', () => {
    const user = { pin: { failedAttempts: 0, lockedUntil: null }, expiresOn: '2026-11-04' };
    expect(judgeProvisional(facts({ user }))).toMatchObject({ reason: 'registration-expired' });
    expect(judgeProvisional(facts({ user, occurredAt: new Date('2026-11-04T14:00:00Z') }))).toMatchObject({ outcome: 'accept' });
    expect(judgeProvisional(facts({ windowProblem: 'grace-expired' }))).toMatchObject({ reason: 'window-closed' });
    expect(judgeProvisional(facts({ windowProblem: 'in-future' }))).toMatchObject({ reason: 'clock-ahead' });
    expect(judgeProvisional(facts({ clientEntry: { kind: 'same', entryId: 'x' } }))).toMatchObject({ outcome: 'same-entry', entryId: 'x' });
    expect(judgeProvisional(facts({ clientEntry: { kind: 'other' } }))).toMatchObject({ reason: 'client-id-conflict' });
    expect(judgeProvisional(facts({ entryRules: () => ({ reason: 'hours-cap', limit: 16 }) }))).toMatchObject({
      reason: 'hours-cap',
      message: expect.stringContaining('16'),
    });
  });
});

describe('sealed PINs', () => {
  const pair = offlineKeyPairOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const entry = { userNumber: '10000008', clientEntryId: '0193a0c8-7d4e-7b3e-9f00-000000000001' };

  it('open to the PIN only for the entry they were sealed for', () => {
    const sealed = sealPin(pair.published, { v: 1, pin: '0123', ...entry });
    expect(openSealedPin(pair.privateKey, pair.keyId, sealed, entry)).toEqual({ ok: true, pin: '0123' });
    expect(openSealedPin(pair.privateKey, pair.keyId, sealed, { ...entry, userNumber: '10000016' })).toEqual({ ok: false, problem: 'not-this-entry' });
    expect(openSealedPin(pair.privateKey, pair.keyId, { ...sealed, keyId: '0'.repeat(64) }, entry)).toEqual({ ok: false, problem: 'unknown-key' });
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 0x80;
    expect(openSealedPin(pair.privateKey, pair.keyId, { ...sealed, ciphertext: bytes.toString('base64') }, entry)).toEqual({
      ok: false,
      problem: 'undecryptable',
    });
  });

  it('are randomised (OAEP): the same PIN seals differently each time', () => {
    const a = sealPin(pair.published, { v: 1, pin: '0123', ...entry });
    const b = sealPin(pair.published, { v: 1, pin: '0123', ...entry });
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext, 'base64')).toHaveLength(256);
  });
});
