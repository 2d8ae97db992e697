import type { Receipt } from '@kiosk/devices';
import type { CertificateRefundReason } from '@kiosk/protocols';

const yen = (amount: number): string => `¥${amount.toLocaleString('ja-JP')}`;

/** Receipt timestamps are Japan time, as the person reads them. */
function jstStamp(at: Date): string {
  const jst = new Date(at.getTime() + 9 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${jst.getUTCFullYear()}/${pad(jst.getUTCMonth() + 1)}/${pad(jst.getUTCDate())} ${pad(jst.getUTCHours())}:${pad(jst.getUTCMinutes())}`;
}

export interface ReceiptInput {
  municipality: string;
  certificateNameJa: string;
  copies: number;
  unitFeeYen: number;
  feeYen: number;
  paidYen: number;
  changeYen: number;
  /** Change the hopper could not pay: staff pay it against this receipt. */
  unpaidChangeYen: number;
  serial: string;
  kioskId: string;
  transactionId: string;
  at: Date;
}

/**
 * The thermal receipt for an issued certificate (pure). Amounts, the certificate's name and serial, kiosk
 * and transaction: nothing about the person.
 */
export function certificateReceipt(input: ReceiptInput): Receipt {
  return {
    lines: [
      { text: '領収書', align: 'center', bold: true, double: true },
      { text: `${input.municipality} 証明書コンビニ交付`, align: 'center' },
      { feed: 1 },
      { text: input.certificateNameJa },
      { text: `  ${yen(input.unitFeeYen)} × ${input.copies}通` },
      { text: `手数料     ${yen(input.feeYen)}`, bold: true },
      { text: `お預かり   ${yen(input.paidYen)}` },
      { text: `おつり     ${yen(input.changeYen)}` },
      ...(input.unpaidChangeYen > 0 ? [{ text: `未払いのおつり ${yen(input.unpaidChangeYen)}`, bold: true }, { text: 'この控えを窓口にお持ちください' }] : []),
      { feed: 1 },
      { text: `交付番号 ${input.serial}` },
      { text: `端末 ${input.kioskId}` },
      { text: `取引 ${input.transactionId}` },
      { text: jstStamp(input.at) },
    ],
  };
}

const REFUND_REASON_JA: Record<CertificateRefundReason, string> = {
  'print-failed': '印刷できませんでした',
  'issue-failed': '交付できませんでした',
  'recovered-after-restart': '端末の再起動により中断しました',
};

/** Why a voucher is printed: a refund, a cancelled payment, or change the hopper could not pay. */
export type VoucherReason = CertificateRefundReason | 'cancelled' | 'change';

const OTHER_VOUCHER_REASON_JA = { cancelled: '取消しのため', change: 'おつりをお返しできなかったため' } as const;

/** The refund voucher: printed when the hopper cannot pay back what is owed (pure). */
export function refundVoucher(input: { amountYen: number; reason: VoucherReason; kioskId: string; transactionId: string; at: Date }): Receipt {
  return {
    lines: [
      { text: '返金引換券', align: 'center', bold: true, double: true },
      { feed: 1 },
      { text: input.reason === 'cancelled' || input.reason === 'change' ? OTHER_VOUCHER_REASON_JA[input.reason] : REFUND_REASON_JA[input.reason] },
      { text: `返金額 ${yen(input.amountYen)}`, bold: true, double: true },
      { text: 'この券を窓口にお持ちください' },
      { feed: 1 },
      { text: `端末 ${input.kioskId}` },
      { text: `取引 ${input.transactionId}` },
      { text: jstStamp(input.at) },
    ],
  };
}
