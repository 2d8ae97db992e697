import { certTranslate } from './i18n/index';
import { CardAuthFailureReasonSchema, CERTIFICATE_SCREENS } from '@kiosk/protocols';
import {
  afterPaymentStep,
  cancellable,
  cardRefusalKey,
  flowEnded,
  flowGone,
  idleArmedOn,
  payCoinLines,
  pinKeyMessage,
  problemLines,
  reminderItems,
  takeHeadingKey,
} from './certificate-view';
import { certTranslator } from './i18n/index';
import { view, viewOn } from './spec-fixtures';

const ja = certTranslator('ja');
const en = certTranslator('en');

describe('certificate view rules', () => {
  it('runs the idle rule where a person acts, never while money or paper is in play', () => {
    const off = CERTIFICATE_SCREENS.filter((screen) => !idleArmedOn(screen));
    expect(off.sort()).toEqual(['checking', 'done', 'issuing', 'paying-change', 'printing', 'reading-card', 'refunding', 'returning-coins', 'verifying'].sort());
    expect(idleArmedOn('pay')).toBe(true);
    expect(idleArmedOn('pin')).toBe(true);
  });

  it('offers cancel only before payment is complete', () => {
    expect(cancellable('pay')).toBe(true);
    expect(cancellable('choose')).toBe(true);
    expect(cancellable('paying-change')).toBe(false);
    expect(cancellable('printing')).toBe(false);
    expect(cancellable('take-certificate')).toBe(false);
  });

  it('ends the flow on a fresh done, not on one left from the previous person', () => {
    expect(flowEnded(null, view({ screen: 'done' }))).toBe(false);
    expect(flowEnded(view({ screen: 'done' }), view({ screen: 'done' }))).toBe(false);
    expect(flowEnded(view({ screen: 'take-certificate', copies: 2, changeYen: 100, unpaidChangeYen: 0, voucherPrinted: false, receiptPrinted: true }), view({ screen: 'done' }))).toBe(true);
    expect(flowEnded(view({ screen: 'pin', digitsEntered: 0, pinLength: 4, triesLeft: null, wrongLength: false }), view({ screen: 'choose', municipality: '豊中市', household: [], menu: [], refusal: null }))).toBe(false);
  });

  it('after the session ended, the flow is over only once the agent says done or idle (not while a card is asked for)', () => {
    expect(flowGone(view({ screen: 'done' }))).toBe(true);
    expect(flowGone(view({ screen: 'idle' }))).toBe(true);
    expect(flowGone(view({ screen: 'remove-card', quote: null }))).toBe(false);
    expect(flowGone(view({ screen: 'returning-coins', amountYen: 100 }))).toBe(false);
  });

  it('a card left behind by someone else: the new person may wait (idle rule on) or leave (cancel)', () => {
    expect(idleArmedOn('card-left-behind')).toBe(true);
    expect(cancellable('card-left-behind')).toBe(true);
  });

  it('sends a pad key as the protocol wants it', () => {
    expect(pinKeyMessage('7')).toEqual({ type: 'digit', digit: 7 });
    expect(pinKeyMessage('0')).toEqual({ type: 'digit', digit: 0 });
    expect(pinKeyMessage('clear')).toEqual({ type: 'clear' });
    expect(pinKeyMessage('enter')).toEqual({ type: 'enter' });
  });

  it('says which check failed and why, each one, before any card or money', () => {
    const state = view({
      screen: 'unavailable',
      problems: [
        { kind: 'service-closed', reason: 'after-hours', reopensAt: '2026-12-05T21:30:00Z' },
        { kind: 'hub-unreachable' },
        { kind: 'device', device: 'document-printer', status: 'error', reasons: ['media-empty', 'door-open'] },
        { kind: 'device', device: 'coin-hopper', status: 'missing', reasons: [] },
        { kind: 'device', device: 'receipt-printer', status: 'error', reasons: ['something-new'] },
      ],
    });
    if (state.screen !== 'unavailable') throw new Error('fixture');
    expect(problemLines(ja, 'ja', state.problems)).toEqual([
      'ご利用時間を過ぎました。ご利用時間は、毎日6時30分から23時までです。 12月6日 6:30からご利用いただけます。',
      'センターに接続できません。しばらくしてから、もう一度お試しください。',
      '証明書プリンターが使用できません（用紙切れ、扉が開いています）。',
      '硬貨の受付・おつりの払い出しができません（接続されていません）。',
      'レシートプリンターが使用できません（異常があります）。',
    ]);
    expect(problemLines(en, 'en', state.problems)[2]).toBe('The certificate printer cannot be used (out of paper, door open).');
  });

  it('on a maintenance day says so and names the next open day, in every language', () => {
    const problems = [{ kind: 'service-closed', reason: 'maintenance', reopensAt: '2026-11-26T21:30:00Z' }] as const;
    expect(problemLines(ja, 'ja', problems)).toEqual(['本日はメンテナンスのため休止しています。 次のご利用日は11月27日(金)です（6:30から）。']);
    expect(problemLines(en, 'en', problems)).toEqual(['Closed today for maintenance. Next open day: Fri, November 27, from 6:30 AM.']);
    expect(problemLines(certTranslator('ko'), 'ko', problems)[0]).toMatch(/^오늘은 점검으로 휴무합니다\. 다음 이용 가능일은 11월 27일 \(금\)입니다/);
    expect(problemLines(certTranslator('zh-Hans'), 'zh-Hans', problems)[0]).toMatch(/^今天因系统维护暂停服务。 下一个服务日：11月27日周五/);
  });

  it('has a message for every card refusal of the protocol', () => {
    for (const reason of CardAuthFailureReasonSchema.options) expect(ja(cardRefusalKey(reason))).not.toBe('');
    expect(cardRefusalKey('revoked')).toBe('cert.refused.revoked');
    expect(cardRefusalKey('untrusted-chain')).toBe('cert.refused.invalid');
  });

  it('reminds of the certificate, the change and the receipt', () => {
    const items = reminderItems(ja, 'ja', view({ screen: 'take-certificate', copies: 2, changeYen: 100, unpaidChangeYen: 0, voucherPrinted: false, receiptPrinted: true }));
    expect(items).toEqual([
      { id: 'certificate', text: '証明書（2通）を取り出し口からお取りください。' },
      { id: 'change', text: 'おつり100円をお取りください。' },
      { id: 'receipt', text: 'レシートをお取りください。' },
    ]);
    const exact = reminderItems(ja, 'ja', view({ screen: 'take-certificate', copies: 1, changeYen: 0, unpaidChangeYen: 0, voucherPrinted: false, receiptPrinted: false }));
    expect(exact.map((item) => item.id)).toEqual(['certificate']);
  });

  it('change the hopper could not pay: says it was not paid, how much, and what to do with the voucher; never "take your change" for it', () => {
    const none = viewOn('take-certificate', { copies: 1, changeYen: 0, unpaidChangeYen: 300, voucherPrinted: true, receiptPrinted: true });
    expect(ja(takeHeadingKey(none))).toBe('証明書をお取りください。おつりは窓口でお返しします');
    const items = reminderItems(ja, 'ja', none);
    expect(items).toEqual([
      { id: 'change-unpaid', text: '硬貨が不足しているため、おつり300円をお返しできませんでした。' },
      { id: 'voucher', text: 'レシートがおつりの引換券です。レシートをお持ちのうえ、市役所の窓口にお越しください。300円をお返しします。' },
      { id: 'certificate', text: '証明書（1通）を取り出し口からお取りください。' },
      { id: 'receipt', text: 'レシートをお取りください。' },
    ]);
    expect(items.map((item) => item.text).join('\n')).not.toContain('おつり300円をお取りください');
    // Partly paid: the coins that came out are to be taken, the rest is owed.
    const part = reminderItems(en, 'en', view({ screen: 'take-certificate', copies: 1, changeYen: 60, unpaidChangeYen: 240, voucherPrinted: true, receiptPrinted: true }));
    expect(part.map((item) => item.id)).toEqual(['change-unpaid', 'voucher', 'certificate', 'change', 'receipt']);
    expect(part[0]?.text).toBe('The machine ran out of coins: ¥240 of your change could not be paid.');
    expect(part.find((item) => item.id === 'change')?.text).toBe('Take your change (¥60).');
    // No paper at all: the person is told where to ask, not to look for a voucher.
    const noPaper = reminderItems(ja, 'ja', view({ screen: 'take-certificate', copies: 1, changeYen: 0, unpaidChangeYen: 300, voucherPrinted: false, receiptPrinted: false }));
    expect(noPaper.find((item) => item.id === 'voucher')?.text).toContain('引換券を印刷できませんでした');
    expect(takeHeadingKey(viewOn('take-certificate', { copies: 1, changeYen: 100, unpaidChangeYen: 0, voucherPrinted: false, receiptPrinted: true }))).toBe('cert.take.heading');
  });

  it('pay screen: the exact-amount notice and the coins still taken when change cannot be given', () => {
    const limited = payCoinLines(ja, 'ja', viewOn('pay', { quote: quote(), insertedYen: 0, acceptedCoins: [10, 50, 100], exactAmountOnly: true }));
    expect(limited).toEqual({ notice: 'おつりが出ません。ちょうどの金額を入れてください。', coins: '使える硬貨：10円・50円・100円（紙幣は使えません）' });
    const normal = payCoinLines(ja, 'ja', viewOn('pay', { quote: quote(), insertedYen: 0, acceptedCoins: [10, 50, 100, 500], exactAmountOnly: false }));
    expect(normal).toEqual({ notice: null, coins: '使える硬貨：10円・50円・100円・500円（紙幣は使えません）' });
    expect(payCoinLines(en, 'en', viewOn('pay', { quote: quote(), insertedYen: 0, acceptedCoins: [10, 50, 100], exactAmountOnly: true })).coins).toBe(
      'Accepted coins now: ¥10, ¥50, ¥100 (no banknotes)',
    );
  });

  it('says how a refund was paid: coins, a voucher, or both', () => {
    const hopper = reminderItems(en, 'en', view({ screen: 'refunded', amountYen: 400, hopperYen: 400, voucherYen: 0, method: 'hopper', reason: 'print-failed' }));
    expect(hopper).toEqual([{ id: 'coins', text: 'Your payment of ¥400 has been returned. Please take the coins from the coin return.' }]);
    const split = reminderItems(ja, 'ja', view({ screen: 'refunded', amountYen: 400, hopperYen: 100, voucherYen: 300, method: 'voucher', reason: 'print-failed' }));
    expect(split.map((item) => item.id)).toEqual(['coins', 'voucher']);
    expect(split[1]?.text).toContain('300円');
    const cancelled = reminderItems(ja, 'ja', view({ screen: 'cancelled', returnedYen: 0, unreturnedYen: 0 }));
    expect(cancelled).toEqual([]);
  });

  it('shows the wait after payment as steps', () => {
    // Which step is under way and about how long is left, never a bare "0 / 3" (issue 17).
    expect(afterPaymentStep(view({ screen: 'issuing', copies: 2 }))).toEqual({ done: 0, total: 3, step: 1, minutesLeft: 2 });
    expect(afterPaymentStep(view({ screen: 'printing', copies: 2, stage: 'certificate' }))).toEqual({ done: 1, total: 3, step: 2, minutesLeft: 2 });
    expect(afterPaymentStep(view({ screen: 'printing', copies: 2, stage: 'receipt' }))).toEqual({ done: 2, total: 3, step: 3, minutesLeft: 1 });
    expect(certTranslate('ja', 'cert.printing.step', { step: 1, total: 3, minutes: 2 })).toBe('3つの手順のうち1つ目です。あと2分ほどかかります。');
    expect(afterPaymentStep(view({ screen: 'pay', quote: quote(), insertedYen: 0, acceptedCoins: [10, 50, 100, 500], exactAmountOnly: false }))).toBeNull();
  });
});

function quote() {
  return {
    order: { options: { type: 'inkan' }, copies: 1 },
    certificateType: 'inkan',
    nameJa: '印鑑登録証明書',
    nameEn: 'Seal registration certificate',
    unitFeeYen: 200,
    copies: 1,
    feeYen: 200,
  };
}
