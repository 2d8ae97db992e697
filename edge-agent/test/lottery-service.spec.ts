/**
 * The lottery service with its real parts (PIN entry, barcode input, the agent's SQLite file with its
 * outbox and cache) and a scripted hub: sign-in by card and PIN, the wipe when the session ends, the
 * offline entry committed with a PIN the hub's private key (and only it) can open, the receipt.
 */
import { createHash, generateKeyPairSync, privateDecrypt, constants } from 'node:crypto';
import path from 'node:path';
import { encodeReceipt, renderEscPos, type Receipt, type ReceiptPrinter } from '@kiosk/devices';
import { ProvisionalEntryPayloadSchema, type LotteryEvent, type Municipality, type OfflineEntryKey, type RoundView } from '@kiosk/protocols';
import { BarcodeInput } from '../src/input/barcode-input';
import { PinEntry } from '../src/input/pin-entry';
import { HubUnreachableError, type LotteryHub, type LotteryHubReply, type LotteryHubRequest } from '../src/lottery/hub-client';
import { LotteryCache } from '../src/lottery/lottery-cache';
import { tennisFacility as facility, tennisRound as round, tennisSlot as slot } from '../src/lottery/lottery-fixtures';
import { LotteryFlow } from '../src/lottery/lottery-flow';
import { reduceSignIn, unsentEntriesOwner, type SignInState } from '../src/lottery/sign-in-model';
import type { CurrentSession } from '../src/server/kiosk-sessions';
import { AgentStore } from '../src/store/agent-store';
import { openDatabase } from '../src/store/database';
import { silentLogger, tempDir, waitFor } from './support/agent-harness';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
const spki = publicKey.export({ format: 'der', type: 'spki' });
const offlineKey: OfflineEntryKey = {
  keyId: createHash('sha256').update(spki).digest('hex'),
  algorithm: 'RSA-OAEP-SHA256',
  publicKey: spki.toString('base64'),
};

const now = new Date('2026-12-05T01:00:00Z');
const TOKEN = 't'.repeat(43);
const entryView = (clientEntryId: string) => ({
  entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  entryNumber: '0000000042',
  clientEntryId,
  roundId: round.roundId,
  firstSlotId: slot.slotId,
  secondSlotId: null,
  status: 'active',
  channel: 'online',
  occurredAt: now.toISOString(),
  acceptedAt: now.toISOString(),
  result: 'pending',
  wonSlotId: null,
  confirmation: 'none',
  confirmBy: null,
});

/** A hub that answers from a script, or is unreachable; it records what it was asked (PINs included, to check them). */
class ScriptedHub implements LotteryHub {
  reachable = true;
  /** The next request of this kind reaches the hub, but its answer is lost. */
  loseAnswerTo: LotteryEvent | null = null;
  readonly asked: Array<{ event: string; body: unknown }> = [];
  /** The hub's lottery clock, when it runs ahead of real time (the demo clock); absent: an older hub. */
  lotteryNow: string | undefined;
  /** The rounds the hub lists. */
  rounds: RoundView[] = [round];
  async request<E extends LotteryEvent>(event: E, body: LotteryHubRequest<E>): Promise<LotteryHubReply<E>> {
    this.asked.push({ event, body });
    if (!this.reachable) throw new HubUnreachableError('down');
    if (this.loseAnswerTo === event) {
      this.loseAnswerTo = null;
      throw new HubUnreachableError('answer lost');
    }
    const answers: Partial<Record<LotteryEvent, unknown>> = {
      'lottery.signIn':
        (body as { pin: string }).pin === '1234'
          ? { ok: true, sessionToken: TOKEN, expiresAt: '2026-12-05T02:00:00Z', user: { municipality: '豊中市', expiresOn: '2028-03-31', certificateLinked: false } }
          : { ok: false, error: { code: 'invalid_credentials', message: 'no' }, attemptsLeft: 4 },
      'lottery.signOut': { ok: true },
      'lottery.offlineKey': { ok: true, key: offlineKey },
      'lottery.facilities': { ok: true, facilities: [facility] },
      'lottery.rounds': { ok: true, rounds: this.rounds, ...(this.lotteryNow ? { now: this.lotteryNow } : {}) },
      'lottery.availability': { ok: true, facilityId: facility.facilityId, asOf: now.toISOString(), slots: [slot] },
      'lottery.entry.submit': { ok: true, entry: entryView((body as { clientEntryId: string }).clientEntryId) },
      // A promoted alternate (who saw 落選 at the draw) confirms the win that came to them.
      'lottery.entry.confirm': { ok: true, entry: { ...entryView('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60'), result: 'won-first', wonSlotId: slot.slotId, confirmation: 'confirmed', promoted: true } },
    };
    return answers[event] as LotteryHubReply<E>;
  }
}

