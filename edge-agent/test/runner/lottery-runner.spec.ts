/**
 * The lottery runner's paths in milliseconds (lottery-kiosk.ts: the real runner, store, outbox, cache,
 * PIN entry and barcode input; a fake receipt printer, a scripted hub, a manual clock). The same paths on
 * the real stack: lottery-service.spec.ts, lottery-card.spec.ts, test/integration/lottery-offline.spec.ts.
 */
import type { LotteryUiState } from '@kiosk/protocols';
import { tennisSlot as slot } from '../../src/lottery/lottery-fixtures';
import { openLotteryKiosk, USER, USER_PIN, type LotteryKiosk } from './lottery-kiosk';
import { until } from './person';

let kiosk: LotteryKiosk;

beforeEach(() => {
  kiosk = openLotteryKiosk();
});
afterEach(() => kiosk.close());

const stage = (): LotteryUiState['stage'] => kiosk.flow.uiState().stage;

function beginSession(): string {
  const begun = kiosk.sessions.begin({ service: 'lottery', language: 'ja' });
  if (!begun.ok) throw new Error(`session.begin refused: ${begun.error.message}`);
  return begun.sessionId;
}

/** Types a PIN on the on-screen pad and presses Enter. */
function typePin(pin: string, enter = true): void {
  for (const key of pin) expect(kiosk.flow.pinPress({ key: key as '0' })).toEqual({ ok: true });
  if (enter) expect(kiosk.flow.pinPress({ key: 'enter' })).toEqual({ ok: true });
}

/** The card scanned and the PIN typed; waits until the sign-in is answered. */
async function signIn(pin = USER_PIN): Promise<void> {
  kiosk.barcodes.scanned(USER);
  expect(stage()).toBe('awaiting-pin');
  typePin(pin);
  await until('the sign-in answered', () => stage() !== 'signing-in');
}

const submitted = (): string[] =>
  kiosk.hub.requests.filter((request) => request.event === 'lottery.entry.submit').map((request) => (request.body as { clientEntryId: string }).clientEntryId);

/** What is held about the person holds none of them: no user number, PIN, token or card certificate. */
function expectNothingPersonalHeld(token: string | null): void {
  const held = kiosk.flow.memory.held();
  expect(held).toEqual({ signIn: expect.objectContaining({ stage: expect.stringMatching(/^(inactive|awaiting-card)$/) }), offlineSeal: null, myNumberCertificate: null, unanswered: null });
  const text = JSON.stringify(held);
  expect(text).not.toContain(USER);
  expect(text).not.toContain(USER_PIN);
  if (token) expect(text).not.toContain(token);
  expect(kiosk.pinEntry.state().digits).toBe(0);
  expect(kiosk.flow.uiState()).toMatchObject({ cardHint: null, user: null, pinDigits: 0 });
}

const signedInToken = (): string => {
  const signedIn = kiosk.flow.memory.signedIn();
  if (signedIn?.mode !== 'online') throw new Error('not signed in online');
  return signedIn.sessionToken;
};

describe('the lottery runner: signing in', () => {
  it('a wrong PIN shows the attempts left and takes the PIN again; the right one signs in online', async () => {
    beginSession();
    await signIn('9999');
    expect(kiosk.flow.uiState()).toMatchObject({ stage: 'awaiting-pin', pinDigits: 0, refusal: { code: 'invalid_credentials', attemptsLeft: 4 } });
    typePin(USER_PIN);
    await until('signed in', () => stage() === 'signed-in');
    expect(kiosk.flow.uiState()).toMatchObject({ stage: 'signed-in', mode: 'online', user: { municipality: '豊中市' }, refusal: null });
    expect(JSON.stringify(kiosk.flow.uiState())).not.toContain(USER);
  });

  it('a card locked at its last wrong PIN goes back to the card, and stays locked for the right PIN', async () => {
    kiosk.hub.knowUser(USER, USER_PIN, 1);
    beginSession();
    await signIn('9999');
    expect(kiosk.flow.uiState()).toMatchObject({ stage: 'awaiting-card', refusal: { code: 'account_locked', lockedUntil: expect.any(String) } });
    await signIn(USER_PIN);
    expect(kiosk.flow.uiState()).toMatchObject({ stage: 'awaiting-card', refusal: { code: 'account_locked' } });
    expect(kiosk.hub.count('lottery.signIn')).toBe(2);
  });

  it('sign-out ends the hub session and forgets the person; the session goes on for the next card', async () => {
    beginSession();
    await signIn();
    const token = signedInToken();
    expect(kiosk.flow.signOut()).toEqual({ ok: true });
    expect(stage()).toBe('awaiting-card');
    await until('the hub sign-out', () => kiosk.hub.count('lottery.signOut') === 1);
    expect(kiosk.hub.requests.at(-1)).toEqual({ event: 'lottery.signOut', body: { sessionToken: token } });
    expectNothingPersonalHeld(token);
    expect(await kiosk.flow.entries()).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
  });
});

