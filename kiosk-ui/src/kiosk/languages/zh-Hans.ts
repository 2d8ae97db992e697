import { certZhHans } from '../certificates/i18n/zh-Hans';
import { lotteryZhHans } from '../lottery/i18n/zh-Hans';
import { zhHans as speech } from '../speech/lines/zh-Hans';
import type { LanguagePack } from './language-packs';

/** One chunk of its own, loaded when a person picks this language (load-language.ts). */
export const pack: LanguagePack = { cert: certZhHans, lottery: lotteryZhHans, speech };
