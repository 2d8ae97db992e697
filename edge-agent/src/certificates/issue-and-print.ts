import { PrintJobFailedError, type DocumentPrinter, type ReceiptPrinter } from '@kiosk/devices';
import type { CertificateQuoteView } from '@kiosk/protocols';
import type { ChaosHooks } from '../chaos';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { CertificateMoney } from './certificate-money';
import type { FlowEvent } from './flow-machine';
import { CertificateHubUnreachableError, type CertificateHub } from './hub-certificates';
import { certificateReceipt } from './receipt';
import type { CertificateTransactions } from './transaction-store';

/** The pause between two attempts of an issue whose answer was lost. */
const ISSUE_RETRY_PAUSE_MS = 300;

export interface IssueAndPrintDeps {
  kioskId: string;
  hub: Pick<CertificateHub, 'issue'>;
  transactions: CertificateTransactions;
  money: Pick<CertificateMoney, 'complete'>;
  documentPrinter: DocumentPrinter | null;
  receiptPrinter: ReceiptPrinter | null;
  /** Test-only: the chaos hooks once the hub issued, before printing, and at each money step outside the ledger. */
  chaos: Pick<ChaosHooks, 'certificateIssued' | 'moneyStep'>;
  clock: Clock;
  wait: (ms: number) => Promise<void>;
  issueRetryMs: number;
  printTimeoutMs: number;
  stopped: () => boolean;
  /** The municipality the hub serves at this kiosk, for the receipt. */
  municipality: () => string;
  logger: Logger;
}

/**
 * The certificate flow's output effects: issue at the hub, print the A4 certificate, print the receipt.
 * It holds the one person's certificate (PDF and serial) between issue and print and the CUPS jobs to
 * purge, until `wipe`. Every step is committed to the ledger (ledger-rules.ts) before the screen is told.
 */
export class IssueAndPrint {
  private pdf: Buffer | null = null;
  private serial: string | null = null;
  private printJobIds: number[] = [];

  constructor(private readonly deps: IssueAndPrintDeps) {}

  /** Zeroes and drops the certificate; returns the print jobs to purge. */
  wipe(): number[] {
    this.pdf?.fill(0);
    this.pdf = null;
    this.serial = null;
    return this.printJobIds.splice(0);
  }

  /**
   * `certificates.issue` keyed on the transaction id: an answer lost on the way is asked for again with the
   * same id (the hub returns the same issuance) until `issueRetryMs` on the injected clock has passed.
   */
  async issue(transactionId: string, cardSessionId: string, quote: CertificateQuoteView): Promise<FlowEvent> {
    // The ledger row was opened when the payment step began: the hub judges the service hours at that instant.
    const paymentOpenedAt = this.deps.transactions.get(transactionId)?.createdAt;
    const request = { transactionId, cardSessionId, order: quote.order, paidFeeYen: quote.feeYen, ...(paymentOpenedAt ? { paymentOpenedAt } : {}) };
    const deadline = this.deps.clock.now().getTime() + this.deps.issueRetryMs;
    for (;;) {
      try {
        const result = await this.deps.hub.issue(request);
        if (!result.ok) {
          this.deps.logger.warn({ transactionId, code: result.error.code }, 'hub refused the issue');
          return { type: 'issue-failed' };
        }
        this.deps.chaos.moneyStep('hub-issued-unrecorded');
        this.pdf = Buffer.from(result.pdf, 'base64');
        this.serial = result.issuance.serial;
        this.deps.transactions.apply(transactionId, { type: 'issue', serial: result.issuance.serial });
        this.deps.logger.info({ transactionId, serial: result.issuance.serial, replayed: result.replayed }, 'certificate issued');
        this.deps.chaos.certificateIssued();
        return { type: 'issued' };
      } catch (error) {
        // Whether the hub committed is unknown: ask again with the same transaction id (its idempotency key).
        if (!(error instanceof CertificateHubUnreachableError) || this.deps.clock.now().getTime() >= deadline || this.deps.stopped()) {
          this.deps.logger.warn({ err: error, transactionId }, 'issue gave up');
          return { type: 'issue-failed' };
        }
        this.deps.logger.info({ transactionId }, 'issue answer lost; retrying with the same transaction id');
        await this.deps.wait(ISSUE_RETRY_PAUSE_MS);
      }
    }
  }

  /** The A4 certificate through CUPS; `print-failed` (→ refund) when the printer is not ready or the job fails. */
  async printCertificate(transactionId: string): Promise<FlowEvent> {
    const printer = this.deps.documentPrinter;
    const pdf = this.pdf;
    if (!printer || !pdf) return { type: 'print-failed' };
    const health = printer.health();
    if (health.status !== 'ok' && health.status !== 'warning') {
      this.deps.logger.warn({ transactionId, status: health.status, reasons: health.reasons }, 'document printer not ready: refunding');
      return { type: 'print-failed' };
    }
    try {
      const job = await printer.printPdf(pdf, { jobName: transactionId, timeoutMs: this.deps.printTimeoutMs });
      this.printJobIds.push(job.jobId);
      this.deps.chaos.moneyStep('certificate-printed-unrecorded');
      this.deps.transactions.apply(transactionId, { type: 'print' });
      return { type: 'certificate-printed' };
    } catch (error) {
      if (error instanceof PrintJobFailedError && error.jobId !== undefined) this.printJobIds.push(error.jobId);
      this.deps.logger.warn({ err: error, transactionId }, 'certificate print failed: refunding');
      return { type: 'print-failed' };
    }
  }

  /** The receipt (also the voucher for unpaid change), then the money settled and the transaction completed. */
  async printReceipt(transactionId: string, quote: CertificateQuoteView, changeYen: number, unpaidChangeYen: number): Promise<FlowEvent> {
    const ledger = this.deps.transactions.get(transactionId);
    let printed = false;
    try {
      if (!this.deps.receiptPrinter) throw new Error('no receipt printer');
      await this.deps.receiptPrinter.print(
        certificateReceipt({
          municipality: this.deps.municipality(),
          certificateNameJa: quote.nameJa,
          copies: quote.copies,
          unitFeeYen: quote.unitFeeYen,
          feeYen: quote.feeYen,
          paidYen: ledger?.creditedYen ?? quote.feeYen + changeYen,
          changeYen,
          unpaidChangeYen,
          serial: this.serial ?? '',
          kioskId: this.deps.kioskId,
          transactionId,
          at: this.deps.clock.now(),
        }),
      );
      printed = true;
      this.deps.chaos.moneyStep('receipt-printed');
    } catch (error) {
      this.deps.logger.warn({ err: error, transactionId }, 'receipt could not be printed');
    }
    // The printed receipt is the voucher for change the hopper could not pay; late coins and change no
    // receipt covers are settled by the money effects. Committed before the screen says it.
    const settled = await this.deps.money.complete(transactionId, printed ? unpaidChangeYen : 0);
    return { type: 'receipt-done', printed, changePaidYen: settled.paidOutYen, changeUnpaidYen: settled.voucherYen, voucherPrinted: settled.voucherPrinted };
  }
}
