import type { Language } from '@kiosk/protocols';
import type { SpeechEngine } from './speech-engine';
import { runSynthesizer, SYNTHESIS_TIMEOUT_MS, type RunSynthesizer } from './run-synthesizer';

/**
 * espeak-ng's voice per kiosk language. Its Japanese voice reads kana only (kanji come out as
 * character names), so the Japanese scripts are written in kana; `cmn` is Mandarin for Simplified Chinese.
 */
export const ESPEAK_VOICES = { ja: 'ja', en: 'en-us', ko: 'ko', 'zh-Hans': 'cmn' } as const satisfies Record<Language, string>;

/** Words per minute: a little slower than espeak-ng's 175, as kiosk guidance is for everyone. */
const SPEED_WPM = 150;

/** Debian's `espeak-ng` (formant synthesis, fully offline, every kiosk language). */
export class EspeakEngine implements SpeechEngine {
  readonly id = 'espeak-ng';

  constructor(
    private readonly run: RunSynthesizer = runSynthesizer,
    private readonly command = 'espeak-ng',
  ) {}

  voice(language: Language): string {
    return `espeak-ng:${ESPEAK_VOICES[language]}:${SPEED_WPM}`;
  }

  render(text: string, language: Language, outFile: string): Promise<void> {
    // -b 1: the script is UTF-8; --stdin: it never appears in the process list.
    return this.run(this.command, ['-v', ESPEAK_VOICES[language], '-s', String(SPEED_WPM), '-b', '1', '-w', outFile, '--stdin'], text, SYNTHESIS_TIMEOUT_MS);
  }
}
