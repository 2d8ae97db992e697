import {
  type CertificateOrder,
  type CertificateQuoteView,
  type CertificateRefundReason,
  type CertificatesQuoteAck,
  EligibilityReasonSchema,
} from '@kiosk/protocols';
import { CardAndHubAuth, hubFailure, refusal } from './card-and-hub-auth';
import type { CertificateFlowDeps, CertificateFlowOptions } from './certificate-flow-deps';
import { CertificateMoney } from './certificate-money';
import type { FlowEffect, FlowEvent, FlowState } from './flow-machine';
import { IssueAndPrint } from './issue-and-print';
import { preflight } from './preflight';
import { paymentMayStart } from './service-hours-rule';

/** The effects the runner hands over (the rest change the runner's own state: the PIN, the payment's start, the wipe). */
export type HandedOverEffect = Exclude<FlowEffect, { kind: 'reset-pin' | 'open-payment' | 'wipe' }>;

export interface FlowEffectsDeps extends CertificateFlowDeps {
  options: CertificateFlowOptions;
  wait: (ms: number) => Promise<void>;
  /** The flow's transaction (its kiosk session's id), or null. */
  transactionId: () => string | null;
  /** The flow's state now (the quote reads the resident's menu from it). */
  flowState: () => FlowState;
  /** Settles once the recovery run at start is over (no preflight before it). */
  recovered: () => Promise<void>;
  /** Answers the screen's pending `certificates.quote`. */
  answerQuote: (ack: CertificatesQuoteAck) => void;
  stopped: () => boolean;
}

/**
 * The certificate machine's effects carried out, each ending in the event the runner feeds back: the
 * preflight, the quote, the payment step's start, and the handing over to the card and hub authentication
 * (card-and-hub-auth.ts), the money (certificate-money.ts, through the cash desk) and the issue and print
 * (issue-and-print.ts). It holds what the hub said at the preflight and the person's order until `wipe`.
 */
export class FlowEffects {
  readonly money: CertificateMoney;
  private readonly output: IssueAndPrint;
  private readonly auth: CardAndHubAuth;
  /** The municipality the hub serves at this kiosk (from the preflight), for the receipt. */
  private kioskMunicipality: string | null = null;
  /** Today's closing time as the hub told it at the preflight: no payment step starts at or after it. */
  private closesAt: string | null = null;
  /** The resident's order (card data: `auth`; the certificate itself: `output`); dropped on wipe. */
  private order: CertificateOrder | null = null;

  constructor(private readonly deps: FlowEffectsDeps) {
    this.money = new CertificateMoney({
      kioskId: deps.kioskId,
      desk: deps.cashDesk,
      transactions: deps.transactions,
      hub: deps.hub,
      coinDispenser: deps.drivers.coinDispenser,
      receiptPrinter: deps.drivers.receiptPrinter,
      clock: deps.clock,
      wait: deps.wait,
      hopperWaitMs: deps.options.hopperWaitMs,
      stopped: deps.stopped,
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
      wait: deps.wait,
      issueRetryMs: deps.options.issueRetryMs,
      printTimeoutMs: deps.options.printTimeoutMs,
      stopped: deps.stopped,
      municipality: () => this.kioskMunicipality ?? '',
      logger: deps.logger,
    });
  }

