import { CashReconciliationReportSchema, FailureSchema, type CashPeriod, type CashReconciliationReport } from '@kiosk/protocols';
import type { Fetch } from './auth-client';

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

  private async get(path: string, from: string, to: string): Promise<Response> {
    const response = await this.fetch(`${path}?${new URLSearchParams({ from, to }).toString()}`, { method: 'GET', headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) {
      const failure = FailureSchema.safeParse(await response.json().catch(() => null));
      throw new CashReconciliationError(response.status, failure.success ? failure.data.error.message : `HTTP ${response.status}`);
    }
    return response;
  }
}

/** A period needs a look when money at the box is missing or over, or the kiosk's count disagrees. */
export function hasDiscrepancy(period: CashPeriod): boolean {
  return period.flags.some((flag) => flag === 'counted-short' || flag === 'counted-over' || flag === 'recorded-mismatch');
}
