import type { Language } from '@kiosk/protocols';

/**
 * What keypad navigation says on landing on a lottery choice (issue 17). The lottery's fixed buttons are
 * named from this table (Japanese in kana, for espeak-ng); a facility, a month, a day or a time slot is read
 * from its own text on the screen, which is the municipality's public timetable (facility names, dates,
 * times, fees, open or not), never anything of the person. Every other lottery button (an entry or a
 * booking of the person's, with its number) is not read out: it stays "button".
 */
const LOTTERY_CHOICES: Record<Language, Readonly<Record<string, string>>> = {
  ja: {
    'lottery-menu-enter': 'ちゅうせんに もうしこむ',
    'lottery-menu-book': 'あきを よやくする',
    'lottery-menu-entries': 'もうしこみと けっか',
    'lottery-menu-bookings': 'よやくの いちらん',
    'lottery-review-entry': 'つぎへ',
    'lottery-submit-entry': 'もうしこむ',
    'lottery-submit-booking': 'よやくする',
    'lottery-back': 'もどる',
    'lottery-sign-out': 'ログアウト',
    'lottery-page-previous': 'まえの ページ',
    'lottery-page-next': 'つぎの ページ',
  },
  en: {
    'lottery-menu-enter': 'Enter a lottery',
    'lottery-menu-book': 'Book an open slot',
    'lottery-menu-entries': 'My entries and results',
    'lottery-menu-bookings': 'My bookings',
    'lottery-review-entry': 'Next',
    'lottery-submit-entry': 'Enter',
    'lottery-submit-booking': 'Book',
    'lottery-back': 'Back',
    'lottery-sign-out': 'Log out',
    'lottery-page-previous': 'Previous page',
    'lottery-page-next': 'Next page',
  },
  ko: {
    'lottery-menu-enter': '추첨 신청',
    'lottery-menu-book': '빈 시간 예약',
    'lottery-menu-entries': '신청과 결과',
    'lottery-menu-bookings': '예약 목록',
    'lottery-review-entry': '다음',
    'lottery-submit-entry': '신청',
    'lottery-submit-booking': '예약',
    'lottery-back': '뒤로',
    'lottery-sign-out': '로그아웃',
    'lottery-page-previous': '이전 쪽',
    'lottery-page-next': '다음 쪽',
  },
  'zh-Hans': {
    'lottery-menu-enter': '申请抽签',
    'lottery-menu-book': '预约空闲时段',
    'lottery-menu-entries': '我的申请和结果',
    'lottery-menu-bookings': '我的预约',
    'lottery-review-entry': '下一步',
    'lottery-submit-entry': '申请',
    'lottery-submit-booking': '预约',
    'lottery-back': '返回',
    'lottery-sign-out': '退出登录',
    'lottery-page-previous': '上一页',
    'lottery-page-next': '下一页',
  },
};

/** Lottery choices whose own text is public timetable data, read out as it is shown. */
const PUBLIC_TEXT_CHOICES = /^lottery-(facility|month|day|slot)-/;

/** True for a choice keypad navigation may read from its text on the screen. */
export function readsOwnText(testid: string): boolean {
  return PUBLIC_TEXT_CHOICES.test(testid);
}

/** A paged list's 前へ / 次へ (the page it lands on is said by the screen's guidance). */
const PAGE_BUTTON = /^lottery-(?:facilities|weeks|slots)-page-(previous|next)$/;

/** The spoken name of a lottery choice, or null when it is not a lottery choice this table knows. */
export function lotteryChoiceName(testid: string, language: Language, text: string | null): string | null {
  if (readsOwnText(testid)) return text !== null && text.trim() !== '' ? text.trim() : null;
  const page = PAGE_BUTTON.exec(testid)?.[1];
  if (page !== undefined) return LOTTERY_CHOICES[language][`lottery-page-${page}`] ?? null;
  return LOTTERY_CHOICES[language][testid] ?? null;
}
