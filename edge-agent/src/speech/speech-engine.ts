import type { Language } from '@kiosk/protocols';

/** Which synthesizer rendered a script (part of the cache key: another engine's audio is another file). */
export type SpeechEngineId = 'espeak-ng' | 'open-jtalk';

/**
 * Offline text-to-speech on the kiosk: one script in, one PCM WAV file out. Implementations run a local
 * synthesizer (espeak-ng, Open JTalk); nothing leaves the machine and nothing is logged of the text.
 */
export interface SpeechEngine {
  readonly id: SpeechEngineId;
  /** A stable name of the voice a language is spoken in (cache key; e.g. `espeak-ng:ja`). */
  voice(language: Language): string;
  /** Writes `text` spoken in `language` as a WAV file at `outFile` (a path in a private directory). */
  render(text: string, language: Language, outFile: string): Promise<void>;
}

/** The engine a language is spoken by: Open JTalk for Japanese when configured, espeak-ng for the rest. */
export class LanguageRouter {
  constructor(
    private readonly fallback: SpeechEngine,
    private readonly byLanguage: Partial<Record<Language, SpeechEngine>> = {},
  ) {}

  engineFor(language: Language): SpeechEngine {
    return this.byLanguage[language] ?? this.fallback;
  }
}
