import type { CertificateRefundReason } from '@kiosk/protocols';
import type { CoinDispenser, ReceiptPrinter } from '@kiosk/devices';
import type { CashDesk, PayoutOutcome } from '../cash/cash-desk';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { CertificateHub } from './hub-certificates';
import { FINAL_STATES } from './ledger-rules';
import { refundVoucher, type VoucherReason } from './receipt';
import { owedYen, recoveryPlan } from './recovery-plan';
import type { CertificateCredit, CertificateTransaction, CertificateTransactions } from './transaction-store';

export interface CertificateMoneyDeps {
  kioskId: string;
  desk: CashDesk<CertificateCredit>;
  transactions: CertificateTransactions;
  hub: Pick<CertificateHub, 'refund'>;
  coinDispenser: CoinDispenser | null;
  receiptPrinter: ReceiptPrinter | null;
  clock: Clock;
  /** Waits `ms` (injected: tests stand the clock still and wait for nothing). */
  wait: (ms: number) => Promise<void>;
  /** How long a restarted agent waits for the hopper before settling what it owes. */
  hopperWaitMs: number;
  stopped: () => boolean;
  logger: Logger;
}

/**
 * The certificate flow's money effects, all through the cash desk and the ledger's rule: coins back on a
 * cancel, change, refunds with their voucher and their record at the hub, and the settling of what a
 * crash left unfinished (recovery-plan.ts). Every amount is committed before the screen is told.
 */
export class CertificateMoney {
  constructor(private readonly deps: CertificateMoneyDeps) {}

  /** Nothing was taken: the transaction ends here (a coin that slipped in goes back through `returnCoins`). */
  cancelIfNothingTaken(transactionId: string): void {
    const ledger = this.deps.transactions.get(transactionId);
    if (ledger?.state === 'paying' && ledger.creditedYen === 0) this.deps.transactions.apply(transactionId, { type: 'cancel' });
  }

  /** Payment cancelled before the fee was in: every coin back (hopper, then voucher), the transaction cancelled. */
  async returnCoins(transactionId: string, amountYen: number): Promise<PayoutOutcome> {
    const outcome = await this.deps.desk.payOut(transactionId, amountYen, 'refund');
    if (outcome.unpaidYen > 0) await this.printVoucher(transactionId, outcome.unpaidYen, 'cancelled');
    await this.closed(this.deps.transactions.apply(transactionId, { type: 'cancel' }));
    return outcome;
  }

  /**
   * A coin the cash desk committed to a transaction that is already closed (a coin on its way through the
   * acceptor when it was inhibited): nothing would settle it later, so it goes back at once (hopper, then a
   * voucher), recorded like any payout. Coins of a transaction still open are settled with the rest.
   */
  async coinAfterClose(credit: CertificateCredit, coinYen: number): Promise<void> {
    const { transaction } = credit;
    if (!FINAL_STATES.has(transaction.state)) return;
    this.deps.logger.warn({ transactionId: transaction.transactionId, coinYen, state: transaction.state }, 'coin credited after the transaction closed: paying it back');
    await this.payBack(transaction, coinYen);
  }

  /** Change by hopper; what it could not pay stays owed in the ledger (credited − fee − paid out). */
  async payChange(transactionId: string, changeYen: number): Promise<PayoutOutcome> {
    const outcome = await this.deps.desk.payOut(transactionId, changeYen, 'change');
    if (outcome.unpaidYen > 0) this.deps.logger.warn({ transactionId, changeYen, unpaidYen: outcome.unpaidYen }, 'the hopper could not pay all the change');
    return outcome;
  }

  /**
   * After the receipt: coins inserted after the fee was reached are change too, and so is change no
   * receipt covers; the hopper tries once more, what it still cannot pay gets a voucher of its own, and the
   * transaction is completed. `receiptVoucherYen`: unpaid change the printed receipt covers as a voucher.
   */
  async complete(transactionId: string, receiptVoucherYen: number): Promise<{ paidOutYen: number; voucherYen: number; voucherPrinted: boolean }> {
    if (receiptVoucherYen > 0) this.deps.desk.voucher(transactionId, receiptVoucherYen, 'change');
    let voucherPrinted = true;
    const late = this.deps.transactions.get(transactionId);
    if (late && owedYen(late) > 0) {
      const { unpaidYen } = await this.deps.desk.payOut(transactionId, owedYen(late), 'change');
      if (unpaidYen > 0) voucherPrinted = await this.printVoucher(transactionId, unpaidYen, 'change');
    }
    const settled = this.deps.transactions.apply(transactionId, { type: 'complete' });
    await this.closed(settled);
    return { paidOutYen: settled.paidOutYen, voucherYen: settled.voucherYen, voucherPrinted };
  }