class CapturingPrinter {
  readonly printed: Receipt[] = [];
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
  print(receipt: Receipt): Promise<void> {
    this.printed.push(receipt);
    return Promise.resolve();
  }
}

describe('LotteryFlow', () => {
  const tmp = tempDir('lottery-service-');
  const file = path.join(tmp.dir, 'agent.sqlite');
  const store = AgentStore.open(file, 'kiosk-lottery-test', { now: () => now });
  const db = openDatabase(file);
  afterAll(() => {
    db.close();
    store.close();
    tmp.cleanup();
  });

  function setUp(municipality: Municipality = '豊中市') {
    const hub = new ScriptedHub();
    const pinEntry = new PinEntry();
    const barcodes = new BarcodeInput(() => now, silentLogger);
    const listeners = new Set<(session: CurrentSession | null) => void>();
    let current: CurrentSession | null = null;
    const sessions = {
      current: () => current,
      onChange: (listener: (session: CurrentSession | null) => void) => (listeners.add(listener), () => listeners.delete(listener)),
      set(session: CurrentSession | null) {
        current = session;
        for (const listener of listeners) listener(session);
      },
    };
    const printer = new CapturingPrinter();
    const service = new LotteryFlow({
      municipality,
      hub,
      cache: new LotteryCache(db, store.outbox),
      outbox: store.outbox,
      pinEntry,
      barcodes,
      sessions,
      receiptPrinter: () => printer as unknown as ReceiptPrinter,
      clock: { now: () => now },
      logger: silentLogger,
    });
    service.start();
    const type = (digits: string) => {
      for (const key of [...digits, 'enter'] as const) expect(service.pinPress({ key: key as '0' })).toEqual({ ok: true });
    };
    return { hub, pinEntry, barcodes, sessions, service, printer, type };
  }

  /** The demo user signed in online in a new lottery session. */
  async function signedInOnline(sessionId: string) {
    const parts = setUp();
    parts.sessions.set({ sessionId, service: 'lottery' });
    parts.barcodes.scanned('10000008');
    parts.type('1234');
    await waitFor('signed in', () => parts.service.uiState().stage === 'signed-in');
    return parts;
  }

  /** The last receipt as the paper reads it: through the printer's encoder and back. */
  const lastPaper = (printer: CapturingPrinter): string => renderEscPos(encodeReceipt(printer.printed.at(-1) ?? { lines: [] })).receipts[0] ?? '';

  it('shows and caches the facilities and rounds of the municipality it is configured for (issue 15, item 7)', async () => {
    // 吹田市 shares the facility system (toyonaka-facts.json participants): its terminal asks for its own.
    const { hub, service, sessions } = setUp('吹田市');
    await service.refreshAfterConnect();
    const asked = (event: string) => hub.asked.filter((a) => a.event === event).map((a) => a.body);
    expect(asked('lottery.facilities')).toEqual([{ municipality: '吹田市' }]);
    expect(asked('lottery.rounds')).toEqual([{ municipality: '吹田市' }]);
    // Before anyone signs in, and with the centre unreachable: from what was cached for 吹田市.
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', service: 'lottery' });
    hub.reachable = false;
    expect(await service.facilities()).toMatchObject({ ok: true, source: 'cache', facilities: [facility] });
    expect(asked('lottery.facilities').at(-1)).toEqual({ municipality: '吹田市' });
    sessions.set(null);
  });

  it('signs in with the scanned card and the typed PIN, and forgets it all when the session ends', async () => {
    const { hub, barcodes, sessions, service, type } = setUp();
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', service: 'lottery' });
    expect(service.uiState().stage).toBe('awaiting-card');
    barcodes.scanned('10000008');
    expect(service.uiState()).toMatchObject({ stage: 'awaiting-pin', cardHint: '08' });

    type('9999');
    await waitFor('refused', () => service.uiState().refusal !== null);
    expect(service.uiState()).toMatchObject({ stage: 'awaiting-pin', pinDigits: 0, refusal: { code: 'invalid_credentials', attemptsLeft: 4 } });

    type('1234');
    await waitFor('signed in', () => service.uiState().stage === 'signed-in');
    expect(service.uiState()).toMatchObject({ mode: 'online', user: { municipality: '豊中市' } });
    expect(JSON.stringify(service.uiState())).not.toMatch(/10000008|tttt/);

    sessions.set(null);
    expect(service.uiState()).toMatchObject({ stage: 'inactive', cardHint: null, user: null, pinDigits: 0 });
    await waitFor('hub sign-out', () => hub.asked.some((asked) => asked.event === 'lottery.signOut'));
    expect(hub.asked.find((asked) => asked.event === 'lottery.signOut')?.body).toEqual({ sessionToken: TOKEN });
    expect(await service.entries()).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
  });

  it('takes an offline entry: committed to the outbox with a PIN only the hub can open, a provisional receipt', async () => {
    const { hub, barcodes, sessions, service, printer, type } = setUp();
    await service.refreshOfflineKey();
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', service: 'lottery' });
    barcodes.scanned('10000016');
    type('1234');
    await waitFor('signed in', () => service.uiState().stage === 'signed-in');
    expect(await service.availability({ facilityId: facility.facilityId, month: '2027-02' })).toMatchObject({ ok: true, source: 'hub' });
    await service.rounds();
    await service.facilities();
    expect(await service.signOut()).toEqual({ ok: true });

    hub.reachable = false;
    expect(await service.availability({ facilityId: facility.facilityId, month: '2027-02' })).toMatchObject({ ok: true, source: 'cache', asOf: now.toISOString(), slots: [slot] });
    barcodes.scanned('10000016');
    type('2345');
    await waitFor('signed in offline', () => service.uiState().stage === 'signed-in');
    expect(service.uiState().mode).toBe('offline');
    expect(await service.book({ slotId: slot.slotId })).toMatchObject({ ok: false, error: { code: 'hub_unreachable' } });

    const before = store.outbox.stats().lastSeq;
    const ack = await service.submitEntry({ firstSlotId: slot.slotId });
    if (!ack.ok || ack.outcome.kind !== 'provisional') throw new Error('expected a provisional entry');
    // The done screen says when the results are announced (issue 17): the cached round's time.
    expect(ack.resultsAt).toBe(round.resultsAt);
    const [event] = store.outbox.peek(1000).filter((candidate) => candidate.seq > before);
    expect(event?.type).toBe('lottery.entry.provisional');
    const payload = ProvisionalEntryPayloadSchema.parse(event?.payload);
    expect(payload).toMatchObject({ clientEntryId: ack.outcome.entry.clientEntryId, userNumber: '10000016', roundId: round.roundId, secondSlotId: null });
    expect(JSON.stringify(payload)).not.toContain('2345');
    const opened = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(payload.sealedPin.ciphertext, 'base64'));
    // Sealed once for this offline sign-in (v2), bound to its id: the hub counts one PIN attempt per
    // sign-in, however many entries it made (issue 15).
    expect(payload.offlineSessionId).toEqual(expect.any(String));
    expect(JSON.parse(opened.toString('utf8'))).toEqual({ v: 2, pin: '2345', userNumber: '10000016', offlineSessionId: payload.offlineSessionId });
    expect(ack.receipt).toEqual({ printed: true, language: 'ja' });
    const text = printer.printed.at(-1)?.lines.map((line) => ('text' in line ? line.text : '')).join('\n') ?? '';
    expect(text).toContain('仮受付');
    expect(text).not.toContain('10000016');
    expect(await service.entries()).toMatchObject({ ok: true, source: 'cache', unsent: [{ clientEntryId: payload.clientEntryId }] });
    // The same person signing in later with their linked My Number card (the hub tells the linked user
    // card's number) is shown this unsent entry; a hub that does not tell it shows none. The card sign-in
    // itself needs a card and the hub up, which would deliver the entry first: the matching is taken here
    // with the sign-in model's state (lottery-card.spec.ts runs the real card sign-in).
    const cardSigningIn: SignInState = { stage: 'card-signing-in', attempt: 1, triesLeft: 3 };
    const user = { municipality: '豊中市' as const, expiresOn: '2029-03-31', certificateLinked: true };
    const byCard = reduceSignIn(cardSigningIn, { type: 'signed-in', attempt: 1, sessionToken: TOKEN, user, userNumber: '10000016' }).state;
    const cache = new LotteryCache(db, store.outbox);
    expect(cache.unsentEntries(unsentEntriesOwner(byCard) ?? 'none').map((entry) => entry.clientEntryId)).toContain(payload.clientEntryId);
    expect(unsentEntriesOwner(reduceSignIn(cardSigningIn, { type: 'signed-in', attempt: 1, sessionToken: TOKEN, user }).state)).toBeNull();
    const byOtherCard = reduceSignIn(cardSigningIn, { type: 'signed-in', attempt: 1, sessionToken: TOKEN, user, userNumber: '10000008' }).state;
    expect(cache.unsentEntries(unsentEntriesOwner(byOtherCard) ?? 'none')).toEqual([]);

    // The sign-in's next entry carries the same sealed PIN and sign-in id, under its own entry id.
    const again = await service.submitEntry({ firstSlotId: slot.slotId });
    expect(again).toMatchObject({ ok: true, outcome: { kind: 'provisional' } });
    const [second] = store.outbox.peek(1000).filter((candidate) => candidate.seq > (event?.seq ?? 0));
    const secondPayload = ProvisionalEntryPayloadSchema.parse(second?.payload);
    expect(secondPayload.clientEntryId).not.toBe(payload.clientEntryId);
    expect(secondPayload).toMatchObject({ offlineSessionId: payload.offlineSessionId, sealedPin: payload.sealedPin });
    // A choice outside any cached round is refused, and nothing is committed.
    const seq = store.outbox.stats().lastSeq;
    expect(await service.submitEntry({ firstSlotId: 'nobata-court-1@2027-05-09T0900' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(store.outbox.stats().lastSeq).toBe(seq);
    sessions.set(null);
    expect(await service.submitEntry({ firstSlotId: slot.slotId })).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
  });

  it('retries an entry whose answer was lost with the same client entry id, so the hub cannot take it twice', async () => {
    const { hub, barcodes, sessions, service, printer, type } = setUp();
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e', service: 'lottery' });
    barcodes.scanned('10000008');
    type('1234');
    await waitFor('signed in', () => service.uiState().stage === 'signed-in');
    hub.loseAnswerTo = 'lottery.entry.submit';
    expect(await service.submitEntry({ firstSlotId: slot.slotId })).toMatchObject({ ok: false, error: { code: 'hub_unreachable' } });
    const retried = await service.submitEntry({ firstSlotId: slot.slotId });
    expect(retried).toMatchObject({ ok: true, outcome: { kind: 'accepted', entry: { entryNumber: '0000000042' } }, receipt: { printed: true } });
    const ids = hub.asked.filter((asked) => asked.event === 'lottery.entry.submit').map((asked) => (asked.body as { clientEntryId: string }).clientEntryId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    // Settled: the next entry is a new request.
    await service.submitEntry({ firstSlotId: slot.slotId });
    expect(new Set(hub.asked.filter((asked) => asked.event === 'lottery.entry.submit').map((asked) => (asked.body as { clientEntryId: string }).clientEntryId)).size).toBe(2);
    const text = printer.printed.at(-1)?.lines.map((line) => ('text' in line ? line.text : '')).join('\n') ?? '';
    expect(text).toContain('受付番号 0000000042');
    sessions.set(null);
  });

  it('prints the receipt in the session’s language: English for en, English for ko (no Hangul on the printer) (issue 20, item 10)', async () => {
    const { sessions, service, printer } = await signedInOnline('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61');
    await service.facilities();
    const paper = () => lastPaper(printer);
    for (const language of ['en', 'ko'] as const) {
      expect(await service.submitEntry({ firstSlotId: slot.slotId, language })).toMatchObject({ ok: true, receipt: { printed: true, language: 'en' } });
      expect(paper()).toContain('Entry No. 0000000042');
      expect(paper()).toContain('野畑テニスコート 1番コート');
      expect(paper()).toContain('(Nobata Tennis Courts Court 1)');
      expect(paper()).not.toContain('受付番号');
    }
    expect(await service.submitEntry({ firstSlotId: slot.slotId, language: 'ja' })).toMatchObject({ ok: true, receipt: { printed: true, language: 'ja' } });
    expect(paper()).toContain('受付番号 0000000042');
    expect(paper()).not.toContain('Entry No.');
    sessions.set(null);
  });

  it('prints 繰り上げ当選 on the receipt when a promoted alternate confirms at their next sign-in (issue 20, item 7)', async () => {
    const { sessions, service, printer } = await signedInOnline('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a62');
    const before = printer.printed.length;
    expect(await service.entryAction('lottery.entry.confirm', { entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', language: 'ja' })).toMatchObject({
      ok: true,
      entry: { promoted: true },
      receipt: { printed: true, language: 'ja' },
    });
    expect(printer.printed).toHaveLength(before + 1);
    const text = lastPaper(printer);
    expect(text).toContain('繰り上げ当選');
    expect(text).toContain('受付番号 0000000042');
    expect(text).not.toContain('10000008');
    sessions.set(null);
  });

  it('gives the lottery screens the hub’s lottery clock, also from the cache while the hub is away (issue 20)', async () => {
    const { hub, barcodes, sessions, service, type } = setUp();
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60', service: 'lottery' });
    barcodes.scanned('10000008');
    type('1234');
    await waitFor('signed in', () => service.uiState().stage === 'signed-in');
    // `demo-clock entry-opens` moved the lottery to 1 January.
    hub.lotteryNow = '2027-01-01T00:00:00.000Z';
    expect(await service.facilities()).toMatchObject({ ok: true, source: 'hub', lotteryNow: '2027-01-01T00:00:00.000Z' });
    hub.reachable = false;
    expect(await service.facilities()).toMatchObject({ ok: true, source: 'cache', lotteryNow: '2027-01-01T00:00:00.000Z' });
    // Back to the real clock: an answer within transit time of the known offset is not a move.
    hub.reachable = true;
    hub.lotteryNow = now.toISOString();
    expect(await service.facilities()).toMatchObject({ ok: true, lotteryNow: now.toISOString() });
    sessions.set(null);
  });

  it('stamps an offline entry with the hub’s lottery clock, not this machine’s, and checks the window by it (issue 20)', async () => {
    const { hub, barcodes, sessions, service, printer, type } = setUp();
    // The demo clock moved the lottery to 1 January 2027 (09:00 JST); this machine's clock says 5 December,
    // before the window of this round opens.
    const januaryRound: RoundView = { ...round, entryOpensAt: '2026-12-31T15:00:00Z', entryClosesAt: '2027-01-10T15:00:00Z' };
    hub.rounds = [januaryRound];
    hub.lotteryNow = '2027-01-01T00:00:00.000Z';
    await service.refreshOfflineKey();
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a63', service: 'lottery' });
    barcodes.scanned('10000016');
    type('1234');
    await waitFor('signed in', () => service.uiState().stage === 'signed-in');
    expect(await service.facilities()).toMatchObject({ ok: true, lotteryNow: '2027-01-01T00:00:00.000Z' });
    expect(await service.signOut()).toEqual({ ok: true });

    hub.reachable = false;
    barcodes.scanned('10000016');
    type('2345');
    await waitFor('signed in offline', () => service.uiState().stage === 'signed-in');
    const before = store.outbox.stats().lastSeq;
    const ack = await service.submitEntry({ firstSlotId: slot.slotId });
    expect(ack).toMatchObject({ ok: true, outcome: { kind: 'provisional', entry: { occurredAt: '2027-01-01T00:00:00.000Z' } } });
    const [event] = store.outbox.peek(1000).filter((candidate) => candidate.seq > before);
    expect(event).toMatchObject({ type: 'lottery.entry.provisional', occurredAt: '2027-01-01T00:00:00.000Z' });
    expect(lastPaper(printer)).toContain('2027-01-01 09:00');
    const listed = await service.entries();
    const clientEntryId = ProvisionalEntryPayloadSchema.parse(event?.payload).clientEntryId;
    expect(listed.ok && listed.unsent.find((entry) => entry.clientEntryId === clientEntryId)?.occurredAt).toBe('2027-01-01T00:00:00.000Z');
    sessions.set(null);

    // Back to the real clock and the usual round for the tests after this one.
    hub.reachable = true;
    hub.rounds = [round];
    hub.lotteryNow = now.toISOString();
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a64', service: 'lottery' });
    barcodes.scanned('10000008');
    type('1234');
    await waitFor('signed in', () => service.uiState().stage === 'signed-in');
    expect(await service.facilities()).toMatchObject({ ok: true, lotteryNow: now.toISOString() });
    sessions.set(null);
  });

  it('refuses offline sign-in without the hub’s key, and PIN keys outside a lottery session', async () => {
    const { hub, service, sessions, barcodes, type } = setUp();
    expect(service.pinPress({ key: '1' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    db.prepare("DELETE FROM lottery_cache WHERE key = 'offline-key'").run();
    hub.reachable = false;
    sessions.set({ sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d', service: 'lottery' });
    barcodes.scanned('10000024');
    type('3456');
    await waitFor('refused', () => service.uiState().refusal !== null);
    expect(service.uiState()).toMatchObject({ stage: 'awaiting-pin', offlineEntryAvailable: false, refusal: { code: 'hub_unreachable' } });
  });
});
