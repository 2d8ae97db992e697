import { certEn } from '../certificates/i18n/en';
import { lotteryEn } from '../lottery/i18n/en';
import { en as speech } from '../speech/lines/en';
import type { LanguagePack } from './language-packs';

/** One chunk of its own, loaded when a person picks this language (load-language.ts). */
export const pack: LanguagePack = { cert: certEn, lottery: lotteryEn, speech };
