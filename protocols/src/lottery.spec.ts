import {
  LotteryEntrySubmitSchema,
  LotterySignInAckSchema,
  LotterySignInSchema,
  OutboxEventSchema,
  ProvisionalEntryPayloadSchema,
  PublishedDrawSchema,
  SealedPinPlaintextSchema,
  SlotIdSchema,
  lotteryAgentToHubSchemas,
  lotteryHubAckSchemas,
} from './index';

const draw = {
  format: 'kiosk-lottery-draw/v1',
  roundId: 'toyonaka-tennis-2027-01',
  municipality: '豊中市',
  facilityType: 'tennis',
  useMonth: '2027-01',
  commitment: 'a'.repeat(64),
  seed: 'b'.repeat(64),
  drawnAt: '2026-11-12T00:00:00.000Z',
  rules: { maxWinsPerEntrant: 2 },
  slots: [{ slotId: 'toyonaka-nobata-tennis-c1@2027-01-09T0900', unitId: 'toyonaka-nobata-tennis-c1', date: '2027-01-09', start: '09:00', end: '11:00', capacity: 1 }],
  entries: [{ ref: '1234567890', entrant: 'c'.repeat(32), first: 'toyonaka-nobata-tennis-c1@2027-01-09T0900', second: null }],
  resultDigest: 'd'.repeat(64),
};

describe('lottery protocol', () => {
  it('names slots by unit, date and time', () => {
    expect(SlotIdSchema.safeParse('toyonaka-nobata-tennis-c1@2027-01-09T0900').success).toBe(true);
    expect(SlotIdSchema.safeParse('toyonaka-nobata-tennis-c1@2027-01-09T09:00').success).toBe(false);
  });

  it('takes a user number and a 4-digit PIN to sign in, nothing else', () => {
    expect(LotterySignInSchema.safeParse({ userNumber: '12345674', pin: '0123' }).success).toBe(true);
    expect(LotterySignInSchema.safeParse({ userNumber: '12345674', pin: '123' }).success).toBe(false);
    expect(LotterySignInSchema.safeParse({ userNumber: '1234567', pin: '0123' }).success).toBe(false);
    expect(LotterySignInSchema.safeParse({ userNumber: '12345674', pin: '0123', name: 'x' }).success).toBe(false);
  });

  it('lets a refused sign-in say the tries left or the end of the lock', () => {
    const refused = { ok: false, error: { code: 'invalid_credentials', message: 'wrong' }, attemptsLeft: 2 };
    expect(LotterySignInAckSchema.safeParse(refused).success).toBe(true);
    const locked = { ok: false, error: { code: 'account_locked', message: 'locked' }, lockedUntil: '2026-11-05T01:30:00.000Z' };
    expect(LotterySignInAckSchema.safeParse(locked).success).toBe(true);
  });

  it('accepts an offline entry time only as an instant with an offset', () => {
    const entry = { sessionToken: 'A'.repeat(43), clientEntryId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6a', firstSlotId: draw.slots[0]?.slotId };
    // Backdating is not for online requests: offline entries come through the outbox only (issue 15).
    expect(LotteryEntrySubmitSchema.safeParse({ ...entry, offlineOccurredAt: '2026-11-10T23:50:00+09:00' }).success).toBe(false);
  });

  it('keeps the published draw free of anything personal: unknown fields are refused', () => {
    expect(PublishedDrawSchema.safeParse(draw).success).toBe(true);
    const entries = [{ ...draw.entries[0], userNumber: '12345674' }];
    expect(PublishedDrawSchema.safeParse({ ...draw, entries }).success).toBe(false);
    expect(PublishedDrawSchema.safeParse({ ...draw, seed: 'B'.repeat(64) }).success).toBe(false);
  });

  it('carries the PIN of an offline entry only sealed: a clear PIN anywhere in the event is refused', () => {
    const payload = {
      clientEntryId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6a',
      userNumber: '10000008',
      roundId: 'toyonaka-tennis-2027-01',
      firstSlotId: draw.slots[0]?.slotId,
      secondSlotId: null,
      sealedPin: { keyId: 'e'.repeat(64), ciphertext: Buffer.alloc(384, 7).toString('base64') },
    };
    expect(ProvisionalEntryPayloadSchema.safeParse(payload).success).toBe(true);
    expect(ProvisionalEntryPayloadSchema.safeParse({ ...payload, pin: '1234' }).success).toBe(false);
    expect(ProvisionalEntryPayloadSchema.safeParse({ ...payload, sealedPin: { ...payload.sealedPin, pin: '1234' } }).success).toBe(false);
    expect(ProvisionalEntryPayloadSchema.safeParse({ ...payload, sealedPin: { ...payload.sealedPin, ciphertext: 'not base64!' } }).success).toBe(false);
    const event = {
      id: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6b',
      kioskId: 'toyonaka-st-001',
      seq: 1,
      occurredAt: '2026-11-05T11:40:00+09:00',
      type: 'lottery.entry.provisional',
      payload,
    };
    expect(OutboxEventSchema.safeParse(event).success).toBe(true);
    expect(OutboxEventSchema.safeParse({ ...event, payload: { ...payload, sealedPin: undefined } }).success).toBe(false);
  });

  it('seals exactly version, PIN, user number and client entry id', () => {
    const plaintext = { v: 1, pin: '0123', userNumber: '10000008', clientEntryId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6a' };
    expect(SealedPinPlaintextSchema.safeParse(plaintext).success).toBe(true);
    expect(SealedPinPlaintextSchema.safeParse({ ...plaintext, v: 2 }).success).toBe(false);
    expect(SealedPinPlaintextSchema.safeParse({ ...plaintext, roundId: 'x' }).success).toBe(false);
    expect(SealedPinPlaintextSchema.safeParse({ ...plaintext, pin: '12345' }).success).toBe(false);
  });

  it('has a request schema and an ack schema for every event', () => {
    expect(Object.keys(lotteryAgentToHubSchemas).sort()).toEqual(Object.keys(lotteryHubAckSchemas).sort());
  });
});
