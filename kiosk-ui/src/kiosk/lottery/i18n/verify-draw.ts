import type { Language } from '@kiosk/protocols';

/**
 * The kiosk's "抽選結果の検証" screen (reached from the lottery's sign-in screen, no sign-in needed): how
 * anyone can check a draw, and where the record is. Short on purpose; the console's public page
 * (`/console/#/public/lottery`) and DRAW.md say the rest. Spread into each language's lottery table.
 */
const ja = {
  'lot.verify.open': '抽選結果の検証',
  'lot.verify.heading': '抽選結果の検証',
  'lot.verify.fair': '施設の抽選は、誰でも同じ結果を再現して確かめられます。',
  'lot.verify.commitment': '申込の受付前に、抽選に使う乱数の「種」のハッシュ値（コミットメント）を公開します。種はあとから変えられません。',
  'lot.verify.document': '結果発表のあと、種と申込の一覧を公開します。申込は受付番号だけで載り、氏名や利用者番号は載りません。',
  'lot.verify.where': '公開場所：施設予約システムの公開ページ「抽選の公開記録」（アドレスの末尾 {path}）。ログインは要りません。',
  'lot.verify.whereUrl': '公開場所：施設予約システムの公開ページ「抽選の公開記録」。ログインは要りません。スマートフォンやパソコンで次のアドレスを入力してください：',
  'lot.verify.how': 'そこで配布している検証用スクリプト（1ファイル）を Node.js で実行すると、当選者と結果のハッシュ値が公開されたものと一致するかがわかります。',
  'lot.verify.entry': 'あなたの受付番号は、受付票と「申込の確認」画面に表示されています。',
  // Not a bare 戻る: the lottery's own 戻る under it leaves the lottery; this one goes back to sign-in.
  'lot.verify.back': 'ログイン画面に戻る',
} as const;
export type VerifyDrawKey = keyof typeof ja;

export const verifyDrawTables: Readonly<Record<Language, Readonly<Record<VerifyDrawKey, string>>>> = {
  ja,
  en: {
    'lot.verify.open': 'Check the draw',
    'lot.verify.heading': 'Check the lottery draw',
    'lot.verify.fair': 'Anyone can re-run a facility lottery and check that it gives the same result.',
    'lot.verify.commitment': 'Before entries open, the hash of the draw\'s random "seed" (the commitment) is published, so the seed cannot be changed later.',
    'lot.verify.document': 'After the results, the seed and the list of entries are published. Entries appear only by entry number: no names, no user numbers.',
    'lot.verify.where': 'Where: the booking system\'s public page "Lottery draws" (its address ends in {path}). No sign-in needed.',
    'lot.verify.whereUrl': 'Where: the booking system\'s public page "Lottery draws". No sign-in needed. Type this address on a phone or computer:',
    'lot.verify.how': 'Run the check script offered there (one file) with Node.js: it tells you whether the winners and the result digest match the published ones.',
    'lot.verify.entry': 'Your entry number is on your entry receipt and on the "my entries" screen.',
    'lot.verify.back': 'Back to sign-in',
  },
  'zh-Hans': {
    'lot.verify.open': '抽签结果的验证',
    'lot.verify.heading': '抽签结果的验证',
    'lot.verify.fair': '任何人都可以重现设施抽签并确认结果相同。',
    'lot.verify.commitment': '受理申请之前，公开抽签所用随机数“种子”的哈希值（承诺值）。种子之后无法更改。',
    'lot.verify.document': '公布结果后，公开种子和申请列表。申请只以受理编号列出，不含姓名或用户编号。',
    'lot.verify.where': '公开位置：设施预约系统的公开页面“抽签公开记录”（地址以 {path} 结尾）。无需登录。',
    'lot.verify.whereUrl': '公开位置：设施预约系统的公开页面“抽签公开记录”。无需登录。请在手机或电脑上输入以下地址：',
    'lot.verify.how': '用 Node.js 运行该页面提供的验证脚本（一个文件），即可确认中签者和结果哈希值是否与公开的一致。',
    'lot.verify.entry': '您的受理编号印在受理单上，也显示在“确认申请”画面。',
    'lot.verify.back': '返回登录画面',
  },
  ko: {
    'lot.verify.open': '추첨 결과 검증',
    'lot.verify.heading': '추첨 결과 검증',
    'lot.verify.fair': '시설 추첨은 누구나 같은 결과를 재현하여 확인할 수 있습니다.',
    'lot.verify.commitment': '신청 접수 전에 추첨에 쓰는 난수 "시드"의 해시값(커밋먼트)을 공개합니다. 시드는 나중에 바꿀 수 없습니다.',
    'lot.verify.document': '결과 발표 후 시드와 신청 목록을 공개합니다. 신청은 접수 번호로만 실리며 이름이나 이용자 번호는 실리지 않습니다.',
    'lot.verify.where': '공개 장소: 시설 예약 시스템의 공개 페이지 "추첨 공개 기록"(주소 끝 {path}). 로그인은 필요 없습니다.',
    'lot.verify.whereUrl': '공개 장소: 시설 예약 시스템의 공개 페이지 "추첨 공개 기록". 로그인은 필요 없습니다. 스마트폰이나 컴퓨터에서 다음 주소를 입력해 주십시오:',
    'lot.verify.how': '그곳에서 배포하는 검증용 스크립트(파일 1개)를 Node.js로 실행하면 당첨자와 결과 해시값이 공개된 것과 일치하는지 알 수 있습니다.',
    'lot.verify.entry': '접수 번호는 접수증과 "신청 확인" 화면에 표시되어 있습니다.',
    'lot.verify.back': '로그인 화면으로 돌아가기',
  },
};

/** Where the public page is on the hub (the console's hash route). */
export const PUBLIC_LOTTERY_PAGE_PATH = '/console/#/public/lottery';

/** The public page's full address on the hub whose public address the agent was given. */
export function publicLotteryPageUrl(hubPublicUrl: string): string {
  return `${hubPublicUrl.replace(/\/+$/, '')}${PUBLIC_LOTTERY_PAGE_PATH}`;
}
