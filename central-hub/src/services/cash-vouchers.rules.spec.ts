import type { IssuedVoucher } from '../repositories/cash-vouchers.repository';
import { chooseVoucher } from './cash-vouchers.rules';

const voucher = (eventId: string, amountYen: number, redeemedAt: string | null = null): IssuedVoucher => ({
  eventId,
  kioskId: 'kiosk-1',
  transactionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  amountYen,
  reason: 'change',
  issuedAt: '2026-12-05T01:00:00.000Z',
  redemption: redeemedAt === null ? null : { redeemedAt, redeemedBy: 'clerk', note: null },
});

describe('chooseVoucher', () => {
  it('finds the unredeemed voucher of the amount printed, refuses one already redeemed, and says which amounts exist', () => {
    expect(chooseVoucher([], 300)).toEqual({ kind: 'none' });
    expect(chooseVoucher([voucher('a', 300)], 300)).toEqual({ kind: 'found', voucher: voucher('a', 300) });
    expect(chooseVoucher([voucher('a', 300, '2026-12-06T00:00:00.000Z')], 300)).toEqual({ kind: 'redeemed', voucher: voucher('a', 300, '2026-12-06T00:00:00.000Z') });
    expect(chooseVoucher([voucher('a', 300), voucher('b', 100)], 200)).toEqual({ kind: 'amount-mismatch', amountsYen: [300, 100] });
    // Two vouchers of one transaction (the receipt and a separate one): each is redeemed once, by its amount.
    expect(chooseVoucher([voucher('a', 300, '2026-12-06T00:00:00.000Z'), voucher('b', 100)], 100)).toEqual({ kind: 'found', voucher: voucher('b', 100) });
    expect(chooseVoucher([voucher('a', 100, '2026-12-06T00:00:00.000Z'), voucher('b', 100)], 100)).toEqual({ kind: 'found', voucher: voucher('b', 100) });
  });
});
