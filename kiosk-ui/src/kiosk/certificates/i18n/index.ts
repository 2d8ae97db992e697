import type { Language } from '@kiosk/protocols';
import { fill, tables, type MessageKey, type Params } from '../../../shared/i18n/index';
import { LanguageTable } from '../../languages/language-packs';
import { certJa, type CertMessageKey, type CertMessages } from './ja';

export type { CertMessageKey, CertMessages };

/** The certificate flow speaks every kiosk language: Japanese from the start, the others loaded on demand (kiosk/languages/). */
export const certTables = new LanguageTable<CertMessages>(certJa, (pack) => pack.cert);

/** Any text the flow shows: its own keys, or the shared kiosk ones (device names, language picker). */
export type CertKey = CertMessageKey | MessageKey;

/** A translator bound to one language, handed to the flow's components as `t`. */
export type CertTranslate = (key: CertKey, params?: Params) => string;

export function isCertKey(key: string): key is CertMessageKey {
  return Object.hasOwn(certJa, key);
}

export function certTranslate(language: Language, key: CertKey, params?: Params): string {
  return fill(isCertKey(key) ? certTables.get(language)[key] : tables[language][key], params);
}

export function certTranslator(language: Language): CertTranslate {
  return (key, params) => certTranslate(language, key, params);
}

const NUMBER_LOCALE: Readonly<Record<Language, string>> = { ja: 'ja-JP', en: 'en-US', 'zh-Hans': 'zh-CN', ko: 'ko-KR' };

/** An amount of yen as the language writes it ("1,000円", "¥1,000", …). */
export function formatYen(language: Language, yen: number): string {
  return certTranslate(language, 'cert.yen', { yen: yen.toLocaleString(NUMBER_LOCALE[language]) });
}
