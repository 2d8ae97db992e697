import { v7 as uuidv7 } from 'uuid';
import type { CardReaderDriver, PinPadKey, Receipt, ReceiptPrinter } from '@kiosk/devices';
import {
  FacilityPinSchema,
  type FacilityView,
  type Language,
  type LotteryEvent,
  type LotteryReceiptOutcome,
  type LotteryPinPress,
  type LotteryUiAck,
  type LotteryUiErrorCode,
  type LotteryUiFailure,
  type LotteryUiPayload,
  type LotteryUiState,
  type Municipality,
  type RoundView,
  type SealedPin,
  type UnsentEntry,
} from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { BarcodeInput } from '../input/barcode-input';
import type { PinEntry } from '../input/pin-entry';
import { runDetached, type Logger } from '../logger';
import type { CurrentSession } from '../server/kiosk-sessions';
import type { Outbox } from '../store/outbox';
import { HubUnreachableError, type LotteryHub, type LotteryHubReply } from './hub-client';
import type { LotteryCache } from './lottery-cache';
import { checkOfflineEntry, monthRange, signInRefusal } from './lottery-rules';
import { MyNumberSignIn } from './my-number-sign-in';
import { offlineKeyMatchesId, sealSessionPin } from './pin-sealer';
import { bookingReceipt, confirmedWinReceipt, entryReceipt, provisionalEntryReceipt, receiptLanguage } from './receipts';
import { INACTIVE, reduceSignIn, toUiState, unsentEntriesOwner, type SignInEffect, type SignInEvent, type SignInState } from './sign-in-model';

export interface LotteryServiceDeps {
  /**
   * The participating municipality this terminal serves (the agent's `KIOSK_MUNICIPALITY`): whose
   * facilities and rounds it shows and caches until someone signs in, and which offline entries go by.
   */
  municipality: Municipality;
  hub: LotteryHub;
  cache: LotteryCache;
  outbox: Outbox;
  pinEntry: PinEntry;
  barcodes: BarcodeInput;
  /** Current kiosk session and its changes (KioskSessions). */
  sessions: { current(): CurrentSession | null; onChange(listener: (session: CurrentSession | null) => void): () => void };
  receiptPrinter: () => ReceiptPrinter | null;
  /** For sign-in with a linked My Number card (online only); none: only the user card. */
  cardReader?: CardReaderDriver | null;
  clock: Clock;
  logger: Logger;
  newId?: () => string;
  /** The hub's public address, shown on the 抽選結果の検証 screen (absent: the screen shows the page's path only). */
  hubPublicUrl?: string;
}

type Failure = LotteryUiFailure;
const fail = (code: LotteryUiErrorCode, message: string): Failure => ({ ok: false, error: { code, message } });
const OFFLINE_ONLY_ENTRIES = 'the centre cannot be reached: only lottery entries can be taken now (booking and changes need the centre)';

/**
 * The street terminal's lottery for the person at the screen: sign-in (user card on the scanner, PIN on
 * either pad), browsing (hub, else the cache "as of"), entries (at the hub, else committed to the outbox
 * with the PIN sealed to the hub), results, bookings and receipts. Everything about the person is held
 * here in memory and wiped on sign-out and whenever the kiosk session changes.
 */
export class LotteryService {
  private state: SignInState = INACTIVE;
  /**
   * Signed in offline: the PIN sealed once for the hub at sign-in (the PIN itself is wiped at once), and
   * the sign-in's id that each of its entries carries, so the hub counts one PIN attempt per sign-in.
   */
  private offlineSeal: { offlineSessionId: string; sealedPin: SealedPin } | null = null;
  /** The placed My Number card's certificate, held from its reading to the sign-in (then wiped). */
  private myNumberCertificate: Buffer | null = null;
  private readonly myNumber: MyNumberSignIn | null;
  private attempts = 0;
  /**
   * The client request id of an entry or booking whose answer was lost (hub unreachable mid-request):
   * retried with the same content it is sent with the same id, so the hub answers it as the same request
   * and nothing is entered or booked twice.
   */
  private unanswered: { key: string; clientRequestId: string } | null = null;
  private readonly listeners = new Set<(state: LotteryUiState) => void>();
  private readonly detach: Array<() => void> = [];
  private readonly newId: () => string;