  /** Pays back what is owed (hopper, then voucher), marks the transaction refunded, tells the hub. Idempotent. */
  async refund(transactionId: string, reason: CertificateRefundReason): Promise<{ hopperYen: number; voucherYen: number }> {
    const ledger = this.deps.transactions.apply(transactionId, { type: 'refund', reason });
    const { paidYen, unpaidYen } = await this.deps.desk.payOut(transactionId, owedYen(ledger), 'refund');
    if (unpaidYen > 0) await this.printVoucher(transactionId, unpaidYen, reason);
    await this.closed(this.deps.transactions.apply(transactionId, { type: 'refund-settled' }));
    this.deps.logger.info({ transactionId, reason, hopperYen: paidYen, voucherYen: unpaidYen }, 'certificate fee refunded');
    await this.reportRefund(transactionId).catch((error: unknown) => this.deps.logger.warn({ err: error, transactionId }, 'refund not reported yet; will retry'));
    return { hopperYen: paidYen, voucherYen: unpaidYen };
  }

  /** Every refund the hub has not acknowledged yet (on each reconnect). */
  async reportRefunds(): Promise<void> {
    for (const ledger of this.deps.transactions.unfinished()) {
      if (ledger.state === 'refunded' && !ledger.refundReported) await this.reportRefund(ledger.transactionId).catch(() => undefined);
    }
  }

  /** A restarted agent: every unfinished transaction is completed or refunded, once (recovery-plan.ts). */
  async recover(): Promise<void> {
    const unfinished = this.deps.transactions.unfinished();
    if (unfinished.length === 0) return;
    await this.waitForHopper();
    for (const ledger of unfinished) {
      const plan = recoveryPlan(ledger);
      const transactionId = ledger.transactionId;
      this.deps.logger.warn({ transactionId, state: ledger.state, plan: plan.kind }, 'settling an unfinished certificate transaction');
      switch (plan.kind) {
        case 'nothing':
          break;
        case 'return-coins':
          await this.returnCoins(transactionId, plan.payYen);
          break;
        case 'refund':
          await this.refund(transactionId, ledger.refundReason ?? 'recovered-after-restart');
          break;
        case 'complete':
          await this.complete(transactionId, 0);
          break;
        case 'report-refund':
          await this.reportRefund(transactionId).catch(() => undefined);
          break;
      }
    }
  }

  private async reportRefund(transactionId: string): Promise<void> {
    const ledger = this.deps.transactions.get(transactionId);
    if (!ledger || ledger.refundReported || ledger.refundReason === null) return;
    const answer = await this.deps.hub.refund({
      transactionId,
      amountYen: ledger.feeYen,
      reason: ledger.refundReason,
      method: ledger.voucherYen > 0 ? 'voucher' : 'hopper',
    });
    if (!answer.ok) {
      this.deps.logger.error({ transactionId, code: answer.error.code }, 'hub refused the refund record');
      return;
    }
    this.deps.transactions.refundReported(transactionId);
    this.deps.logger.info({ transactionId, duplicate: answer.duplicate, voidedSerial: answer.voidedSerial }, 'refund recorded at the hub');
  }

  /**
   * The transaction just closed: coins credited while it was being settled (after what was owed had been
   * counted) are owed still, and nothing else will pay them. Every later coin is `coinAfterClose`'s.
   */
  private async closed(transaction: CertificateTransaction): Promise<void> {
    const left = owedYen(transaction);
    if (left > 0) {
      this.deps.logger.warn({ transactionId: transaction.transactionId, owedYen: left, state: transaction.state }, 'coins credited while the transaction was settled: paying them back');
      await this.payBack(transaction, left);
    }
  }

  /** `amountYen` of a closed transaction back to the person: hopper, then a voucher for what it could not pay. */
  private async payBack(transaction: CertificateTransaction, amountYen: number): Promise<void> {
    const { unpaidYen } = await this.deps.desk.payOut(transaction.transactionId, amountYen, transaction.state === 'completed' ? 'change' : 'refund');
    if (unpaidYen > 0) await this.printVoucher(transaction.transactionId, unpaidYen, voucherReasonOf(transaction));
  }

  /** Records the voucher in the ledger (through the desk), then prints it; true when it printed. */
  private async printVoucher(transactionId: string, amountYen: number, reason: VoucherReason): Promise<boolean> {
    this.deps.desk.voucher(transactionId, amountYen, reason === 'change' ? 'change' : 'refund');
    try {
      if (!this.deps.receiptPrinter) throw new Error('no receipt printer');
      await this.deps.receiptPrinter.print(refundVoucher({ amountYen, reason, kioskId: this.deps.kioskId, transactionId, at: this.deps.clock.now() }));
      return true;
    } catch (error) {
      // The ledger holds the voucher amount; the hub's cash ledger shows the unpaid money for the technician.
      this.deps.logger.error({ err: error, transactionId, amountYen }, 'refund voucher could not be printed');
      return false;
    }
  }

  private async waitForHopper(): Promise<void> {
    const dispenser = this.deps.coinDispenser;
    const deadline = this.deps.clock.now().getTime() + this.deps.hopperWaitMs;
    while (dispenser && !this.deps.stopped() && this.deps.clock.now().getTime() < deadline) {
      const status = dispenser.health().status;
      if (status === 'ok' || status === 'warning') return;
      await this.deps.wait(200);
    }
  }
}

/** What a voucher for money of a closed transaction says it is for. */
function voucherReasonOf(transaction: CertificateTransaction): VoucherReason {
  if (transaction.state === 'completed') return 'change';
  return transaction.refundReason ?? 'cancelled';
}
