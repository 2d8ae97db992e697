import type { CashPeriod } from '@kiosk/protocols';

/** Column name and value of each period, in the order the accounting office reads them. Yen are integers. */
const COLUMNS: ReadonlyArray<readonly [string, (period: CashPeriod) => string | number | null]> = [
  ['kiosk_id', (p) => p.kioskId],
  ['municipality', (p) => p.municipality],
  ['site', (p) => p.site],
  ['status', (p) => p.status],
  ['period_started_at', (p) => p.startedAt],
  ['collected_at', (p) => p.collectedAt],
  ['coins', (p) => p.cashBox.coins],
  ['cash_box_expected_yen', (p) => p.cashBox.expectedYen],
  ['cash_box_recorded_yen', (p) => p.cashBox.recordedYen],
  ['cash_box_counted_yen', (p) => p.cashBox.countedYen],
  ['cash_box_difference_yen', (p) => p.cashBox.differenceYen],
  ['hopper_change_paid_yen', (p) => p.hoppers.changePaidYen],
  ['hopper_refunds_paid_yen', (p) => p.hoppers.refundsPaidYen],
  ['hopper_start_yen', (p) => p.hoppers.startYen],
  ['hopper_expected_yen', (p) => p.hoppers.expectedYen],
  ['hopper_counted_yen', (p) => p.hoppers.countedYen],
  ['hopper_difference_yen', (p) => p.hoppers.differenceYen],
  ['hopper_left_yen', (p) => p.hoppers.leftYen],
  ['hopper_counts', (p) => p.hoppers.counts.map((count) => `${count.coinYen}:${count.foundCoins}/${count.leftCoins}`).join(' ')],
  ['voucher_change_yen', (p) => p.vouchers.changeYen],
  ['voucher_refund_yen', (p) => p.vouchers.refundYen],
  ['voucher_redeemed_yen', (p) => p.vouchers.redeemedYen],
  ['voucher_outstanding_yen', (p) => p.vouchers.outstandingYen],
  ['fees_paid_yen', (p) => p.fees.paidYen],
  ['fees_refunded_yen', (p) => p.fees.refundedYen],
  ['fees_earned_yen', (p) => p.fees.earnedYen],
  ['issuances', (p) => p.fees.issuances],
  ['unsettled_yen', (p) => p.unsettledYen],
  ['flags', (p) => p.flags.join(' ')],
];

/**
 * One field: numbers as they are; text quoted when it holds a comma, a quote or a line break, and a
 * leading = + - @ (a formula to a spreadsheet) made inert with an apostrophe.
 */
function field(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The reconciliation as CSV for the accounting office: a header row, one row per period, CRLF line ends,
 * UTF-8 with a byte-order mark so that a spreadsheet opens 豊中市 as Japanese, not mojibake.
 */
export function cashReconciliationCsv(periods: readonly CashPeriod[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(','), ...periods.map((period) => COLUMNS.map(([, value]) => field(value(period))).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
