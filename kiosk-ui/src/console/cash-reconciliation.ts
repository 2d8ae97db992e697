import {
  CashReconciliationReportSchema,
  FailureSchema,
  VoucherRedemptionRequestSchema,
  VoucherRedemptionSchema,
  type CashPeriod,
  type CashReconciliationReport,
  type VoucherRedemption,
  type VoucherRedemptionRequest,
} from '@kiosk/protocols';
import type { Fetch } from './auth-client';
import { wholeNumber } from './commands';

/**
 * The cash reconciliation's REST routes (central-hub README "REST", `/api/cash/reconciliation` and its
 * `.csv`). The report is parsed with its protocol schema; a refusal becomes a `CashReconciliationError`
 * with the HTTP status (403: the role may not, 404: not in scope).
 */
export class CashReconciliationError extends Error {
  override readonly name = 'CashReconciliationError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class CashReconciliationClient {
  constructor(
    private readonly fetch: Fetch,
    private readonly token: string,
  ) {}

  async report(from: string, to: string): Promise<CashReconciliationReport> {
    return CashReconciliationReportSchema.parse(await (await this.get('/api/cash/reconciliation', from, to)).json());
  }

  /** The CSV for the accounting office, as the hub made it (bytes untouched: its byte-order mark stays). */
  async csv(from: string, to: string): Promise<Blob> {
    return (await this.get('/api/cash/reconciliation.csv', from, to)).blob();
  }

  /** Records a voucher paid at the office (administrators; 409 when it already was). */
  async redeemVoucher(request: VoucherRedemptionRequest): Promise<VoucherRedemption> {
    const response = await this.fetch('/api/cash/vouchers/redemptions', {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (!response.ok) throw await refusal(response);
    return VoucherRedemptionSchema.parse(await response.json());
  }

  private async get(path: string, from: string, to: string): Promise<Response> {
    const response = await this.fetch(`${path}?${new URLSearchParams({ from, to }).toString()}`, { method: 'GET', headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw await refusal(response);
    return response;
  }
}

async function refusal(response: Response): Promise<CashReconciliationError> {
  const failure = FailureSchema.safeParse(await response.json().catch(() => null));
  return new CashReconciliationError(response.status, failure.success ? failure.data.error.message : `HTTP ${response.status}`);
}

/** What the voucher form holds, as typed (the kiosk and transaction as printed on the voucher). */
export interface VoucherForm {
  kioskId: string;
  transactionId: string;
  amount: string;
  note: string;
}

/** The redemption request from the form, or null when something typed cannot be one. */
export function voucherRedemptionDraft(form: VoucherForm): VoucherRedemptionRequest | null {
  const amountYen = wholeNumber(form.amount, 'yen');
  const note = form.note.trim();
  const parsed = VoucherRedemptionRequestSchema.safeParse({
    kioskId: form.kioskId.trim(),
    transactionId: form.transactionId.trim().toLowerCase(),
    amountYen,
    ...(note === '' ? {} : { note }),
  });
  return parsed.success ? parsed.data : null;
}

/** A period needs a look when money at the box or in the hoppers is missing or over, or the kiosk's count disagrees. */
export function hasDiscrepancy(period: CashPeriod): boolean {
  return period.flags.some((flag) => flag === 'counted-short' || flag === 'counted-over' || flag === 'recorded-mismatch' || flag === 'hoppers-short' || flag === 'hoppers-over');
}
