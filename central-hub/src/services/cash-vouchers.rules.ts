import type { IssuedVoucher } from '../repositories/cash-vouchers.repository';

/**
 * Which voucher a redemption at the office is for: the kiosk and transaction printed on it pick its
 * vouchers (usually one); the amount printed picks among them. An unredeemed one of that amount first.
 */
export type VoucherChoice =
  | { kind: 'found'; voucher: IssuedVoucher }
  /** No voucher of that kiosk and transaction. */
  | { kind: 'none' }
  /** Every voucher of that amount is redeemed already: the newest redemption. */
  | { kind: 'redeemed'; voucher: IssuedVoucher }
  /** Vouchers exist, none of that amount: the amounts they are of. */
  | { kind: 'amount-mismatch'; amountsYen: number[] };

export function chooseVoucher(vouchers: readonly IssuedVoucher[], amountYen: number): VoucherChoice {
  if (vouchers.length === 0) return { kind: 'none' };
  const ofAmount = vouchers.filter((voucher) => voucher.amountYen === amountYen);
  if (ofAmount.length === 0) return { kind: 'amount-mismatch', amountsYen: vouchers.map((voucher) => voucher.amountYen) };
  const open = ofAmount.find((voucher) => voucher.redemption === null);
  if (open) return { kind: 'found', voucher: open };
  const newest = [...ofAmount].sort((a, b) => (b.redemption?.redeemedAt ?? '').localeCompare(a.redemption?.redeemedAt ?? ''))[0];
  return newest ? { kind: 'redeemed', voucher: newest } : { kind: 'none' };
}
