import {
  type CertificateOrder,
  type CertificateQuoteView,
  type CertificateRefundReason,
  type CertificatesQuoteAck,
  type CertificateViewState,
  type CoinYen,
  type DeviceHealth,
  EligibilityReasonSchema,
} from '@kiosk/protocols';
import {
  type CardReaderDriver,
  type CoinAcceptor,
  type CoinDispenser,
  type DocumentPrinter,
  type ReceiptPrinter,
} from '@kiosk/devices';
import type { CashDesk } from '../cash/cash-desk';
import { sleep, type Clock } from '../clock';
import type { PinEntry } from '../input/pin-entry';
import type { Logger } from '../logger';
import type { KioskSessions, CurrentSession } from '../server/kiosk-sessions';
import type { AgentState } from '../status/agent-state';
import type { Outbox } from '../store/outbox';
import type { CertificateCashPolicy } from './cash-policy';
import { CertificateMoney } from './certificate-money';
import { transition, type FlowEffect, type FlowEvent, type FlowState } from './flow-machine';
import { paymentOffer, viewOf } from './flow-view';
import type { CertificateHub } from './hub-certificates';
import { preflight } from './preflight';
import { paymentMayStart } from './service-hours-rule';
import type { PrintJobHistory } from './print-job-history';
import { CardAndHubAuth, hubFailure, refusal } from './card-and-hub-auth';
import { IssueAndPrint } from './issue-and-print';
import type { CertificateCredit, CertificateTransactions } from './transaction-store';

/** Test-only fault injection points (chaos.ts: KIOSK_CHAOS=agent-crash-after-payment / agent-crash-before-print). */
export interface CertificateChaos {
  /** The fee is recorded as paid; nothing was issued yet. */
  certificatePaid(): void;
  /** The hub issued; nothing was printed yet. */
  certificateIssued(): void;
}

export interface CertificateDrivers {
  cardReader: CardReaderDriver | null;
  coinAcceptor: CoinAcceptor | null;
  coinDispenser: CoinDispenser | null;
  documentPrinter: DocumentPrinter | null;
  receiptPrinter: ReceiptPrinter | null;
}

export interface CertificateFlowOptions {
  /** How long an issue whose answer was lost is retried (same transaction id) before the fee is refunded. */
  issueRetryMs: number;
  /** How long one A4 print may take before it counts as failed. */
  printTimeoutMs: number;
  /** How long a restarted agent waits for the hopper before settling what it owes. */
  hopperWaitMs: number;
}

export const DEFAULT_FLOW_OPTIONS: CertificateFlowOptions = { issueRetryMs: 60_000, printTimeoutMs: 300_000, hopperWaitMs: 15_000 };

export interface CertificateFlowDeps {
  kioskId: string;
  sessions: KioskSessions;
  state: AgentState;
  deviceHealth: () => DeviceHealth[];
  drivers: CertificateDrivers;
  pinEntry: PinEntry;
  hub: CertificateHub;
  transactions: CertificateTransactions;
  /** The one owner of money: coins come from it, change and refunds go through it. */
  cashDesk: CashDesk<CertificateCredit>;
  outbox: Outbox;
  cashPolicy: CertificateCashPolicy;
  printJobs: PrintJobHistory | null;
  chaos: CertificateChaos;
  clock: Clock;
  /** Waits `ms` (injected with the clock; the real one by default). */
  wait?: (ms: number) => Promise<void>;
  logger: Logger;
  options?: Partial<CertificateFlowOptions>;
}

export type CommandAck = { ok: true } | { ok: false; error: { code: 'conflict' | 'not_found' | 'out_of_service' | 'internal'; message: string } };

type SessionEndReason = 'done' | 'cancelled' | 'idle-timeout' | 'replaced' | 'agent-stopped';

/**
 * The certificate flow's runner: holds the state of the pure machine (flow-machine.ts), turns device,
 * hub and screen happenings into its events, and carries out its effects. Money is in the ledger
 * (transaction-store.ts) before the screen shows it; the transaction id is the kiosk session's id, which
 * is also the id every `cash.*` event of the session carries.
 */