  constructor(private readonly deps: LotteryServiceDeps) {
    this.newId = deps.newId ?? uuidv7;
    this.myNumber = deps.cardReader ? new MyNumberSignIn(deps.cardReader, deps.hub, deps.logger) : null;
  }

  start(): void {
    const { sessions, barcodes, pinEntry } = this.deps;
    this.detach.push(
      sessions.onChange((session) => this.dispatch(this.sessionChanged(session?.service === 'lottery'))),
      barcodes.onCard(() => {
        if (this.state.stage !== 'awaiting-card' && this.state.stage !== 'awaiting-pin') return;
        const card = barcodes.take();
        if (card) this.dispatch({ type: 'card-scanned', userNumber: card.userNumber });
      }),
      pinEntry.onChange((pin) => {
        if (pin.submitted && (this.state.stage === 'awaiting-pin' || this.state.stage === 'awaiting-card' || this.state.stage === 'awaiting-card-pin')) {
          this.attempts += 1;
          this.dispatch({ type: 'pin-submitted', attempt: this.attempts });
        } else {
          this.emit();
        }
      }),
    );
    const reader = this.deps.cardReader;
    if (reader) {
      const placed = ({ selected }: { selected: boolean }) => {
        if (selected) this.dispatch({ type: 'my-number-placed', hubReachable: this.deps.hub.isConnected?.() ?? true });
      };
      const removed = ({ selected }: { selected: boolean }) => {
        if (selected) this.dispatch({ type: 'my-number-removed' });
      };
      reader.on('card-inserted', placed);
      reader.on('card-removed', removed);
      this.detach.push(() => reader.off('card-inserted', placed), () => reader.off('card-removed', removed));
    }
    if (sessions.current()?.service === 'lottery') this.dispatch(this.sessionChanged(true));
  }

  /** With whether a My Number card already lies on the reader: its placing happened before and was not seen. */
  private sessionChanged(lottery: boolean): SignInEvent {
    const reader = this.deps.cardReader;
    if (!lottery || !reader) return { type: 'session-changed', lottery };
    const myNumberPresent = reader.selectedReader()?.cardPresent ?? false;
    return { type: 'session-changed', lottery, myNumberPresent, hubReachable: this.deps.hub.isConnected?.() ?? true };
  }

  stop(): void {
    for (const stop of this.detach.splice(0)) stop();
    this.dispatch({ type: 'session-changed', lottery: false });
  }

  uiState(): LotteryUiState {
    return {
      ...toUiState(this.state, this.deps.pinEntry.state().digits, this.deps.cache.offlineKey() !== null),
      receiptPrinterReady: this.receiptPrinterReady(),
      ...(this.deps.hubPublicUrl ? { hubPublicUrl: this.deps.hubPublicUrl } : {}),
    };
  }

  /** Whether a receipt could be printed now (told to the person before they start, not after). */
  private receiptPrinterReady(): boolean {
    const status = this.deps.receiptPrinter()?.health().status;
    return status === 'ok' || status === 'warning';
  }

