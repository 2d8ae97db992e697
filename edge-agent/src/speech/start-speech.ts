import type { Logger } from '../logger';
import { EspeakEngine } from './espeak-engine';
import { OpenJTalkEngine } from './open-jtalk-engine';
import { SpeechCache } from './speech-cache';
import { LanguageRouter } from './speech-engine';
import { SpeechService } from './speech-service';

export interface SpeechConfig {
  cacheDir: string;
  /** An Open JTalk `.htsvoice`: Japanese is spoken with it; null: espeak-ng speaks every language. */
  jaVoice: string | null;
}

/** Spoken guidance, wired: espeak-ng for every language, Open JTalk for Japanese when a voice is configured. */
export function startSpeech(config: SpeechConfig, logger: Logger): SpeechService {
  const espeak = new EspeakEngine();
  const engines = new LanguageRouter(espeak, config.jaVoice ? { ja: new OpenJTalkEngine(config.jaVoice) } : {});
  logger.info({ ja: engines.engineFor('ja').id, others: espeak.id }, 'spoken guidance ready');
  return new SpeechService(new SpeechCache(config.cacheDir, engines), logger);
}
