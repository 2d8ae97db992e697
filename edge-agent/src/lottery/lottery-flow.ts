import { v7 as uuidv7 } from 'uuid';
import type { CardReaderDriver, PinPadKey, ReceiptPrinter } from '@kiosk/devices';
import type { LotteryPinPress, LotteryUiAck, LotteryUiPayload, LotteryUiState, Municipality } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { BarcodeInput } from '../input/barcode-input';
import type { PinEntry } from '../input/pin-entry';
import type { Logger } from '../logger';
import type { CurrentSession } from '../server/kiosk-sessions';
import type { Outbox } from '../store/outbox';
import { EntriesAndBookings } from './entries-and-bookings';
import type { LotteryHub } from './hub-client';
import { fail } from './lottery-answers';
import { LotteryBrowsing } from './lottery-browsing';
import type { LotteryCache } from './lottery-cache';
import { LotteryMemory } from './lottery-memory';
import { MyNumberSignIn } from './my-number-sign-in';
import { LotteryReceiptPrinter } from './receipt-printing';
import { SignInEffects } from './sign-in-effects';
import { reduceSignIn, toUiState, type SignInEvent } from './sign-in-model';

export interface LotteryFlowDeps {
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

/** The sign-in stages that take PIN digits. */
const PIN_STAGES = new Set<string>(['awaiting-card', 'awaiting-pin', 'awaiting-card-pin']);

/**
 * The street terminal's lottery runner: holds the pure sign-in machine's state (sign-in-model.ts, in
 * `LotteryMemory` with everything else held about the person), turns session, scanner, PIN-pad and card
 * reader happenings into its events, hands its effects to `SignInEffects`, and routes the screen's
 * requests to browsing (`LotteryBrowsing`) and entries and bookings (`EntriesAndBookings`). Everything
 * about the person is wiped on sign-out and whenever the kiosk session changes.
 */
export class LotteryFlow {
  /** What is held about the person (read by the wipe's proofs; only this runner and its parts change it). */
  readonly memory = new LotteryMemory();
  private readonly effects: SignInEffects;
  private readonly browsing: LotteryBrowsing;
  private readonly work: EntriesAndBookings;
  private readonly receipts: LotteryReceiptPrinter;
  private attempts = 0;
  private readonly listeners = new Set<(state: LotteryUiState) => void>();
  private readonly detach: Array<() => void> = [];

  constructor(private readonly deps: LotteryFlowDeps) {
    const newId = deps.newId ?? uuidv7;
    const { hub, cache, logger } = deps;
    const memory = this.memory;
    this.receipts = new LotteryReceiptPrinter(deps.receiptPrinter, logger);
    this.browsing = new LotteryBrowsing({ municipality: deps.municipality, hub, cache, memory, clock: deps.clock, logger, changed: () => this.emit() });
    this.work = new EntriesAndBookings({
      hub,
      cache,
      outbox: deps.outbox,
      memory,
      browsing: this.browsing,
      receipts: this.receipts,
      sessionExpired: () => this.dispatch({ type: 'session-expired' }),
      newId,
      logger,
    });
    const myNumber = deps.cardReader ? new MyNumberSignIn(deps.cardReader, hub, logger) : null;
    this.effects = new SignInEffects({ hub, cache, pinEntry: deps.pinEntry, memory, myNumber, dispatch: (event) => this.dispatch(event), newId, logger });
  }