  onState(listener: (state: LotteryUiState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called after every (re)connection to the hub: the offline-entry key, and this terminal's facilities
   * and rounds, so that the terminal can take offline entries even if nobody browsed since it started.
   */
  async refreshAfterConnect(): Promise<void> {
    try {
      await this.refreshOfflineKey();
      const municipality = this.deps.municipality;
      const facilities = await this.deps.hub.request('lottery.facilities', { municipality });
      if (facilities.ok) this.deps.cache.putFacilities(municipality, facilities.facilities, this.now());
      const rounds = await this.deps.hub.request('lottery.rounds', { municipality });
      if (rounds.ok) {
        this.heardLotteryClock(rounds.now);
        this.deps.cache.putRounds(municipality, rounds.rounds, this.now());
      }
    } catch (error) {
      // Gone again before we were done: the next connection tries again.
      if (!(error instanceof HubUnreachableError)) throw error;
    }
  }

  /** Fetches and caches the hub's offline-entry key (checked against its id). */
  async refreshOfflineKey(): Promise<void> {
    const ack = await this.deps.hub.request('lottery.offlineKey', {});
    if (!ack.ok) {
      this.deps.logger.warn({ code: ack.error.code }, 'hub gave no offline-entry key');
      return;
    }
    if (!offlineKeyMatchesId(ack.key)) {
      this.deps.logger.error({ keyId: ack.key.keyId }, 'offline-entry key does not match its id; not cached');
      return;
    }
    if (this.deps.cache.offlineKey()?.keyId !== ack.key.keyId) {
      this.deps.cache.putOfflineKey(ack.key, this.now());
      this.deps.logger.info({ keyId: ack.key.keyId }, 'offline-entry key cached');
      this.emit();
    }
  }

  // --- sign-in -------------------------------------------------------------------------------------

  pinPress(request: LotteryPinPress): LotteryUiAck<'lottery.pin.press'> {
    if (this.state.stage !== 'awaiting-card' && this.state.stage !== 'awaiting-pin' && this.state.stage !== 'awaiting-card-pin') return fail('conflict', 'no PIN is being asked for now');
    this.deps.pinEntry.press(toPadKey(request.key));
    return { ok: true };
  }

  signOut(): LotteryUiAck<'lottery.signOut'> {
    if (this.state.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    this.dispatch({ type: 'sign-out' });
    return { ok: true };
  }

  private dispatch(event: SignInEvent): void {
    const { state, effects } = reduceSignIn(this.state, event);
    this.state = state;
    if (state.stage !== 'signed-in' || state.mode !== 'offline') this.wipeOfflinePin();
    for (const effect of effects) this.run(effect);
    this.emit();
  }

  private run(effect: SignInEffect): void {
    switch (effect.kind) {
      case 'wipe-pin':
        this.deps.pinEntry.reset();
        return;
      case 'hub-sign-out':
        runDetached(this.deps.logger, 'lottery sign-out', async () => {
          await this.deps.hub.request('lottery.signOut', { sessionToken: effect.sessionToken }).catch((error: unknown) => {
            // The hub expires the session on its own; an unreachable hub is no reason to worry.
            if (!(error instanceof HubUnreachableError)) throw error;
          });
        });
        return;
      case 'check-pin':
        runDetached(this.deps.logger, 'lottery sign-in', () => this.checkPin(effect.userNumber, effect.attempt));
        return;
      case 'read-my-number':
        runDetached(this.deps.logger, 'lottery My Number card read', () => this.readMyNumber());
        return;
      case 'sign-with-my-number':
        runDetached(this.deps.logger, 'lottery My Number sign-in', () => this.signWithMyNumber(effect.attempt));
        return;
      case 'forget-my-number':
        this.myNumberCertificate?.fill(0);
        this.myNumberCertificate = null;
        return;
    }
  }

  private async readMyNumber(): Promise<void> {
    if (!this.myNumber) return this.dispatch({ type: 'my-number-refused', refusal: { code: 'card_unreadable' } });
    const { event, certificate } = await this.myNumber.read();
    // Taken out (or the session ended) while it was read: keep nothing.
    if (this.state.stage !== 'reading-card') return void certificate?.fill(0);
    this.myNumberCertificate = certificate;
    this.dispatch(event);
  }

  private async signWithMyNumber(attempt: number): Promise<void> {
    const pin = this.deps.pinEntry.take();
    const certificate = this.myNumberCertificate;
    if (!pin || !certificate || !this.myNumber) {
      pin?.fill(0);
      return this.dispatch({ type: 'my-number-refused', refusal: { code: 'card_unreadable' } });
    }
    this.dispatch(await this.myNumber.signIn(certificate, pin, attempt));
  }

  private async checkPin(userNumber: string, attempt: number): Promise<void> {
    const pin = this.deps.pinEntry.take();
    if (!pin) return this.dispatch({ type: 'sign-in-refused', attempt, refusal: { code: 'invalid_message' } });
    try {
      if (!FacilityPinSchema.safeParse(pin.toString('ascii')).success) {
        return this.dispatch({ type: 'sign-in-refused', attempt, refusal: { code: 'invalid_message' } });
      }
      let ack: LotteryHubReply<'lottery.signIn'>;
      try {
        ack = await this.deps.hub.request('lottery.signIn', { userNumber, pin: pin.toString('ascii') });
      } catch (error) {
        if (!(error instanceof HubUnreachableError)) throw error;
        // The hub checks this PIN (once for this sign-in) when an entry arrives: sealed now, then wiped.
        const key = this.deps.cache.offlineKey();
        if (key === null) return this.dispatch({ type: 'sign-in-refused', attempt, refusal: { code: 'hub_unreachable' } });
        const offlineSessionId = this.newId();
        const sealedPin = sealSessionPin(key, pin, userNumber, offlineSessionId);
        this.dispatch({ type: 'signed-in-offline', attempt });
        if (this.state.stage === 'signed-in' && this.state.mode === 'offline') this.offlineSeal = { offlineSessionId, sealedPin };
        this.deps.logger.info({}, 'lottery signed in offline (PIN to be checked by the hub)');
        return;
      }
      if (ack.ok) {
        this.deps.logger.info({ municipality: ack.user.municipality }, 'lottery signed in');
        return this.dispatch({ type: 'signed-in', attempt, sessionToken: ack.sessionToken, user: ack.user });
      }
      this.deps.logger.info({ code: ack.error.code }, 'lottery sign-in refused');
      this.dispatch({ type: 'sign-in-refused', attempt, refusal: signInRefusal(ack) });
    } finally {
      pin.fill(0);
    }
  }

  // --- browsing ------------------------------------------------------------------------------------

  async facilities(): Promise<LotteryUiAck<'lottery.facilities'>> {
    if (this.state.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    const municipality = this.municipality();
    // An offline entry needs the slot's round: keep the rounds as fresh as the facilities the person sees.
    await this.rounds();
    const loaded = await this.fromHubOrCache(
      () => this.deps.hub.request('lottery.facilities', { municipality }),
      (ack) => (this.deps.cache.putFacilities(municipality, ack.facilities, this.now()), { value: ack.facilities, asOf: this.now() }),
      () => this.deps.cache.facilities(municipality),
    );
    return loaded.ok ? { ok: true, source: loaded.source, asOf: loaded.asOf, lotteryNow: this.now(), facilities: loaded.value } : loaded;
  }

  async rounds(): Promise<LotteryUiAck<'lottery.rounds'>> {
    if (this.state.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    const municipality = this.municipality();
    const loaded = await this.fromHubOrCache(
      () => this.deps.hub.request('lottery.rounds', { municipality }),
      (ack) => (this.heardLotteryClock(ack.now), this.deps.cache.putRounds(municipality, ack.rounds, this.now()), { value: ack.rounds, asOf: this.now() }),
      () => this.deps.cache.rounds(municipality),
    );
    return loaded.ok ? { ok: true, source: loaded.source, asOf: loaded.asOf, rounds: loaded.value } : loaded;
  }

  async availability(request: LotteryUiPayload<'lottery.availability'>): Promise<LotteryUiAck<'lottery.availability'>> {
    if (this.state.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    const { facilityId, month } = request;
    const loaded = await this.fromHubOrCache(
      () => this.deps.hub.request('lottery.availability', { facilityId, ...monthRange(month) }),
      (ack) => (this.deps.cache.putAvailability(facilityId, month, ack.slots, ack.asOf), { value: ack.slots, asOf: ack.asOf }),
      () => this.deps.cache.availability(facilityId, month),
    );
    return loaded.ok ? { ok: true, source: loaded.source, asOf: loaded.asOf, facilityId, month, slots: loaded.value } : loaded;
  }

  // --- entries -------------------------------------------------------------------------------------

  async submitEntry(request: LotteryUiPayload<'lottery.entry.submit'>): Promise<LotteryUiAck<'lottery.entry.submit'>> {
    const state = this.state;
    if (state.stage !== 'signed-in') return fail('not_signed_in', 'sign in first');
    if (request.secondSlotId !== undefined && request.secondSlotId === request.firstSlotId) {
      return fail('invalid_message', 'the 2nd choice must differ from the 1st');
    }
    if (state.mode === 'offline') return this.submitOffline(state.userNumber, request);
    const clientEntryId = this.requestId(`entry:${request.firstSlotId}:${request.secondSlotId ?? ''}`);
    const ack = await this.online(() =>
      this.deps.hub.request('lottery.entry.submit', {
        sessionToken: state.sessionToken,
        clientEntryId,
        firstSlotId: request.firstSlotId,
        ...(request.secondSlotId !== undefined ? { secondSlotId: request.secondSlotId } : {}),
      }),
    );
    this.answered(ack);
    if (!ack.ok) return ack;
    this.deps.logger.info({ entryNumber: ack.entry.entryNumber }, 'lottery entry accepted by the hub');
    const receipt = await this.print(entryReceipt(ack.entry, this.cachedFacilities(), request.language), request.language);
    return { ok: true, outcome: { kind: 'accepted', entry: ack.entry }, receipt };
  }

  /** Offline: checked against the cached round, committed to the outbox (sealed PIN), then printed. */
  private async submitOffline(userNumber: string, request: LotteryUiPayload<'lottery.entry.submit'>): Promise<LotteryUiAck<'lottery.entry.submit'>> {
    const seal = this.offlineSeal;
    if (!seal) return fail('hub_unreachable', 'offline entries are not possible on this terminal now');
    const facilities = this.cachedFacilities();
    const rounds: RoundView[] = this.deps.cache.rounds(this.municipality())?.value ?? [];
    // The lottery's time, as every lottery screen shows it: the cached round's window, the entry's
    // stamp and its receipt all go by it (the demo's lottery clock may run ahead of this machine's).
    const now = this.lotteryNow();
    const check = checkOfflineEntry(request, facilities, rounds, now);
    if (!check.ok) return fail(check.code, check.message);
    const clientEntryId = this.newId();
    const unsent: UnsentEntry = {
      clientEntryId,
      roundId: check.roundId,
      firstSlotId: request.firstSlotId,
      secondSlotId: request.secondSlotId ?? null,
      occurredAt: now.toISOString(),
    };
    // Committed before the person is told (or a receipt printed): the outbox delivers it exactly once.
    this.deps.outbox.enqueue({
      type: 'lottery.entry.provisional',
      occurredAt: unsent.occurredAt,
      payload: {
        clientEntryId,
        userNumber,
        roundId: unsent.roundId,
        firstSlotId: unsent.firstSlotId,
        secondSlotId: unsent.secondSlotId,
        sealedPin: seal.sealedPin,
        offlineSessionId: seal.offlineSessionId,
      },
    });
    this.deps.logger.info({ clientEntryId, roundId: unsent.roundId }, 'provisional lottery entry committed to the outbox');
    const receipt = await this.print(provisionalEntryReceipt(unsent, facilities, request.language), request.language);
    return { ok: true, outcome: { kind: 'provisional', entry: unsent }, receipt };
  }

  async entries(): Promise<LotteryUiAck<'lottery.entries'>> {
    const state = this.state;
    if (state.stage !== 'signed-in') return fail('not_signed_in', 'sign in first');
    const owner = unsentEntriesOwner(state);
    const unsent = owner === null ? [] : this.deps.cache.unsentEntries(owner);
    if (state.mode === 'offline') return { ok: true, source: 'cache', entries: [], provisional: [], unsent };
    const ack = await this.online(() => this.deps.hub.request('lottery.entries', { sessionToken: state.sessionToken }));
    if (!ack.ok) return ack;
    // Once the hub holds an offline entry, its judgement is the truth.
    const known = new Set(ack.provisional.map((entry) => entry.clientEntryId));
    return { ok: true, source: 'hub', entries: ack.entries, provisional: ack.provisional, unsent: unsent.filter((entry) => !known.has(entry.clientEntryId)) };
  }

  /** A confirmed win prints a receipt (marked 繰り上げ当選 when the win came from the waiting list). */
  async entryAction(
    event: 'lottery.entry.cancel' | 'lottery.entry.confirm' | 'lottery.entry.decline',
    request: LotteryUiPayload<'lottery.entry.cancel'>,
  ): Promise<LotteryUiAck<'lottery.entry.cancel'>> {
    const ack = await this.withSession((sessionToken) => this.deps.hub.request(event, { sessionToken, entryId: request.entryId }));
    if (!ack.ok || event !== 'lottery.entry.confirm') return ack;
    const receipt = await this.print(confirmedWinReceipt(ack.entry, this.cachedFacilities(), this.lotteryNow(), request.language), request.language);
    return { ...ack, receipt };
  }

  // --- bookings ------------------------------------------------------------------------------------

  async book(request: LotteryUiPayload<'lottery.booking.create'>): Promise<LotteryUiAck<'lottery.booking.create'>> {
    const clientBookingId = this.requestId(`booking:${request.slotId}`);
    const ack = await this.withSession((sessionToken) =>
      this.deps.hub.request('lottery.booking.create', { sessionToken, clientBookingId, slotId: request.slotId }),
    );
    this.answered(ack);
    if (!ack.ok) return ack;
    this.deps.logger.info({ bookingNumber: ack.booking.bookingNumber }, 'facility booked');
    const receipt = await this.print(bookingReceipt(ack.booking, this.cachedFacilities(), request.language), request.language);
    return { ok: true, booking: ack.booking, receipt };
  }

  bookings(): Promise<LotteryUiAck<'lottery.bookings'>> {
    return this.withSession((sessionToken) => this.deps.hub.request('lottery.bookings', { sessionToken }));
  }

  quoteCancel(request: LotteryUiPayload<'lottery.booking.quote-cancel'>): Promise<LotteryUiAck<'lottery.booking.quote-cancel'>> {
    return this.withSession((sessionToken) => this.deps.hub.request('lottery.booking.quote-cancel', { sessionToken, bookingId: request.bookingId }));
  }

  cancelBooking(request: LotteryUiPayload<'lottery.booking.cancel'>): Promise<LotteryUiAck<'lottery.booking.cancel'>> {
    return this.withSession((sessionToken) =>
      this.deps.hub.request('lottery.booking.cancel', { sessionToken, bookingId: request.bookingId, acceptedChargeYen: request.acceptedChargeYen }),
    );
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** A fresh client request id, or the one of the same request whose answer was lost. */
  private requestId(key: string): string {
    if (this.unanswered?.key !== key) this.unanswered = { key, clientRequestId: this.newId() };
    return this.unanswered.clientRequestId;
  }

  /** Any answer from the hub settles the request; only an unreachable hub keeps its id for a retry. */
  private answered(ack: { ok: true } | { ok: false; error: { code: string } }): void {
    if (ack.ok || ack.error.code !== 'hub_unreachable') this.unanswered = null;
  }

  /** A request that needs the hub and an online sign-in; a refused session signs the person out. */
  private async withSession<T extends { ok: boolean }>(send: (sessionToken: string) => Promise<T>): Promise<T | Failure> {
    const state = this.state;
    if (state.stage !== 'signed-in') return fail('not_signed_in', 'sign in first');
    if (state.mode === 'offline') return fail('hub_unreachable', OFFLINE_ONLY_ENTRIES);
    return this.online(() => send(state.sessionToken));
  }

  private async online<T extends { ok: boolean }>(send: () => Promise<T>): Promise<T | Failure> {
    try {
      const ack = await send();
      if (!ack.ok && (ack as unknown as Failure).error.code === 'session_expired') this.dispatch({ type: 'session-expired' });
      return ack;
    } catch (error) {
      if (error instanceof HubUnreachableError) return fail('hub_unreachable', 'the centre cannot be reached; please try again later');
      this.deps.logger.error({ err: error }, 'lottery request failed');
      return fail('internal', 'internal error');
    }
  }

  private async fromHubOrCache<A extends { ok: boolean }, V>(
    ask: () => Promise<A>,
    store: (ack: Extract<A, { ok: true }>) => { value: V; asOf: string },
    cached: () => { value: V; asOf: string } | null,
  ): Promise<{ ok: true; source: 'hub' | 'cache'; value: V; asOf: string } | Failure> {
    try {
      const ack = await ask();
      if (!ack.ok) return ack as unknown as Failure;
      return { ok: true, source: 'hub', ...store(ack as Extract<A, { ok: true }>) };
    } catch (error) {
      if (!(error instanceof HubUnreachableError)) {
        this.deps.logger.error({ err: error }, 'lottery request failed');
        return fail('internal', 'internal error');
      }
      const hit = cached();
      return hit ? { ok: true, source: 'cache', ...hit } : fail('hub_unreachable', 'the centre cannot be reached and this terminal has no copy yet');
    }
  }

  /** Prints a receipt made for the session's `language` (which says what it was printed in). */
  private async print(receipt: Receipt, language: Language = 'ja'): Promise<LotteryReceiptOutcome> {
    const printer = this.deps.receiptPrinter();
    if (!printer) return { printed: false, problem: 'no receipt printer' };
    try {
      await printer.print(receipt);
      return { printed: true, language: receiptLanguage(language) };
    } catch (error) {
      const problem = error instanceof Error ? error.message.slice(0, 200) : 'printer error';
      this.deps.logger.warn({ problem }, 'lottery receipt not printed');
      return { printed: false, problem };
    }
  }

  private municipality(): Municipality {
    return this.state.stage === 'signed-in' && this.state.mode === 'online' ? this.state.user.municipality : this.deps.municipality;
  }

  private cachedFacilities(): FacilityView[] {
    return this.deps.cache.facilities(this.municipality())?.value ?? [];
  }

  /**
   * The lottery's time: the hub's lottery clock as last heard (it may run ahead of real time in the demo),
   * carried on by this terminal's clock while the hub cannot be reached. Every lottery screen uses it.
   */
  private lotteryNow(): Date {
    return new Date(this.deps.clock.now().getTime() + this.deps.cache.lotteryClockOffsetMs());
  }

  private now(): string {
    return this.lotteryNow().toISOString();
  }

  private heardLotteryClock(hubNow: string | undefined): void {
    if (hubNow === undefined) return;
    const offsetMs = Date.parse(hubNow) - this.deps.clock.now().getTime();
    // Within a few seconds of what is known: transit time, not a move of the clock.
    if (Math.abs(offsetMs - this.deps.cache.lotteryClockOffsetMs()) < 5_000) return;
    this.deps.cache.putLotteryClockOffsetMs(offsetMs, hubNow);
  }

  private wipeOfflinePin(): void {
    if (this.state.stage !== 'signed-in') this.unanswered = null;
    this.offlineSeal = null;
  }

  private emit(): void {
    const state = this.uiState();
    for (const listener of [...this.listeners]) listener(state);
  }
}

function toPadKey(key: LotteryPinPress['key']): PinPadKey {
  if (key === 'clear') return { type: 'clear' };
  if (key === 'enter') return { type: 'enter' };
  return { type: 'digit', digit: Number(key) };
}

export type { LotteryEvent };