  /** Carries out `effect` and feeds the event it ends in (the quote feeds its own, and answers the screen). */
  async perform(effect: HandedOverEffect, feed: (event: FlowEvent) => void): Promise<void> {
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
        return feed(await this.withTransaction((id) => this.returnCoins(id, effect.amountYen), { type: 'coins-returned', returnedYen: 0, unreturnedYen: effect.amountYen }));
      case 'pay-change':
        return feed(await this.withTransaction((id) => this.payChange(id, effect.amountYen), { type: 'change-paid', unpaidYen: effect.amountYen }));
      case 'issue':
        return feed(await this.issue(effect.quote));
      case 'print-certificate':
        return feed(await this.withTransaction((id) => this.output.printCertificate(id), { type: 'print-failed' }));
      case 'print-receipt': {
        const { quote, changeYen, unpaidChangeYen } = effect;
        const nothing: FlowEvent = { type: 'receipt-done', printed: false, changePaidYen: changeYen - unpaidChangeYen, changeUnpaidYen: unpaidChangeYen, voucherPrinted: false };
        return feed(await this.withTransaction((id) => this.output.printReceipt(id, quote, changeYen, unpaidChangeYen), nothing));
      }
      case 'refund':
        return feed(await this.withTransaction((id) => this.refund(id, effect.reason), { type: 'refund-done', hopperYen: 0, voucherYen: 0 }));
    }
  }

  /** Whether the payment step may start now (service-hours-rule.ts, with the closing time the preflight heard). */
  paymentMayStart(): boolean {
    return paymentMayStart(this.deps.clock.now(), this.closesAt);
  }

  /** Records the transaction in the ledger as the payment step begins (its money is counted from now on). */
  openPayment(quote: CertificateQuoteView): void {
    const transactionId = this.deps.transactionId();
    if (!transactionId) return;
    this.deps.transactions.open({ transactionId, certificateType: quote.certificateType, copies: quote.copies, feeYen: quote.feeYen });
    this.deps.logger.info({ transactionId, certificateType: quote.certificateType, copies: quote.copies, feeYen: quote.feeYen }, 'certificate payment opened');
  }

  /** Closing time came before the payment step: nothing is opened; the screen says when it reopens (the hub says, if it can). */
  async paymentClosed(): Promise<FlowEvent> {
    this.deps.logger.info({ transactionId: this.deps.transactionId(), closesAt: this.closesAt }, 'payment refused: the service closed');
    const hub = await this.auth.availability();
    if (hub.kind === 'answered' && !hub.availability.open) return { type: 'payment-closed', reason: hub.availability.reason, reopensAt: hub.availability.reopensAt };
    return { type: 'payment-closed', reason: 'after-hours', reopensAt: null };
  }

  /** Waits until the acceptor takes coins (the policy opened it): only then may `pay` ask for coins. */
  async acceptorOpened(): Promise<FlowEvent> {
    const transactionId = this.deps.transactionId();
    const opened = await this.deps.cashPolicy.acceptorSettled();
    const health = this.deps.drivers.coinAcceptor?.health().status;
    if (opened && (health === 'ok' || health === 'warning')) return { type: 'payment-opened' };
    this.deps.logger.warn({ transactionId, opened, health }, 'coin acceptor could not be opened for the payment');
    if (transactionId) this.money.cancelIfNothingTaken(transactionId);
    return { type: 'payment-unavailable' };
  }

  cardPresent(): boolean {
    return this.deps.drivers.cardReader?.selectedReader()?.cardPresent ?? false;
  }

  /** Zeroes and drops the person's card data, order and certificate; returns the print jobs to purge. */
  wipe(): number[] {
    this.auth.wipe();
    this.order = null;
    return this.output.wipe();
  }

  private async preflight(): Promise<FlowEvent> {
    await this.deps.recovered();
    const hub = await this.auth.availability();
    const outcome = preflight({ hub, outOfService: this.deps.state.isOutOfService(), devices: this.deps.deviceHealth() });
    if (!outcome.ok) return { type: 'preflight-failed', problems: outcome.problems };
    this.kioskMunicipality = outcome.municipality;
    this.closesAt = hub.kind === 'answered' && hub.availability.open ? hub.availability.closesAt : null;
    return { type: 'preflight-passed', municipality: outcome.municipality, cardPresent: this.cardPresent() };
  }

  private async requestQuote(order: CertificateOrder, feed: (event: FlowEvent) => void): Promise<void> {
    const answer = this.deps.answerQuote;
    const state = this.deps.flowState();
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

  /** Runs `effect` on the flow's transaction; `none` when there is none (the session's id is the transaction's). */
  private withTransaction(effect: (transactionId: string) => Promise<FlowEvent>, none: FlowEvent): Promise<FlowEvent> {
    const transactionId = this.deps.transactionId();
    return transactionId ? effect(transactionId) : Promise.resolve(none);
  }

  private async returnCoins(transactionId: string, amountYen: number): Promise<FlowEvent> {
    const { paidYen, unpaidYen } = await this.money.returnCoins(transactionId, amountYen);
    return { type: 'coins-returned', returnedYen: paidYen, unreturnedYen: unpaidYen };
  }

  private async payChange(transactionId: string, changeYen: number): Promise<FlowEvent> {
    const { unpaidYen } = await this.money.payChange(transactionId, changeYen);
    // Still owed (the ledger says so to a restart): on the receipt and the last screen, or paid back with a refund.
    return { type: 'change-paid', unpaidYen };
  }

  private issue(quote: CertificateQuoteView): Promise<FlowEvent> {
    const transactionId = this.deps.transactionId();
    const cardSessionId = this.auth.cardSessionId();
    if (!transactionId || !cardSessionId) return Promise.resolve({ type: 'issue-failed' });
    return this.output.issue(transactionId, cardSessionId, quote);
  }

  private async refund(transactionId: string, reason: CertificateRefundReason): Promise<FlowEvent> {
    const { hopperYen, voucherYen } = await this.money.refund(transactionId, reason);
    return { type: 'refund-done', hopperYen, voucherYen };
  }
}
