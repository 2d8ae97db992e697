import { LANGUAGE_WORDS } from './language-words';
import type { SpeechLines } from './speech-lines';

// Kana only: espeak-ng's Japanese voice cannot read kanji. Numbers stay digits (it reads them).
const yen = (amount: number): string => `${amount}えん`;
const copies = (count: number): string => `${count}つう`;
const lines = (parts: readonly string[]): string => parts.filter(Boolean).join(' ');

export const ja: SpeechLines = {
  yen,
  copies,
  certificate: {
    juminhyo: 'じゅうみんひょうの うつし',
    inkan: 'いんかん とうろく しょうめいしょ',
    koseki: 'こせき しょうめいしょ',
    'koseki-fuhyo': 'こせきの ふひょうの うつし',
    kazei: 'かぜい しょうめいしょ',
  },
  period: '。',
  sentences: lines,
  screens: {
    idle: () => 'しょうめいしょの はっこう。 ごりようできるか かくにん しています。 おまちください。',
    checking: () => 'しょうめいしょの はっこう。 ごりようできるか かくにん しています。 おまちください。',
    unavailable: (state) =>
      lines([
        'いまは しょうめいしょを はっこう できません。',
        ...state.problems.map((problem) =>
          problem.kind === 'service-closed' ? 'いまは サービスじかんがいです。' : problem.kind === 'device' ? 'きかいの じゅんびが できていません。' : 'サービスに つながりません。',
        ),
        'まどぐちで おたずね ください。 ボタンは、 おわる。',
      ]),
    'insert-card': () => 'しょうめいしょの はっこう。 マイナンバーカードを がめんの したの よみとりきに おいて ください。 ボタンは、 やめる。',
    'reading-card': () => 'カードを よみとって います。 カードを とらないで ください。',
    'not-a-my-number-card': () => 'この カードは マイナンバーカードでは ありません。 カードを おとりください。 ボタンは、 やめる。',
    'card-trouble': (state) =>
      state.trouble === 'card-removed'
        ? 'カードが はやく とられました。 もういちど おいて ください。 ボタンは、 やめる。'
        : 'カードを よみとれませんでした。 もういちど おいて ください。 ボタンは、 やめる。',
    pin: (state) =>
      lines([
        'よんけたの あんしょうばんごうを キーで いれて、 けっていを おして ください。',
        state.digitsEntered > 0 ? `${state.pinLength}けたのうち ${state.digitsEntered}けた にゅうりょく ずみです。` : '',
        state.triesLeft !== null ? `あんしょうばんごうが ちがいます。 のこり ${state.triesLeft}かいです。` : '',
        state.wrongLength ? 'あんしょうばんごうは よんけたです。' : '',
        'ていせいキーで けします。 ボタンは、 やめる。',
      ]),
    'card-locked': () => 'この カードの あんしょうばんごうは ロック されています。 しやくしょで かいじょ できます。 カードを おとりください。 ボタンは、 おわる。',
    verifying: () => 'カードを かくにん しています。 おまちください。',
    'card-refused': () => 'この カードでは しょうめいしょを はっこう できません。 しやくしょで おたずね ください。 ボタンは、 おわる。',
    choose: (state) =>
      lines([
        'しょうめいしょの しゅるいを えらんで ください。',
        ...state.menu.filter((item) => item.available).map((item) => `${ja.certificate[item.type]}、 いっつう ${yen(item.unitFeeYen)}。`),
        state.refusal !== null ? `${ja.certificate[state.refusal.certificateType]}は はっこう できません。` : '',
        'つぎに ないようと つうすうを えらびます。 ボタンは、 つぎへ、 やめる。',
      ]),
    confirm: (state) =>
      `ごちゅうもんを おたしかめ ください。 ${ja.certificate[state.quote.certificateType]}、 ${copies(state.quote.copies)}、 てすうりょう ${yen(state.quote.feeYen)}。 ボタンは、 しはらいへ すすむ、 もどる。`,
    'remove-card': (state) =>
      state.quote === null ? 'カードを よみとりきから おとりください。' : 'カードを よみとりきから おとりください。 カードを とると しはらいに すすみます。',
    'card-left-behind': () => 'よみとりきに カードが のこっています。 とりだすか、 かかりいんを およびください。 ボタンは、 やめる。',
    pay: (state) =>
      lines([
        `${yen(state.quote.feeYen)}を こうかで いれて ください。`,
        `いれた きんがく ${yen(state.insertedYen)}、 のこり ${yen(Math.max(0, state.quote.feeYen - state.insertedYen))}。`,
        state.exactAmountOnly ? 'おつりが だせません。 ちょうどの きんがくを いれて ください。' : '',
        'ボタンは、 やめる。',
      ]),
    'returning-coins': (state) => `${yen(state.amountYen)}を おかえし しています。 おまちください。`,
    cancelled: (state) => `てつづきを やめました。 ${yen(state.returnedYen)}を へんきゃくぐちに おかえし しました。 おとりください。 ボタンは、 おわる。`,
    'paying-change': (state) => `おつり ${yen(state.changeYen)}を だしています。 おまちください。`,
    issuing: () => 'しょうめいしょを じゅんび しています。 おまちください。',
    printing: (state) =>
      state.stage === 'certificate' ? `${copies(state.copies)} いんさつ しています。 いっぷんほど かかります。 おまちください。` : 'りょうしゅうしょを いんさつ しています。 おまちください。',
    'take-certificate': (state) =>
      lines([
        'しょうめいしょを とりだしぐちから おとりください。',
        state.changeYen > 0 ? `おつり ${yen(state.changeYen)}を へんきゃくぐちから おとりください。` : '',
        state.unpaidChangeYen > 0 ? `おつり ${yen(state.unpaidChangeYen)}は、 いんさつ された かみを しやくしょに おもちください。` : '',
        'ボタンは、 うけとりました。',
      ]),
    refunding: (state) => `もうしわけ ありません。 しょうめいしょを はっこう できませんでした。 ${yen(state.amountYen)}を おかえし しています。 おまちください。`,
    refunded: (state) =>
      lines([
        `もうしわけ ありません。 しょうめいしょを はっこう できませんでした。 ${yen(state.amountYen)}を おかえし しました。`,
        state.voucherYen > 0 ? `${yen(state.voucherYen)}は、 いんさつ された ひきかえけんを しやくしょに おもちください。` : '',
        'おとりください。 ボタンは、 うけとりました。',
      ]),
    done: () => 'ありがとう ございました。',
    error: () => 'てつづきを つづけられません。 おかねは うけとって いません。 はじめから おねがいします。 ボタンは、 おわる。',
  },
  pinProgress: (digits, length) => (digits === 0 ? 'にゅうりょくを けしました。' : `いっけた にゅうりょく しました。 ${length}けたのうち ${digits}けた。`),
  attract: (navigation) =>
    navigation
      ? 'サービスを えらんで ください。 しょうめいしょの はっこう、 または しせつの ちゅうせん。'
      : 'いらっしゃいませ。 がめんで サービスを えらんで ください。 キーで おんせい あんないを つかう ときは、 けっていキーを おして ください。',
  keys: 'キーの つかいかた。 4か 2で まえへ、 6か 8で つぎへ、 けっていか 5で えらびます。 0で あんないを もういちど ききます。 とりけしで もどります。',
  service: { certificates: 'しょうめいしょの はっこう', lottery: 'しせつの ちゅうせん' },
  choice: {
    language: LANGUAGE_WORDS.ja,
    cancel: 'やめる',
    next: 'つぎへ',
    back: 'もどる',
    confirm: 'しはらいへ すすむ',
    finish: 'おわる',
    taken: 'うけとりました',
    continue: 'つづける',
    scopeHousehold: 'せたい ぜんいん',
    scopeSelected: 'せたいの いちぶの ひと',
    member: (position) => `せたいの ひと ${position}`,
    include: 'のせる',
    omit: 'のせない',
    kosekiFull: 'ぜんぶ じこう',
    kosekiIndividual: 'こじん じこう',
    fiscalYear: (year) => `${year}ねんど`,
    fewerCopies: 'いっつう へらす',
    moreCopies: 'いっつう ふやす',
    pinKey: { clear: 'ていせい', enter: 'けってい' },
    digit: 'すうじキー',
    other: 'ボタン',
  },
  position: (index, total) => `${total}こ ちゅう ${index}ばんめ。`,
  selected: 'えらばれています。',
};
