import type { Language, LotteryStage, LotteryUiState } from '@kiosk/protocols';
import type { LotteryPageShown } from '../lottery/lottery-paging';
import type { LotteryScreenKind } from '../lottery/lottery-view';
import { SPEECH_LINES } from './speech-script';

/**
 * The lottery screens' spoken guidance (issue 17), with the certificate scripts' rules: where you are, what
 * to do, what the buttons are; nothing personal. The view below is all a script may read: which screen,
 * the sign-in stage, how many PIN digits are in (never which), whether a refusal or an error is shown. No
 * user number, name, card hint, entry number or PIN reaches it.
 */
export interface LotterySpeechView {
  screen: LotteryScreenKind;
  stage: LotteryStage;
  pinDigits: number;
  /** The sign-in was refused (the screen says why). */
  refused: boolean;
  /** The screen shows an error message. */
  error: boolean;
  offline: boolean;
  /** The screen's lists that have more than one page, and the page each shows ("1 / 3"). */
  pages: readonly LotteryPageShown[];
}

/** The sign-in PIN: four digits, for the user card and the My Number card alike. */
export const LOTTERY_PIN_LENGTH = 4;

/** Only what may be spoken, from the agent's lottery state and the screen shown. */
export function lotterySpeechView(state: LotteryUiState | null, screen: LotteryScreenKind, error: boolean, pages: readonly LotteryPageShown[] = []): LotterySpeechView {
  return {
    screen,
    stage: state?.stage ?? 'inactive',
    pinDigits: state?.pinDigits ?? 0,
    refused: (state?.refusal ?? null) !== null,
    error,
    offline: state?.mode === 'offline',
    pages,
  };
}

type SignInStage = 'card' | 'pin' | 'reading' | 'card-pin' | 'checking';

function signInStage(stage: LotteryStage): SignInStage {
  switch (stage) {
    case 'awaiting-pin':
      return 'pin';
    case 'reading-card':
      return 'reading';
    case 'awaiting-card-pin':
      return 'card-pin';
    case 'signing-in':
    case 'signed-in':
      return 'checking';
    case 'inactive':
    case 'awaiting-card':
      return 'card';
  }
}

interface LotteryLines {
  signIn: Record<SignInStage, string>;
  screens: Record<Exclude<LotteryScreenKind, 'sign-in'>, string>;
  refused: string;
  error: string;
  offline: string;
  /** Where a paged list is (its name, page n of m) and how to turn its pages. */
  page: (list: LotteryPageShown['list'], page: number, pages: number) => string;
}