export class CertificateFlow {
  private state: FlowState = { kind: 'idle' };
  private readonly options: CertificateFlowOptions;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly money: CertificateMoney;
  private readonly output: IssueAndPrint;
  private readonly auth: CardAndHubAuth;
  private readonly listeners = new Set<(view: CertificateViewState) => void>();
  private readonly detach: Array<() => void> = [];
  /** The kiosk session (= transaction) the flow runs in; null when idle. */
  private sessionId: string | null = null;
  /** The session ended while money was committed: finish as soon as an end screen is reached. */
  private sessionGone = false;
  private endReason: SessionEndReason = 'done';
  /** Bumped on every start and wipe: results of effects from an earlier flow are dropped. */
  private generation = 0;
  /** The resident's order (card data: `auth`; the certificate itself: `output`); dropped on wipe. */
  private order: CertificateOrder | null = null;
  /** The municipality the hub serves at this kiosk (from the preflight), for the receipt. */
  private kioskMunicipality: string | null = null;
  /** Today's closing time as the hub told it at the preflight: no payment step starts at or after it. */
  private closesAt: string | null = null;
  private quoteWaiter: ((ack: CertificatesQuoteAck) => void) | null = null;
  private recovering: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: CertificateFlowDeps) {
    this.options = { ...DEFAULT_FLOW_OPTIONS, ...deps.options };
    this.wait = deps.wait ?? ((ms) => sleep(ms));
    this.money = new CertificateMoney({
      kioskId: deps.kioskId,
      desk: deps.cashDesk,
      transactions: deps.transactions,
      hub: deps.hub,
      coinDispenser: deps.drivers.coinDispenser,
      receiptPrinter: deps.drivers.receiptPrinter,
      clock: deps.clock,
      wait: this.wait,
      hopperWaitMs: this.options.hopperWaitMs,
      stopped: () => this.stopped,
      logger: deps.logger,
    });
    this.auth = new CardAndHubAuth({ hub: deps.hub, cardReader: deps.drivers.cardReader, pinEntry: deps.pinEntry, logger: deps.logger });
    this.output = new IssueAndPrint({
      kioskId: deps.kioskId,
      hub: deps.hub,
      transactions: deps.transactions,
      money: this.money,
      documentPrinter: deps.drivers.documentPrinter,
      receiptPrinter: deps.drivers.receiptPrinter,
      chaos: deps.chaos,
      clock: deps.clock,
      wait: this.wait,
      issueRetryMs: this.options.issueRetryMs,
      printTimeoutMs: this.options.printTimeoutMs,
      stopped: () => this.stopped,
      municipality: () => this.kioskMunicipality ?? '',
      logger: deps.logger,
    });
  }

  /** Subscribes to devices, sessions and the hub link; settles what a previous run left unfinished. */
  start(): void {
    const { drivers, sessions, pinEntry, state } = this.deps;
    const reader = drivers.cardReader;
    if (reader) {
      const inserted = ({ selected }: { selected: boolean }) => selected && this.dispatch({ type: 'card-inserted' });
      const removed = ({ selected }: { selected: boolean }) => selected && this.dispatch({ type: 'card-removed' });
      reader.on('card-inserted', inserted);
      reader.on('card-removed', removed);
      this.detach.push(() => reader.off('card-inserted', inserted), () => reader.off('card-removed', removed));
    }
    this.detach.push(this.deps.cashDesk.onCredit((credit) => this.credited(credit.transactionId, credit.coinYen, credit.ledger)));
    if (drivers.coinDispenser) {
      this.detach.push(
        // Hoppers ran empty or were refilled: the coins taken and the pay screen's notice follow at once.
        drivers.coinDispenser.onPayableChange(() => {
          if (this.state.kind !== 'pay' && this.state.kind !== 'opening-payment') return;
          this.updateCashPolicy();
          this.publish();
        }),
      );
    }
    this.detach.push(
      pinEntry.onChange((entry) => {
        if (this.state.kind !== 'pin') return;
        if (entry.submitted) this.dispatch({ type: 'pin-entered', digits: entry.digits });
        else this.publish();
      }),
      // Deferred a turn: the screen's `session.end` names its reason in the same turn (noteSessionEnd).
      sessions.onChange((session) => setImmediate(() => this.sessionChanged(session))),
      state.onConnection((connection) => {
        if (connection.hubConnected) void this.track('report refunds', () => this.money.reportRefunds());
      }),
    );
    this.recovering = this.track('recover unfinished transactions', () => this.money.recover());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.detach.splice(0)) stop();
    await Promise.allSettled([...this.running]);
    this.dropPersonalData();
    this.deps.cashPolicy.set(null, false);
  }

  view(): CertificateViewState {
    return viewOf(this.state, this.deps.pinEntry.state().digits, this.payableCoins());
  }

  /** The coin values the hoppers can pay now (none without a dispenser). */
  private payableCoins(): readonly CoinYen[] {
    return this.deps.drivers.coinDispenser?.payableCoins() ?? [];
  }

  onView(listener: (view: CertificateViewState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The screen asked to end the session with this reason (the next session change is that end). */
  noteSessionEnd(reason: 'done' | 'cancelled' | 'idle-timeout'): void {
    this.endReason = reason;
  }

  // ---- commands from the screen -------------------------------------------------------------------

  startFlow(): CommandAck {
    const session = this.deps.sessions.current();
    if (!session || session.service !== 'certificates') return { ok: false, error: { code: 'not_found', message: 'no certificates session: begin one first' } };
    // A card an earlier visit left behind (that flow is wiped, only the card is awaited): the new person is told, not refused.
    const cardLeftBehind = this.state.kind === 'ending-remove-card' && session.sessionId !== this.sessionId;
    if (this.state.kind !== 'idle' && this.state.kind !== 'done' && !cardLeftBehind) {
      return { ok: false, error: { code: 'conflict', message: `a certificate flow is already on ${this.state.kind}` } };
    }
    this.generation += 1;
    this.sessionId = session.sessionId;
    this.sessionGone = false;
    this.endReason = 'done';
    if (!cardLeftBehind) this.state = { kind: 'idle' };
    return this.command({ type: 'start' });
  }

  pinKey(key: { type: 'digit'; digit: number } | { type: 'clear' } | { type: 'enter' }): CommandAck {
    const active = this.requireSession();
    if (active) return active;
    if (this.state.kind !== 'pin') return { ok: false, error: { code: 'conflict', message: `no PIN is asked for on ${this.state.kind}` } };
    this.deps.pinEntry.press(key);
    return { ok: true };
  }

  quote(order: CertificateOrder): Promise<CertificatesQuoteAck> {
    const active = this.requireSession();
    if (active && !active.ok) return Promise.resolve(active);
    if (this.quoteWaiter) return Promise.resolve({ ok: false, error: { code: 'conflict', message: 'a quote is already being made' } });
    const answered = new Promise<CertificatesQuoteAck>((resolve) => (this.quoteWaiter = resolve));
    if (!this.dispatch({ type: 'quote-requested', order })) {
      this.quoteWaiter = null;
      return Promise.resolve({ ok: false, error: { code: 'conflict', message: `no quote can be made on ${this.state.kind}` } });
    }
    return answered;
  }

  confirm(): CommandAck {
    return this.requireSession() ?? this.command({ type: 'confirm', cardPresent: this.cardPresent() });
  }

  back(): CommandAck {
    return this.requireSession() ?? this.command({ type: 'back' });
  }

  cancel(): CommandAck {
    this.endReason = 'cancelled';
    return this.requireSession() ?? this.command({ type: 'cancel', cardPresent: this.cardPresent() });
  }

  finish(): CommandAck {
    if (this.state.kind === 'cancelled') this.endReason = 'cancelled';
    return this.requireSession() ?? this.command({ type: 'finish', cardPresent: this.cardPresent() });
  }

  // ---- the machine ------------------------------------------------------------------------------------

  private requireSession(): CommandAck | null {
    const session = this.deps.sessions.current();
    if (!session || session.sessionId !== this.sessionId) return { ok: false, error: { code: 'not_found', message: 'no certificate flow in this session' } };
    return null;
  }

  private command(event: FlowEvent): CommandAck {
    return this.dispatch(event) ? { ok: true } : { ok: false, error: { code: 'conflict', message: `${event.type} is not possible on ${this.state.kind}` } };
  }

  /** Applies an event; runs the effects. False when the machine refused it (nothing changed). */
  private dispatch(event: FlowEvent): boolean {
    const next = transition(this.state, event);
    if (!next.ok) {
      this.deps.logger.debug({ event: event.type, screen: this.state.kind }, 'certificate flow event ignored');
      return false;
    }
    const before = this.state.kind;
    this.state = next.state;
    if (before !== next.state.kind) this.deps.logger.info({ from: before, to: next.state.kind, transactionId: this.sessionId }, 'certificate flow');
    this.updateCashPolicy();
    for (const effect of next.effects) this.run(effect);
    this.publish();
    // A person who left while money was committed is not there to press "finish".
    if (this.sessionGone && ['cancelled', 'take-certificate', 'refunded', 'error', 'unavailable', 'card-locked', 'card-refused'].includes(this.state.kind)) {
      setImmediate(() => this.dispatch({ type: 'finish', cardPresent: this.cardPresent() }));
    }
    // The card left behind was taken out after the session ended: the flow is over.
    if (this.sessionGone && this.state.kind === 'done') setImmediate(() => this.sessionChanged(this.deps.sessions.current()));
    return true;
  }

  private publish(): void {
    const view = this.view();
    for (const listener of [...this.listeners]) listener(view);
  }

  /**
   * Coins only in the payment step (opening it, then `pay`), and only those whose change the hoppers can
   * pay (change-rules.ts); money belongs to the transaction from payment on.
   */
  private updateCashPolicy(): void {
    const kind = this.state.kind;
    const transaction = this.sessionId !== null && this.deps.transactions.get(this.sessionId) ? this.sessionId : null;
    const offer = paymentOffer(this.state, this.payableCoins());
    if (kind === 'idle' || kind === 'done') this.deps.cashPolicy.set(null, false);
    else this.deps.cashPolicy.set(transaction, offer !== null, offer?.coins);
  }

  private run(effect: FlowEffect): void {
    const generation = this.generation;
    const feed = (event: FlowEvent): void => {
      if (generation === this.generation && !this.stopped) this.dispatch(event);
    };
    switch (effect.kind) {
      case 'reset-pin':
        this.deps.pinEntry.reset();
        return;
      case 'open-payment':
        if (!paymentMayStart(this.deps.clock.now(), this.closesAt)) {
          void this.track('refuse a payment after closing time', async () => feed(await this.paymentClosed()));
          return;
        }
        this.openPayment(effect.quote);
        void this.track('open the coin acceptor', async () => feed(await this.acceptorOpened()));
        return;
      case 'wipe':
        this.wipe();
        return;
      default:
        void this.track(effect.kind, () => this.runAsync(effect, feed));
    }
  }

  private async runAsync(effect: Exclude<FlowEffect, { kind: 'reset-pin' | 'open-payment' | 'wipe' }>, feed: (event: FlowEvent) => void): Promise<void> {
    // Effects start on a later turn: the transition that asked for them has been published first.
    await Promise.resolve();
    switch (effect.kind) {
      case 'run-preflight':
        return feed(await this.preflight());
      case 'read-card':
        return feed(await this.auth.readCard());
      case 'authenticate-card':
        return feed(await this.auth.authenticate());
      case 'request-quote':
        return this.requestQuote(effect.order, feed);
      case 'return-coins':
        return feed(await this.returnCoins(effect.amountYen));
      case 'pay-change':
        return feed(await this.payChange(effect.amountYen));
      case 'issue':
        return feed(await this.issue(effect.quote));
      case 'print-certificate':
        return feed(await this.printCertificate());
      case 'print-receipt':
        return feed(await this.printReceipt(effect.quote, effect.changeYen, effect.unpaidChangeYen));
      case 'refund':
        return feed(await this.refund(effect.reason));
    }
  }

  // ---- effects ----------------------------------------------------------------------------------------

  private async preflight(): Promise<FlowEvent> {
    await this.recovering;
    const hub = await this.auth.availability();
    const outcome = preflight({ hub, outOfService: this.deps.state.isOutOfService(), devices: this.deps.deviceHealth() });
    if (!outcome.ok) return { type: 'preflight-failed', problems: outcome.problems };
    this.kioskMunicipality = outcome.municipality;
    this.closesAt = hub.kind === 'answered' && hub.availability.open ? hub.availability.closesAt : null;
    return { type: 'preflight-passed', municipality: outcome.municipality, cardPresent: this.cardPresent() };
  }

  private cardPresent(): boolean {
    return this.deps.drivers.cardReader?.selectedReader()?.cardPresent ?? false;
  }

  private async requestQuote(order: CertificateOrder, feed: (event: FlowEvent) => void): Promise<void> {
    const answer = (ack: CertificatesQuoteAck): void => {
      const waiter = this.quoteWaiter;
      this.quoteWaiter = null;
      waiter?.(ack);
    };
    const state = this.state;
    const cardSessionId = this.auth.cardSessionId();
    if (state.kind !== 'choose' || !cardSessionId) {
      answer({ ok: false, error: { code: 'conflict', message: 'no card session to quote for' } });
      return;
    }
    let quote;
    try {
      quote = await this.deps.hub.quote({ cardSessionId, order });
    } catch (error) {
      answer({ ok: false, error: { code: 'internal', message: 'the hub cannot be reached' } });
      feed(hubFailure(error, this.deps.logger));
      return;
    }
    if (!quote.ok) {
      const eligibility = EligibilityReasonSchema.safeParse(quote.error.code);
      answer(quote);
      if (eligibility.success) feed({ type: 'quote-refused', certificateType: order.options.type, reason: eligibility.data });
      else feed(refusal(quote));
      return;
    }
    const item = state.resident.menu.find((entry) => entry.type === order.options.type);
    this.order = order;
    const view: CertificateQuoteView = {
      order,
      certificateType: order.options.type,
      nameJa: item?.nameJa ?? order.options.type,
      nameEn: item?.nameEn ?? order.options.type,
      unitFeeYen: quote.unitFeeYen,
      copies: quote.copies,
      feeYen: quote.feeYen,
    };
    feed({ type: 'quoted', quote: view });
    answer({ ok: true, unitFeeYen: quote.unitFeeYen, copies: quote.copies, feeYen: quote.feeYen });
  }

  private openPayment(quote: CertificateQuoteView): void {
    const transactionId = this.sessionId;
    if (!transactionId) return;
    this.deps.transactions.open({ transactionId, certificateType: quote.certificateType, copies: quote.copies, feeYen: quote.feeYen });
    this.deps.logger.info({ transactionId, certificateType: quote.certificateType, copies: quote.copies, feeYen: quote.feeYen }, 'certificate payment opened');
    this.updateCashPolicy();
  }

  /** Closing time came before the payment step: nothing is opened; the screen says when it reopens (the hub says, if it can). */
  private async paymentClosed(): Promise<FlowEvent> {
    this.deps.logger.info({ transactionId: this.sessionId, closesAt: this.closesAt }, 'payment refused: the service closed');
    const hub = await this.auth.availability();
    if (hub.kind === 'answered' && !hub.availability.open) return { type: 'payment-closed', reason: hub.availability.reason, reopensAt: hub.availability.reopensAt };
    return { type: 'payment-closed', reason: 'after-hours', reopensAt: null };
  }

  /** Waits until the acceptor takes coins (the policy opened it): only then may `pay` ask for coins. */
  private async acceptorOpened(): Promise<FlowEvent> {
    const transactionId = this.sessionId;
    const opened = await this.deps.cashPolicy.acceptorSettled();
    const health = this.deps.drivers.coinAcceptor?.health().status;
    if (opened && (health === 'ok' || health === 'warning')) return { type: 'payment-opened' };
    this.deps.logger.warn({ transactionId, opened, health }, 'coin acceptor could not be opened for the payment');
    if (transactionId) this.money.cancelIfNothingTaken(transactionId);
    return { type: 'payment-unavailable' };
  }

  /**
   * A coin the cash desk committed: its `cash.credit` event and, when the ledger holds the transaction, its
   * credit (and `paid`, when it was the coin that reached the fee during the payment step) in one commit.
   */
  private credited(transactionId: string, coinYen: number, ledger: CertificateCredit | null): void {
    if (!ledger) {
      if (this.state.kind !== 'idle' && this.state.kind !== 'done') this.deps.logger.warn({ coinYen, screen: this.state.kind }, 'coin credited outside the payment step');
      return;
    }
    if ((this.state.kind !== 'pay' && this.state.kind !== 'opening-payment') || transactionId !== this.sessionId) {
      // An open transaction settles it with the rest (change or refund: the ledger counts it); a closed one
      // pays it back now.
      this.deps.logger.warn({ transactionId, coinYen, screen: this.state.kind }, 'coin credited after payment');
      void this.track('pay back a coin after the close', () => this.money.coinAfterClose(ledger, coinYen));
      return;
    }
    const { transaction } = ledger;
    if (ledger.feeReached) {
      this.deps.logger.info({ transactionId, feeYen: transaction.feeYen, creditedYen: transaction.creditedYen }, 'certificate fee paid');
      this.deps.chaos.certificatePaid();
    }
    this.dispatch({ type: 'credit', insertedYen: transaction.creditedYen });
  }

  private async returnCoins(amountYen: number): Promise<FlowEvent> {
    const transactionId = this.sessionId;
    if (!transactionId) return { type: 'coins-returned', returnedYen: 0, unreturnedYen: amountYen };
    const { paidYen, unpaidYen } = await this.money.returnCoins(transactionId, amountYen);
    return { type: 'coins-returned', returnedYen: paidYen, unreturnedYen: unpaidYen };
  }

  private async payChange(changeYen: number): Promise<FlowEvent> {
    const transactionId = this.sessionId;
    if (!transactionId) return { type: 'change-paid', unpaidYen: changeYen };
    const { unpaidYen } = await this.money.payChange(transactionId, changeYen);
    // Still owed (the ledger says so to a restart): on the receipt and the last screen, or paid back with a refund.
    return { type: 'change-paid', unpaidYen };
  }

  private async issue(quote: CertificateQuoteView): Promise<FlowEvent> {
    const transactionId = this.sessionId;
    const cardSessionId = this.auth.cardSessionId();
    if (!transactionId || !cardSessionId) return { type: 'issue-failed' };
    return this.output.issue(transactionId, cardSessionId, quote);
  }

  private printCertificate(): Promise<FlowEvent> {
    return this.sessionId ? this.output.printCertificate(this.sessionId) : Promise.resolve({ type: 'print-failed' });
  }

  private printReceipt(quote: CertificateQuoteView, changeYen: number, unpaidChangeYen: number): Promise<FlowEvent> {
    if (!this.sessionId) return Promise.resolve({ type: 'receipt-done', printed: false, changePaidYen: changeYen - unpaidChangeYen, changeUnpaidYen: unpaidChangeYen, voucherPrinted: false });
    return this.output.printReceipt(this.sessionId, quote, changeYen, unpaidChangeYen);
  }

  private async refund(reason: CertificateRefundReason): Promise<FlowEvent> {
    const transactionId = this.sessionId;
    if (!transactionId) return { type: 'refund-done', hopperYen: 0, voucherYen: 0 };
    const { hopperYen, voucherYen } = await this.money.refund(transactionId, reason);
    return { type: 'refund-done', hopperYen, voucherYen };
  }

  // ---- the end of a session ---------------------------------------------------------------------------

  private sessionChanged(session: CurrentSession | null): void {
    if (this.stopped || this.sessionId === null) return;
    if (session?.sessionId === this.sessionId) return;
    if (session !== null) this.endReason = 'replaced';
    this.sessionGone = true;
    if (this.state.kind === 'done') {
      this.sessionId = null;
      this.state = { kind: 'idle' };
      this.updateCashPolicy();
      this.publish();
      return;
    }
    // Refused when money is committed: the flow then runs to its end screen and finishes itself there.
    this.dispatch({ type: 'session-ended', cardPresent: this.cardPresent() });
  }

  private wipe(): void {
    const sessionId = this.sessionId;
    const reason = this.endReason;
    const jobs = this.output.wipe();
    this.dropPersonalData();
    this.deps.pinEntry.reset();
    this.generation += 1;
    const answerQuote = this.quoteWaiter;
    this.quoteWaiter = null;
    answerQuote?.({ ok: false, error: { code: 'conflict', message: 'the flow ended' } });
    if (!this.deps.sessions.current() || this.deps.sessions.current()?.sessionId !== sessionId) {
      // The session is already over: nothing more will happen on this flow.
      setImmediate(() => this.sessionChanged(this.deps.sessions.current()));
    }
    if (!sessionId) return;
    // Cancelled on the payment step before any coin: the transaction ends with nothing owed.
    this.money.cancelIfNothingTaken(sessionId);
    void this.track('wipe', async () => {
      let purged = 0;
      for (const jobId of jobs) {
        try {
          if (this.deps.printJobs && (await this.deps.printJobs.purge(jobId))) purged += 1;
        } catch (error) {
          this.deps.logger.error({ err: error, jobId }, 'could not purge a print job');
        }
      }
      this.deps.outbox.enqueue({ type: 'session.wiped', payload: { sessionId, service: 'certificates', reason, printJobsPurged: purged } });
      this.deps.logger.info({ sessionId, reason, printJobsPurged: purged }, 'certificate session wiped');
    });
  }

  private dropPersonalData(): void {
    this.auth.wipe();
    this.order = null;
    this.output.wipe();
  }

  private track(what: string, task: () => Promise<void>): Promise<void> {
    const running = task().catch((error: unknown) => {
      this.deps.logger.error({ err: error, task: what }, 'certificate flow task failed');
    });
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
    return running;
  }
}

/** No fault injection (production, and tests that do not crash the agent). */
export const noCertificateChaos: CertificateChaos = { certificatePaid: () => undefined, certificateIssued: () => undefined };
