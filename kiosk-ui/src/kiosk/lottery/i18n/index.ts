import type { Language } from '@kiosk/protocols';
import { fill, type Params } from '../../../shared/i18n/index';
import { lotteryEn } from './en';
import { lotteryJa, type LotteryMessageKey, type LotteryMessages } from './ja';
import { lotteryKo } from './ko';
import { lotteryZhHans } from './zh-Hans';

export type { LotteryMessageKey, LotteryMessages };

/** The lottery flow speaks every kiosk language. */
export const lotteryTables: Readonly<Record<Language, LotteryMessages>> = { ja: lotteryJa, en: lotteryEn, 'zh-Hans': lotteryZhHans, ko: lotteryKo };

export type LotteryTranslate = (key: LotteryMessageKey, params?: Params) => string;

export function isLotteryKey(key: string): key is LotteryMessageKey {
  return Object.hasOwn(lotteryJa, key);
}

export function lotteryTranslate(language: Language, key: LotteryMessageKey, params?: Params): string {
  return fill(lotteryTables[language][key], params);
}

export function lotteryTranslator(language: Language): LotteryTranslate {
  return (key, params) => lotteryTranslate(language, key, params);
}
