import type { Language } from '@kiosk/protocols';
import type { CertMessages } from '../certificates/i18n/ja';
import type { LotteryMessages } from '../lottery/i18n/ja';
import type { SpeechLines } from '../speech/lines/speech-lines';

/**
 * Everything the kiosk shows and says in one language besides the shared tables (device names, the
 * language picker, the out-of-service notice in all four at once: shared/i18n, small, and the console's
 * too): the certificate and lottery texts and the spoken lines. Japanese is built into the code that uses
 * it; each other language is one chunk of its own (./en.ts, ./ko.ts, ./zh-Hans.ts), loaded when a person
 * picks it (load-language.ts). This module imports no table, so the lottery's Japanese texts go with the
 * lottery's own chunk. Issue 17's JS budget.
 */
export interface LanguagePack {
  readonly cert: CertMessages;
  readonly lottery: LotteryMessages;
  readonly speech: SpeechLines;
}

export type OtherLanguage = Exclude<Language, 'ja'>;

const loaded = new Map<Language, LanguagePack>();

export function addLanguagePack(language: OtherLanguage, pack: LanguagePack): void {
  loaded.set(language, pack);
}

/**
 * One kind of text in the languages loaded so far: Japanese from the start, another once its pack is
 * added. The kiosk awaits the pack before it switches (load-language.ts), so `get` is never asked for a
 * language still on its way; if it were, it answers in Japanese rather than break the screen.
 */
export class LanguageTable<T> {
  constructor(
    private readonly japanese: T,
    private readonly part: (pack: LanguagePack) => T,
  ) {}

  has(language: Language): boolean {
    return language === 'ja' || loaded.has(language);
  }

  get(language: Language): T {
    const pack = language === 'ja' ? undefined : loaded.get(language);
    return pack === undefined ? this.japanese : this.part(pack);
  }
}
