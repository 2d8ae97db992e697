import type { Language } from '@kiosk/protocols';

/**
 * The page buttons of the lottery's paged lists (issue 17: nothing needs scrolling) and the page
 * position they show. Spread into each language's lottery table.
 */
const ja = {
  'lot.page.previous': '前へ',
  'lot.page.next': '次へ',
  'lot.page.position': '{page} / {pages}',
  'lot.page.label': 'ページ {page} / {pages}',
  'lot.calendar.weeks': '週',
  'lot.calendar.slots': '時間帯',
} as const;
export type PagingKey = keyof typeof ja;

export const pagingTables: Readonly<Record<Language, Readonly<Record<PagingKey, string>>>> = {
  ja,
  en: {
    'lot.page.previous': 'Previous',
    'lot.page.next': 'Next',
    'lot.page.position': '{page} / {pages}',
    'lot.page.label': 'Page {page} of {pages}',
    'lot.calendar.weeks': 'Week',
    'lot.calendar.slots': 'Time slot',
  },
  'zh-Hans': {
    'lot.page.previous': '上一页',
    'lot.page.next': '下一页',
    'lot.page.position': '{page} / {pages}',
    'lot.page.label': '第 {page} 页，共 {pages} 页',
    'lot.calendar.weeks': '周',
    'lot.calendar.slots': '时段',
  },
  ko: {
    'lot.page.previous': '이전',
    'lot.page.next': '다음',
    'lot.page.position': '{page} / {pages}',
    'lot.page.label': '{pages}쪽 중 {page}쪽',
    'lot.calendar.weeks': '주',
    'lot.calendar.slots': '시간대',
  },
};
