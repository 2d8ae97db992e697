import type { Language } from '@kiosk/protocols';

/**
 * The notice shown on the first screen after sign-in when a result changed after the draw (issue 20,
 * item 7): a person who saw 落選 has since won as a promoted alternate and must confirm by a deadline.
 * Spread into each language's lottery table.
 */
const ja = {
  'lot.changes.heading': 'お知らせ：抽選結果が変わりました',
  'lot.changes.promoted': '受付番号 {number}（{place} {when}）は、当選した方の辞退などにより「落選」から「当選」（繰り上げ当選）に変わりました。',
  'lot.changes.confirmBy': '{date}までに利用を確定してください。期限までに確定しないと、この当選は次の方に回ります。',
  'lot.changes.open': '抽選結果を確認して利用を確定する',
} as const;
export type ResultChangesKey = keyof typeof ja;

export const resultChangesTables: Readonly<Record<Language, Readonly<Record<ResultChangesKey, string>>>> = {
  ja,
  en: {
    'lot.changes.heading': 'Notice: your lottery result has changed',
    'lot.changes.promoted': 'Entry number {number} ({place} {when}) has changed from "not selected" to "won": you moved up from the waiting list because a winner declined or did not confirm.',
    'lot.changes.confirmBy': 'Please confirm no later than {date}. If you do not confirm by then, the win passes to the next person.',
    'lot.changes.open': 'See the result and confirm',
  },
  'zh-Hans': {
    'lot.changes.heading': '通知：您的抽签结果已变更',
    'lot.changes.promoted': '受理编号 {number}（{place} {when}）因中签者放弃等原因，已从“未中签”变为“中签”（候补递补）。',
    'lot.changes.confirmBy': '请在 {date} 之前确定使用。逾期未确定，此中签将转给下一位。',
    'lot.changes.open': '查看结果并确定使用',
  },
  ko: {
    'lot.changes.heading': '알림: 추첨 결과가 바뀌었습니다',
    'lot.changes.promoted': '접수 번호 {number}({place} {when})는 당첨자의 사퇴 등으로 「낙첨」에서 「당첨」(대기자 당첨)으로 바뀌었습니다.',
    'lot.changes.confirmBy': '{date}까지 이용을 확정해 주십시오. 기한까지 확정하지 않으면 이 당첨은 다음 분에게 넘어갑니다.',
    'lot.changes.open': '결과를 확인하고 이용 확정하기',
  },
};
