import type { Language } from '@kiosk/protocols';

/**
 * The word "language" in each language: keypad navigation names a language button in the language it
 * offers ("ことば: Language"), so these four stay in the main chunk while the rest of each language's
 * spoken lines load with it (kiosk/languages/).
 */
export const LANGUAGE_WORDS: Readonly<Record<Language, string>> = { ja: 'ことば', en: 'Language', ko: '언어', 'zh-Hans': '语言' };
