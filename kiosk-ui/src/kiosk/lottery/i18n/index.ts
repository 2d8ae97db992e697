import type { Language } from '@kiosk/protocols';
import { fill, type Params } from '../../../shared/i18n/index';
import { LanguageTable } from '../../languages/language-packs';
import { lotteryJa, type LotteryMessageKey, type LotteryMessages } from './ja';

export type { LotteryMessageKey, LotteryMessages };

/** The lottery flow speaks every kiosk language: Japanese from the start, the others loaded on demand (kiosk/languages/). */
export const lotteryTables = new LanguageTable<LotteryMessages>(lotteryJa, (pack) => pack.lottery);

export type LotteryTranslate = (key: LotteryMessageKey, params?: Params) => string;

export function isLotteryKey(key: string): key is LotteryMessageKey {
  return Object.hasOwn(lotteryJa, key);
}

export function lotteryTranslate(language: Language, key: LotteryMessageKey, params?: Params): string {
  return fill(lotteryTables.get(language)[key], params);
}

export function lotteryTranslator(language: Language): LotteryTranslate {
  return (key, params) => lotteryTranslate(language, key, params);
}