  start(): void {
    const { sessions, barcodes, pinEntry } = this.deps;
    this.detach.push(
      sessions.onChange((session) => this.dispatch(this.sessionChanged(session?.service === 'lottery'))),
      barcodes.onCard(() => {
        const stage = this.memory.signIn.stage;
        if (stage !== 'awaiting-card' && stage !== 'awaiting-pin') return;
        const card = barcodes.take();
        if (card) this.dispatch({ type: 'card-scanned', userNumber: card.userNumber });
      }),
      pinEntry.onChange((pin) => {
        if (pin.submitted && PIN_STAGES.has(this.memory.signIn.stage)) {
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
        if (selected) this.dispatch({ type: 'my-number-placed', hubReachable: this.hubReachable() });
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

  stop(): void {
    for (const stop of this.detach.splice(0)) stop();
    this.dispatch({ type: 'session-changed', lottery: false });
  }

  uiState(): LotteryUiState {
    return {
      ...toUiState(this.memory.signIn, this.deps.pinEntry.state().digits, this.deps.cache.offlineKey() !== null),
      receiptPrinterReady: this.receipts.ready(),
      ...(this.deps.hubPublicUrl ? { hubPublicUrl: this.deps.hubPublicUrl } : {}),
    };
  }

  onState(listener: (state: LotteryUiState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After every (re)connection to the hub: the offline-entry key, facilities and rounds (lottery-browsing.ts). */
  refreshAfterConnect(): Promise<void> {
    return this.browsing.refreshAfterConnect();
  }

  refreshOfflineKey(): Promise<void> {
    return this.browsing.refreshOfflineKey();
  }

  // ---- the screen's requests ------------------------------------------------------------------------

  pinPress(request: LotteryPinPress): LotteryUiAck<'lottery.pin.press'> {
    if (!PIN_STAGES.has(this.memory.signIn.stage)) return fail('conflict', 'no PIN is being asked for now');
    this.deps.pinEntry.press(toPadKey(request.key));
    return { ok: true };
  }

  signOut(): LotteryUiAck<'lottery.signOut'> {
    if (this.memory.signIn.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    this.dispatch({ type: 'sign-out' });
    return { ok: true };
  }

  facilities(): Promise<LotteryUiAck<'lottery.facilities'>> {
    return this.browsing.facilities();
  }

  rounds(): Promise<LotteryUiAck<'lottery.rounds'>> {
    return this.browsing.rounds();
  }

  availability(request: LotteryUiPayload<'lottery.availability'>): Promise<LotteryUiAck<'lottery.availability'>> {
    return this.browsing.availability(request);
  }

  submitEntry(request: LotteryUiPayload<'lottery.entry.submit'>): Promise<LotteryUiAck<'lottery.entry.submit'>> {
    return this.work.submitEntry(request);
  }

  entries(): Promise<LotteryUiAck<'lottery.entries'>> {
    return this.work.entries();
  }

  entryAction(
    event: 'lottery.entry.cancel' | 'lottery.entry.confirm' | 'lottery.entry.decline',
    request: LotteryUiPayload<'lottery.entry.cancel'>,
  ): Promise<LotteryUiAck<'lottery.entry.cancel'>> {
    return this.work.entryAction(event, request);
  }

  book(request: LotteryUiPayload<'lottery.booking.create'>): Promise<LotteryUiAck<'lottery.booking.create'>> {
    return this.work.book(request);
  }

  bookings(): Promise<LotteryUiAck<'lottery.bookings'>> {
    return this.work.bookings();
  }

  quoteCancel(request: LotteryUiPayload<'lottery.booking.quote-cancel'>): Promise<LotteryUiAck<'lottery.booking.quote-cancel'>> {
    return this.work.quoteCancel(request);
  }

  cancelBooking(request: LotteryUiPayload<'lottery.booking.cancel'>): Promise<LotteryUiAck<'lottery.booking.cancel'>> {
    return this.work.cancelBooking(request);
  }

  // ---- the machine ----------------------------------------------------------------------------------

  private dispatch(event: SignInEvent): void {
    const { state, effects } = reduceSignIn(this.memory.signIn, event);
    this.memory.signIn = state;
    this.memory.settle();
    for (const effect of effects) this.effects.run(effect);
    this.emit();
  }

  /** With whether a My Number card already lies on the reader: its placing happened before and was not seen. */
  private sessionChanged(lottery: boolean): SignInEvent {
    const reader = this.deps.cardReader;
    if (!lottery || !reader) return { type: 'session-changed', lottery };
    const myNumberPresent = reader.selectedReader()?.cardPresent ?? false;
    return { type: 'session-changed', lottery, myNumberPresent, hubReachable: this.hubReachable() };
  }

  private hubReachable(): boolean {
    return this.deps.hub.isConnected?.() ?? true;
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
