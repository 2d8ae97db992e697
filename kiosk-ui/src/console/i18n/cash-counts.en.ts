import type { cashCountsJa } from './cash-counts.ja';

/** Cash reconciliation's hoppers and vouchers in English: exactly the Japanese keys. */
export const cashCountsEn = {
  'console.command.cash.hoppers': 'Hoppers counted (optional, coins)',
  'console.command.cash.hopperCoin': 'Coin',
  'console.command.cash.hopperFound': 'Found',
  'console.command.cash.hopperLeft': 'Left after refilling',
  'console.cash.flag.hoppers-short': 'hoppers short',
  'console.cash.flag.hoppers-over': 'hoppers over',
  'console.cash.hopperExpected': 'Hoppers (ledger)',
  'console.cash.hopperCounted': 'Hoppers counted',
  'console.cash.hopperDifference': 'Hoppers difference',
  'console.cash.redeemed': 'redeemed',
  'console.cash.redeem.heading': 'Record a refund voucher paid',
  'console.cash.redeem.intro':
    'When the office pays a refund voucher, record it here: the kiosk and transaction printed on the voucher, and its amount. A voucher can be recorded once (the audit log keeps who did it).',
  'console.cash.redeem.kiosk': 'Kiosk',
  'console.cash.redeem.transaction': 'Transaction',
  'console.cash.redeem.amount': 'Amount (yen)',
  'console.cash.redeem.note': 'Office reference (optional)',
  'console.cash.redeem.submit': 'Record as paid',
  'console.cash.redeem.done': 'Recorded the ¥{yen} voucher of kiosk {kiosk} as paid.',
  'console.cash.redeem.failed': 'Not recorded: {reason}',
  'console.cash.redeem.invalid': 'Enter the kiosk, the transaction (as printed on the voucher) and the amount in whole yen.',
  'console.auditAction.cash-voucher.redeemed': 'Voucher paid at the office',
} as const satisfies Record<keyof typeof cashCountsJa, string>;
