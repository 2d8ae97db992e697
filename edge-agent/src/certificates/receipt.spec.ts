import { encodeReceipt } from '@kiosk/devices';
import { certificateReceipt, refundVoucher } from './receipt';

describe('receipts', () => {
  const input = {
    municipality: '豊中市',
    certificateNameJa: '住民票の写し',
    copies: 2,
    unitFeeYen: 200,
    feeYen: 400,
    paidYen: 500,
    changeYen: 100,
    unpaidChangeYen: 0,
    serial: '27203-2026-000001',
    kioskId: 'kiosk-001',
    transactionId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6b',
    at: new Date('2026-12-05T01:02:00Z'),
  };
  const texts = (receipt: ReturnType<typeof certificateReceipt>) => receipt.lines.flatMap((line) => ('text' in line ? [line.text] : []));

  it('states amounts, serial, kiosk and JST time, and encodes for the printer', () => {
    const receipt = certificateReceipt(input);
    expect(texts(receipt)).toEqual(expect.arrayContaining(['領収書', '手数料     ¥400', 'おつり     ¥100', '交付番号 27203-2026-000001', '2026/12/05 10:02']));
    expect(() => encodeReceipt(receipt)).not.toThrow();
  });

  it('says when change is owed, and a voucher says how much and why', () => {
    expect(texts(certificateReceipt({ ...input, unpaidChangeYen: 100 }))).toContain('未払いのおつり ¥100');
    const voucher = refundVoucher({ amountYen: 400, reason: 'print-failed', kioskId: 'kiosk-001', transactionId: input.transactionId, at: input.at });
    expect(texts(voucher)).toEqual(expect.arrayContaining(['返金引換券', '印刷できませんでした', '返金額 ¥400']));
    expect(() => encodeReceipt(voucher)).not.toThrow();
  });
});