const LOTTERY_LINES: Record<Language, LotteryLines> = {
  ja: {
    signIn: {
      card: 'しせつよやく・ちゅうせん。 りようしゃカードの バーコードを よみとりきに かざすか、 マイナンバーカードを カードよみとりきに おいて ください。 ボタンは、 もどる。',
      pin: 'よんけたの あんしょうばんごうを キーで いれて、 けっていを おして ください。 ボタンは、 もどる。',
      reading: 'マイナンバーカードを よみとって います。 カードを とらないで ください。',
      'card-pin': 'マイナンバーカードの よんけたの あんしょうばんごうを キーで いれて、 けっていを おして ください。',
      checking: 'かくにん しています。 おまちください。',
    },
    screens: {
      menu: 'しせつよやく・ちゅうせんの メニューです。 ちゅうせんに もうしこむ、 あきを よやくする、 もうしこみと けっか、 よやくの いちらん から えらんで ください。 ボタンは、 ログアウト。',
      facilities: 'しせつを えらんで ください。 ボタンは、 もどる。',
      calendar: 'ひにちを えらび、 じかんたいを えらんで ください。 ボタンは、 つぎへ、 もどる。',
      'review-entry': 'ちゅうせんの もうしこみ ないようを おたしかめ ください。 ボタンは、 もうしこむ、 もどる。',
      'review-booking': 'よやくの ないようと りょうきんを おたしかめ ください。 ボタンは、 よやくする、 もどる。',
      done: 'うけつけ ました。 がめんと うけとりの ばんごうを おたしかめ ください。 けっかの はっぴょうびは がめんに あります。 ボタンは、 メニューへ、 おわる。',
      entries: 'もうしこみと けっかの いちらんです。 ボタンは、 もどる。',
      bookings: 'よやくの いちらんです。 ボタンは、 もどる。',
    },
    refused: 'ログイン できませんでした。 りゆうは がめんに あります。',
    error: 'てつづきが できませんでした。 りゆうは がめんに あります。',
    offline: 'いまは センターに つながっていません。',
    page: (list, page, pages) =>
      `${{ facilities: 'しせつの いちらん', weeks: 'カレンダー', slots: 'じかんたいの いちらん', entries: 'もうしこみの いちらん', bookings: 'よやくの いちらん' }[list]}、 ${pages}ページの うち ${page}ページめ。 まえへ と つぎへ で ページを かえられます。`,
  },
  en: {
    signIn: {
      card: 'Facility booking and lottery. Hold the barcode of your user card to the barcode reader, or place your My Number card on the card reader. Button: Back.',
      pin: 'Enter your 4-digit PIN with the keys and press Enter. Button: Back.',
      reading: 'Reading your My Number card. Please do not remove it.',
      'card-pin': 'Enter the 4-digit PIN of your My Number card with the keys and press Enter.',
      checking: 'Checking. Please wait.',
    },
    screens: {
      menu: 'Facility booking and lottery menu. Choose: enter a lottery, book an open slot, my entries and results, or my bookings. Button: Log out.',
      facilities: 'Choose a facility. Button: Back.',
      calendar: 'Choose a day, then a time slot. Buttons: Next, Back.',
      'review-entry': 'Check your lottery entry. Buttons: Enter, Back.',
      'review-booking': 'Check your booking and its fee. Buttons: Book, Back.',
      done: 'Done. Check the number on the screen and on the receipt. The screen says when results are announced. Buttons: Menu, Finish.',
      entries: 'Your entries and results. Button: Back.',
      bookings: 'Your bookings. Button: Back.',
    },
    refused: 'You could not be signed in. The screen says why.',
    error: 'That did not work. The screen says why.',
    offline: 'The center cannot be reached right now.',
    page: (list, page, pages) => `${{ facilities: 'Facility list', weeks: 'Calendar', slots: 'Time slot list', entries: 'Entry list', bookings: 'Booking list' }[list]}, page ${page} of ${pages}. Previous and Next turn the pages.`,
  },
  ko: {
    signIn: {
      card: '시설 예약 및 추첨. 이용자 카드의 바코드를 바코드 리더에 대거나, 마이넘버 카드를 카드 리더에 올려 주십시오. 버튼: 뒤로.',
      pin: '4자리 비밀번호를 키로 입력하고 확인을 눌러 주십시오. 버튼: 뒤로.',
      reading: '마이넘버 카드를 읽고 있습니다. 카드를 빼지 마십시오.',
      'card-pin': '마이넘버 카드의 4자리 비밀번호를 키로 입력하고 확인을 눌러 주십시오.',
      checking: '확인하고 있습니다. 잠시 기다려 주십시오.',
    },
    screens: {
      menu: '시설 예약 및 추첨 메뉴입니다. 추첨 신청, 빈 시간 예약, 신청과 결과, 예약 목록 중에서 선택해 주십시오. 버튼: 로그아웃.',
      facilities: '시설을 선택해 주십시오. 버튼: 뒤로.',
      calendar: '날짜를 고른 다음 시간대를 선택해 주십시오. 버튼: 다음, 뒤로.',
      'review-entry': '추첨 신청 내용을 확인해 주십시오. 버튼: 신청, 뒤로.',
      'review-booking': '예약 내용과 요금을 확인해 주십시오. 버튼: 예약, 뒤로.',
      done: '접수되었습니다. 화면과 영수증의 번호를 확인해 주십시오. 결과 발표일은 화면에 있습니다. 버튼: 메뉴, 종료.',
      entries: '신청과 결과 목록입니다. 버튼: 뒤로.',
      bookings: '예약 목록입니다. 버튼: 뒤로.',
    },
    refused: '로그인할 수 없었습니다. 이유는 화면에 있습니다.',
    error: '처리할 수 없었습니다. 이유는 화면에 있습니다.',
    offline: '지금은 센터에 연결되어 있지 않습니다.',
    page: (list, page, pages) => `${{ facilities: '시설 목록', weeks: '달력', slots: '시간대 목록', entries: '신청 목록', bookings: '예약 목록' }[list]}, ${pages}쪽 중 ${page}쪽. 이전과 다음으로 쪽을 넘길 수 있습니다.`,
  },
  'zh-Hans': {
    signIn: {
      card: '设施预约与抽签。请将用户卡的条形码对准条形码读取器，或将个人编号卡放在读卡器上。按钮：返回。',
      pin: '请用按键输入4位密码，然后按确定。按钮：返回。',
      reading: '正在读取个人编号卡。请不要取出卡片。',
      'card-pin': '请用按键输入个人编号卡的4位密码，然后按确定。',
      checking: '正在确认。请稍候。',
    },
    screens: {
      menu: '设施预约与抽签菜单。请选择：申请抽签、预约空闲时段、我的申请和结果、我的预约。按钮：退出登录。',
      facilities: '请选择设施。按钮：返回。',
      calendar: '请选择日期，然后选择时段。按钮：下一步、返回。',
      'review-entry': '请确认抽签申请的内容。按钮：申请、返回。',
      'review-booking': '请确认预约内容和费用。按钮：预约、返回。',
      done: '已受理。请确认屏幕和收据上的编号。结果公布日期显示在屏幕上。按钮：菜单、结束。',
      entries: '我的申请和结果。按钮：返回。',
      bookings: '我的预约。按钮：返回。',
    },
    refused: '无法登录。原因显示在屏幕上。',
    error: '无法办理。原因显示在屏幕上。',
    offline: '目前无法连接到中心。',
    page: (list, page, pages) => `${{ facilities: '设施列表', weeks: '日历', slots: '时段列表', entries: '申请列表', bookings: '预约列表' }[list]}，第${page}页，共${pages}页。用上一页和下一页翻页。`,
  },
};