describe('the lottery runner: entries and bookings', () => {
  it('happy path online: an entry taken by the hub, its receipt printed with the entry number and without the user number', async () => {
    beginSession();
    await signIn();
    expect(await kiosk.flow.facilities()).toMatchObject({ ok: true, source: 'hub' });
    const ack = await kiosk.flow.submitEntry({ firstSlotId: slot.slotId });
    expect(ack).toMatchObject({ ok: true, outcome: { kind: 'accepted', entry: { entryNumber: '0000000001', channel: 'online' } }, receipt: { printed: true, language: 'ja' } });
    expect(kiosk.hub.entries.size).toBe(1);
    expect(kiosk.receipts.receipts).toHaveLength(1);
    const paper = JSON.stringify(kiosk.receipts.receipts[0]);
    expect(paper).toContain('0000000001');
    expect(paper).not.toContain(USER);
    expect(await kiosk.flow.entries()).toMatchObject({ ok: true, source: 'hub', entries: [{ entryNumber: '0000000001' }], unsent: [] });
  });

  it('the hub lost mid-entry: asked again with the same client request id, answered once, one receipt', async () => {
    beginSession();
    await signIn();
    kiosk.hub.loseAnswerTo = 'lottery.entry.submit';
    expect(await kiosk.flow.submitEntry({ firstSlotId: slot.slotId })).toMatchObject({ ok: false, error: { code: 'hub_unreachable' } });
    expect(kiosk.receipts.receipts).toHaveLength(0);
    expect(await kiosk.flow.submitEntry({ firstSlotId: slot.slotId })).toMatchObject({ ok: true, outcome: { kind: 'accepted' } });
    expect(submitted()).toHaveLength(2);
    expect(new Set(submitted()).size).toBe(1);
    expect(kiosk.hub.entries.size).toBe(1);
    expect(kiosk.receipts.receipts).toHaveLength(1);
    // Settled: the next entry is a new request.
    await kiosk.flow.submitEntry({ firstSlotId: slot.slotId });
    expect(new Set(submitted()).size).toBe(2);
  });

  it('offline: the PIN sealed at sign-in, the entry committed to the outbox before its receipt, later delivered once', async () => {
    await kiosk.flow.refreshAfterConnect(); // the offline-entry key, facilities and rounds cached
    kiosk.hub.up = false;
    kiosk.state.setHubConnected(false, kiosk.clock.now());
    beginSession();
    await signIn();
    expect(kiosk.flow.uiState()).toMatchObject({ stage: 'signed-in', mode: 'offline', offlineEntryAvailable: true });
    expect(await kiosk.flow.book({ slotId: slot.slotId })).toMatchObject({ ok: false, error: { code: 'hub_unreachable' } });

    const ack = await kiosk.flow.submitEntry({ firstSlotId: slot.slotId });
    if (!ack.ok || ack.outcome.kind !== 'provisional') throw new Error('expected a provisional entry');
    expect(ack.receipt).toEqual({ printed: true, language: 'ja' });
    const waiting = kiosk.store.outbox.waiting('lottery.entry.provisional');
    expect(waiting).toHaveLength(1);
    const [event] = waiting;
    if (!event) throw new Error('no outbox event');
    expect(event.payload).toMatchObject({ clientEntryId: ack.outcome.entry.clientEntryId, userNumber: USER, firstSlotId: slot.slotId });
    expect(JSON.stringify(event.payload)).not.toContain(`"${USER_PIN}"`);
    expect(await kiosk.flow.entries()).toMatchObject({ ok: true, source: 'cache', unsent: [{ clientEntryId: ack.outcome.entry.clientEntryId }] });
    expect(kiosk.hub.requests.filter((request) => request.event === 'lottery.entry.submit')).toEqual([]);

    // The hub is back: the sync link sends the outbox; the hub opens the sealed PIN and takes the entry once.
    kiosk.hub.up = true;
    for (const pending of kiosk.store.outbox.peek(100).filter((candidate) => candidate.type === 'lottery.entry.provisional')) {
      kiosk.hub.deliver(pending.payload);
      kiosk.store.outbox.ackThrough(pending.seq);
    }
    expect(kiosk.hub.openedPins).toEqual([{ v: 2, pin: USER_PIN, userNumber: USER, offlineSessionId: event.payload.offlineSessionId }]);
    expect([...kiosk.hub.entries.values()]).toMatchObject([{ clientEntryId: ack.outcome.entry.clientEntryId, channel: 'offline' }]);
    expect(kiosk.store.outbox.waiting('lottery.entry.provisional')).toEqual([]);
    expect(await kiosk.flow.entries()).toMatchObject({ ok: true, unsent: [] });
  });

  it('books a slot with its receipt, lists it and cancels it', async () => {
    beginSession();
    await signIn();
    const booked = await kiosk.flow.book({ slotId: slot.slotId });
    if (!booked.ok) throw new Error('expected a booking');
    expect(booked).toMatchObject({ booking: { slotId: slot.slotId, status: 'confirmed' }, receipt: { printed: true } });
    expect(JSON.stringify(kiosk.receipts.receipts.at(-1))).toContain(booked.booking.bookingNumber);
    expect(await kiosk.flow.bookings()).toMatchObject({ ok: true, bookings: [{ bookingId: booked.booking.bookingId }] });
    expect(await kiosk.flow.cancelBooking({ bookingId: booked.booking.bookingId, acceptedChargeYen: 0 })).toMatchObject({ ok: true, booking: { status: 'cancelled' } });
    expect(kiosk.hub.bookings.size).toBe(1);
  });

  it('receipt printer out of paper: told before, the entry still taken, the answer says not printed', async () => {
    kiosk.receipts.paperOut();
    beginSession();
    await signIn();
    expect(kiosk.flow.uiState().receiptPrinterReady).toBe(false);
    const ack = await kiosk.flow.submitEntry({ firstSlotId: slot.slotId });
    expect(ack).toMatchObject({ ok: true, outcome: { kind: 'accepted' }, receipt: { printed: false, problem: expect.any(String) } });
    expect(kiosk.hub.entries.size).toBe(1);
    expect(kiosk.receipts.receipts).toEqual([]);
  });
});

