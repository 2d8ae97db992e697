import { certKo } from '../certificates/i18n/ko';
import { lotteryKo } from '../lottery/i18n/ko';
import { ko as speech } from '../speech/lines/ko';
import type { LanguagePack } from './language-packs';

/** One chunk of its own, loaded when a person picks this language (load-language.ts). */
export const pack: LanguagePack = { cert: certKo, lottery: lotteryKo, speech };