/** What to say when a lottery screen appears (and again on Repeat): never a number, a name or a PIN digit. */
export function lotterySpeechScript(view: LotterySpeechView, language: Language): string {
  const lines = LOTTERY_LINES[language];
  const speech = SPEECH_LINES.get(language);
  const main = view.screen === 'sign-in' ? lines.signIn[signInStage(view.stage)] : lines.screens[view.screen];
  const pages = view.pages.map((shown) => lines.page(shown.list, shown.page, shown.pages));
  return speech.sentences([view.refused && view.screen === 'sign-in' ? lines.refused : '', view.error ? lines.error : '', view.offline ? lines.offline : '', main, ...pages]);
}

/** Said for each PIN key on the lottery sign-in: "one digit entered", never which. */
export function lotteryPinProgress(previous: LotterySpeechView, next: LotterySpeechView, language: Language): string | null {
  const sameScreen =
    previous.screen === 'sign-in' &&
    next.screen === 'sign-in' &&
    previous.stage === next.stage &&
    (next.stage === 'awaiting-pin' || next.stage === 'awaiting-card-pin') &&
    previous.refused === next.refused &&
    previous.error === next.error &&
    previous.offline === next.offline &&
    previous.pages.length === next.pages.length;
  if (!sameScreen) return null;
  return previous.pinDigits === next.pinDigits ? '' : SPEECH_LINES.get(language).pinProgress(next.pinDigits, LOTTERY_PIN_LENGTH);
}
