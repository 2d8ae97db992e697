import type { CertificateOrder, CertificatesQuoteAck, CertificateViewState, CoinYen } from '@kiosk/protocols';
import { sleep } from '../clock';
import type { CurrentSession } from '../server/kiosk-sessions';
import { DEFAULT_FLOW_OPTIONS, type CertificateFlowDeps, type CommandAck } from './certificate-flow-deps';
import { FlowEffects, type HandedOverEffect } from './flow-effects';
import { transition, type FlowEffect, type FlowEvent, type FlowState } from './flow-machine';
import { paymentOffer, viewOf } from './flow-view';
import { purgeAndRecordWipe, type SessionEndReason } from './session-wipe';
import type { CertificateCredit } from './transaction-store';

// agent.ts names the options from here.
export type { CertificateFlowOptions } from './certificate-flow-deps';

/**
 * The certificate flow's runner: holds the state of the pure machine (flow-machine.ts), turns device,
 * hub and screen happenings into its events, and carries out its effects. Money is in the ledger
 * (transaction-store.ts) before the screen shows it; the transaction id is the kiosk session's id, which
 * is also the id every `cash.*` event of the session carries.
 */
export class CertificateFlow {
  private state: FlowState = { kind: 'idle' };
  private readonly effects: FlowEffects;
  private readonly listeners = new Set<(view: CertificateViewState) => void>();
  private readonly detach: Array<() => void> = [];
  /** The kiosk session (= transaction) the flow runs in; null when idle. */
  private sessionId: string | null = null;
  /** The session ended while money was committed: finish as soon as an end screen is reached. */
  private sessionGone = false;
  private endReason: SessionEndReason = 'done';
  /** Bumped on every start and wipe: results of effects from an earlier flow are dropped. */
  private generation = 0;
  private quoteWaiter: ((ack: CertificatesQuoteAck) => void) | null = null;
  private recovering: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: CertificateFlowDeps) {
    this.effects = new FlowEffects({
      ...deps,
      options: { ...DEFAULT_FLOW_OPTIONS, ...deps.options },
      wait: deps.wait ?? ((ms) => sleep(ms)),
      transactionId: () => this.sessionId,
      flowState: () => this.state,
      recovered: () => this.recovering,
      answerQuote: (ack) => this.answerQuote(ack),
      stopped: () => this.stopped,
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
      // The screen's `session.end` comes with its reason (the wipe record names it).
      sessions.onChange((session, ended) => {
        if (ended) this.endReason = ended;
        this.sessionChanged(session);
      }),
      state.onConnection((connection) => {
        if (connection.hubConnected) void this.track('report refunds', () => this.effects.money.reportRefunds());
      }),
    );
    this.recovering = this.track('recover unfinished transactions', () => this.effects.money.recover());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.detach.splice(0)) stop();
    await Promise.allSettled([...this.running]);
    this.effects.wipe();
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
    return this.requireSession() ?? this.command({ type: 'confirm', cardPresent: this.effects.cardPresent() });
  }

  back(): CommandAck {
    return this.requireSession() ?? this.command({ type: 'back' });
  }

  cancel(): CommandAck {
    this.endReason = 'cancelled';
    return this.requireSession() ?? this.command({ type: 'cancel', cardPresent: this.effects.cardPresent() });
  }

  finish(): CommandAck {
    if (this.state.kind === 'cancelled') this.endReason = 'cancelled';
    return this.requireSession() ?? this.command({ type: 'finish', cardPresent: this.effects.cardPresent() });
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
      setImmediate(() => this.dispatch({ type: 'finish', cardPresent: this.effects.cardPresent() }));
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
        if (!this.effects.paymentMayStart()) {
          void this.track('refuse a payment after closing time', async () => feed(await this.effects.paymentClosed()));
          return;
        }
        this.effects.openPayment(effect.quote);
        this.updateCashPolicy();
        void this.track('open the coin acceptor', async () => feed(await this.effects.acceptorOpened()));
        return;
      case 'wipe':
        this.wipe();
        return;
      default:
        void this.track(effect.kind, () => this.runAsync(effect, feed));
    }
  }

  private async runAsync(effect: HandedOverEffect, feed: (event: FlowEvent) => void): Promise<void> {
    // Effects start on a later turn: the transition that asked for them has been published first.
    await Promise.resolve();
    await this.effects.perform(effect, feed);
  }

  private answerQuote(ack: CertificatesQuoteAck): void {
    const waiter = this.quoteWaiter;
    this.quoteWaiter = null;
    waiter?.(ack);
  }

  // ---- money ------------------------------------------------------------------------------------------

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
      void this.track('pay back a coin after the close', () => this.effects.money.coinAfterClose(ledger, coinYen));
      return;
    }
    const { transaction } = ledger;
    if (ledger.feeReached) {
      this.deps.logger.info({ transactionId, feeYen: transaction.feeYen, creditedYen: transaction.creditedYen }, 'certificate fee paid');
      this.deps.chaos.certificatePaid();
    }
    this.dispatch({ type: 'credit', insertedYen: transaction.creditedYen });
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
    this.dispatch({ type: 'session-ended', cardPresent: this.effects.cardPresent() });
  }

  private wipe(): void {
    const sessionId = this.sessionId;
    const reason = this.endReason;
    const printJobs = this.effects.wipe();
    this.deps.pinEntry.reset();
    this.generation += 1;
    this.answerQuote({ ok: false, error: { code: 'conflict', message: 'the flow ended' } });
    if (!this.deps.sessions.current() || this.deps.sessions.current()?.sessionId !== sessionId) {
      // The session is already over: nothing more will happen on this flow.
      setImmediate(() => this.sessionChanged(this.deps.sessions.current()));
    }
    if (!sessionId) return;
    // Cancelled on the payment step before any coin: the transaction ends with nothing owed.
    this.effects.money.cancelIfNothingTaken(sessionId);
    const { printJobs: history, outbox, logger } = this.deps;
    void this.track('wipe', () => purgeAndRecordWipe({ printJobs: history, outbox, logger }, { sessionId, reason, printJobs }));
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
