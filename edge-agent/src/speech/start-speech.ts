import { accessSync, constants } from 'node:fs';
import type { Logger } from '../logger';
import { EspeakEngine } from './espeak-engine';
import { OPEN_JTALK_DICTIONARY, OpenJTalkEngine } from './open-jtalk-engine';
import { SpeechCache } from './speech-cache';
import { LanguageRouter } from './speech-engine';
import { SpeechService } from './speech-service';

export interface SpeechConfig {
  cacheDir: string;
  /** An Open JTalk `.htsvoice`: Japanese is spoken with it; null: espeak-ng speaks every language. */
  jaVoice: string | null;
}

/**
 * Spoken guidance, wired: espeak-ng for every language, Open JTalk for Japanese when a voice is configured
 * and usable. A configured voice (or the dictionary) that cannot be read is said once in the log and
 * Japanese falls back to espeak-ng: a person who cannot see the screen still hears every step, where
 * failing each rendering would leave the Japanese screens silent.
 */
export function startSpeech(config: SpeechConfig, logger: Logger, dictionary = OPEN_JTALK_DICTIONARY): SpeechService {
  const espeak = new EspeakEngine();
  const unusable = config.jaVoice ? unreadable([config.jaVoice, dictionary]) : null;
  if (config.jaVoice && unusable) logger.warn({ voice: config.jaVoice, unreadable: unusable }, 'Open JTalk cannot be used: Japanese is spoken by espeak-ng');
  const engines = new LanguageRouter(espeak, config.jaVoice && !unusable ? { ja: new OpenJTalkEngine(config.jaVoice, dictionary) } : {});
  logger.info({ ja: engines.engineFor('ja').id, others: espeak.id }, 'spoken guidance ready');
  return new SpeechService(new SpeechCache(config.cacheDir, engines), logger);
}

/** The first of `paths` this process cannot read, or null when it can read them all. */
function unreadable(paths: string[]): string | null {
  for (const file of paths) {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      return file;
    }
  }
  return null;
}
