import type { Language } from '@kiosk/protocols';
import { certJa } from '../certificates/i18n/ja';
import { lotteryJa } from '../lottery/i18n/ja';
import { ja } from '../speech/lines/ja';
import { pack as en } from './en';
import { pack as ko } from './ko';
import { addLanguagePack, type LanguagePack } from './language-packs';
import { pack as zhHans } from './zh-Hans';

/**
 * Every language's pack, imported statically: for the unit specs (kiosk-ui/jest.config.cjs adds them all
 * before each spec file) and the tables' own checks. The kiosk never imports this module: it loads the
 * packs one by one (load-language.ts).
 */
export const LANGUAGE_PACKS: Readonly<Record<Language, LanguagePack>> = {
  ja: { cert: certJa, lottery: lotteryJa, speech: ja },
  en,
  'zh-Hans': zhHans,
  ko,
};

export function addAllLanguages(): void {
  addLanguagePack('en', en);
  addLanguagePack('ko', ko);
  addLanguagePack('zh-Hans', zhHans);
}
