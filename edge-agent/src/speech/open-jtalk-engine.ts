import path from 'node:path';
import type { Language } from '@kiosk/protocols';
import type { SpeechEngine } from './speech-engine';
import { runSynthesizer, SYNTHESIS_TIMEOUT_MS, type RunSynthesizer } from './run-synthesizer';

/** Where Debian's `open-jtalk-mecab-naist-jdic` installs the dictionary Open JTalk reads kanji with. */
export const OPEN_JTALK_DICTIONARY = '/var/lib/mecab/dic/open-jtalk/naist-jdic';

/**
 * Japanese through Open JTalk (HMM voice, reads kanji and kana), used when the kiosk has a voice file
 * installed (`AGENT_SPEECH_JA_VOICE=…/*.htsvoice`). Debian ships the synthesizer (`open-jtalk`) and the
 * dictionary; the voice (e.g. the NIT ATR503 m001 `.htsvoice`) is installed by the kiosk's image.
 */
export class OpenJTalkEngine implements SpeechEngine {
  readonly id = 'open-jtalk';

  constructor(
    private readonly voiceFile: string,
    private readonly dictionary = OPEN_JTALK_DICTIONARY,
    private readonly run: RunSynthesizer = runSynthesizer,
    private readonly command = 'open_jtalk',
  ) {}

  voice(language: Language): string {
    return `open-jtalk:${language}:${path.basename(this.voiceFile)}`;
  }

  render(text: string, _language: Language, outFile: string): Promise<void> {
    // No input file: open_jtalk reads the script from stdin.
    return this.run(this.command, ['-x', this.dictionary, '-m', this.voiceFile, '-ow', outFile], text, SYNTHESIS_TIMEOUT_MS);
  }
}