describe('the lottery runner: the end of a session wipes everything personal', () => {
  it('idle timeout while signed in online, with a lost answer pending: nothing of the person is left', async () => {
    beginSession();
    await signIn();
    const token = signedInToken();
    kiosk.hub.loseAnswerTo = 'lottery.entry.submit';
    await kiosk.flow.submitEntry({ firstSlotId: slot.slotId });
    expect(kiosk.flow.memory.held().unanswered).not.toBeNull();
    expect(kiosk.sessions.end({ reason: 'idle-timeout' })).toEqual({ ok: true });
    expect(stage()).toBe('inactive');
    expectNothingPersonalHeld(token);
    await until('the hub sign-out', () => kiosk.hub.count('lottery.signOut') === 1);
  });

  it('session end while signed in offline: the sealed PIN is dropped too', async () => {
    await kiosk.flow.refreshOfflineKey();
    kiosk.hub.up = false;
    beginSession();
    await signIn();
    expect(kiosk.flow.memory.held().offlineSeal).not.toBeNull();
    kiosk.sessions.end({ reason: 'done' });
    expectNothingPersonalHeld(null);
  });

  it('session end halfway through the PIN: the digits are zeroed and the scanned card forgotten', async () => {
    beginSession();
    kiosk.barcodes.scanned(USER);
    typePin('12', false);
    expect(kiosk.flow.uiState().pinDigits).toBe(2);
    kiosk.sessions.end({ reason: 'cancelled' });
    expectNothingPersonalHeld(null);
    expect(kiosk.hub.count('lottery.signIn')).toBe(0);
  });
});
