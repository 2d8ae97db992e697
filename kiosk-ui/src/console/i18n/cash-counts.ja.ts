/**
 * Cash reconciliation's hoppers and vouchers (issue 18), Japanese: the hoppers counted at a collection,
 * their columns and flags on 現金精査, and the office's record of a voucher paid. Spread into the console's
 * Japanese table (English in cash-counts.en.ts, exactly these keys).
 */
export const cashCountsJa = {
  'console.command.cash.hoppers': 'ホッパーの実査（任意・枚数）',
  'console.command.cash.hopperCoin': '硬貨',
  'console.command.cash.hopperFound': 'あった枚数',
  'console.command.cash.hopperLeft': '補充後に残した枚数',
  'console.cash.flag.hoppers-short': 'ホッパー不足',
  'console.cash.flag.hoppers-over': 'ホッパー過剰',
  'console.cash.hopperExpected': 'ホッパー（記録）',
  'console.cash.hopperCounted': 'ホッパー実査',
  'console.cash.hopperDifference': 'ホッパー過不足',
  'console.cash.redeemed': '引換済み',
  'console.cash.redeem.heading': '返金引換券の支払いを記録',
  'console.cash.redeem.intro':
    '窓口で返金引換券の金額を支払ったら記録します。券に印刷された「端末」「取引」と返金額を入力してください。1枚の券は1回だけ記録できます（記録は監査ログに残ります）。',
  'console.cash.redeem.kiosk': '端末',
  'console.cash.redeem.transaction': '取引',
  'console.cash.redeem.amount': '返金額（円）',
  'console.cash.redeem.note': '窓口の控え番号（任意）',
  'console.cash.redeem.submit': '支払いを記録',
  'console.cash.redeem.done': '端末 {kiosk} の引換券 {yen}円 を支払い済みとして記録しました。',
  'console.cash.redeem.failed': '記録できませんでした: {reason}',
  'console.cash.redeem.invalid': '端末、取引（券に印刷された英数字）と、円単位の返金額を入力してください。',
  'console.auditAction.cash-voucher.redeemed': '引換券の支払い記録',
} as const;
