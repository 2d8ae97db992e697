import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Language, SpeechRenderAck } from '@kiosk/protocols';
import { parseConfig } from '../config';
import { EspeakEngine } from './espeak-engine';
import { OPEN_JTALK_DICTIONARY, OpenJTalkEngine } from './open-jtalk-engine';
import { SynthesizerError } from './run-synthesizer';
import { SpeechCache } from './speech-cache';
import { LanguageRouter } from './speech-engine';
import { startSpeech } from './start-speech';
import { wavInfo, type WavInfo } from './wav-info';

const repoRoot = path.resolve(__dirname, '../../..');

/** Where scripts/ensure-jtalk-voice.sh keeps the pinned voice (the script alone decides; `npm test` runs it). */
function installedVoice(): string {
  const script = path.join(repoRoot, 'scripts/ensure-jtalk-voice.sh');
  return execFileSync('bash', [script, '--print-path'], { encoding: 'utf8' }).trim();
}

function openJTalkInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v open_jtalk'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The voice's own sampling rate (its header says SAMPLING_FREQUENCY:48000); espeak-ng writes 22,050 Hz. */
const OPEN_JTALK_RATE = 48_000;
const ESPEAK_RATE = 22_050;

const silent = pino({ level: 'silent' });

/** The rendered file behind a `speech.render` ack, read from the cache directory it was served from. */
function wavOfAck(cacheDir: string, ack: SpeechRenderAck): WavInfo {
  if (!ack.ok) throw new Error(`rendering failed: ${ack.error.message}`);
  return wavInfo(readFileSync(path.join(cacheDir, path.basename(ack.audioUrl))));
}

describe('OpenJTalkEngine with the real open_jtalk, dictionary and NIT ATR503 m001 voice', () => {
  let voice: string;
  let root: string;
  beforeAll(() => {
    // Nothing is skipped: the README's test command installs all three (ensure-system.sh, ensure-jtalk-voice.sh).
    if (!openJTalkInstalled()) throw new Error('open_jtalk is not installed: run scripts/ensure-system.sh');
    if (!existsSync(path.join(OPEN_JTALK_DICTIONARY, 'sys.dic'))) throw new Error(`no Open JTalk dictionary at ${OPEN_JTALK_DICTIONARY}: run scripts/ensure-system.sh`);
    voice = installedVoice();
    if (!existsSync(voice)) throw new Error(`no Open JTalk voice at ${voice}: run scripts/ensure-jtalk-voice.sh`);
  });
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'open-jtalk-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function render(text: string): Promise<WavInfo> {
    const out = path.join(root, `${Date.now()}-${Math.random()}.wav`);
    await new OpenJTalkEngine(voice).render(text, 'ja', out);
    const wav = readFileSync(out);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    return wavInfo(wav);
  }

  it('speaks a kana script as 48 kHz mono 16-bit PCM of plausible length, a longer script for longer', async () => {
    const once = await render('カードを おいて ください。');
    expect(once).toMatchObject({ channels: 1, sampleRate: OPEN_JTALK_RATE, bitsPerSample: 16 });
    // Eleven morae: a second or two, not a blip and not a minute.
    expect(once.durationMs).toBeGreaterThan(800);
    expect(once.durationMs).toBeLessThan(6_000);

    const thrice = await render('カードを おいて ください。 カードを おいて ください。 カードを おいて ください。');
    expect(thrice.durationMs).toBeGreaterThan(once.durationMs * 2);
    expect(thrice.durationMs).toBeLessThan(once.durationMs * 4);
  });

  it('reads kanji: a kanji script lasts about as long as the same words in kana', async () => {
    // Mostly kanji: espeak-ng names each one (over 15 s at the kiosk's pace), and a synthesizer that dropped them
    // would say only 「のしをします。はです。」 (2.6 s). Open JTalk reads it in about the kana's 5.4 s.
    const kanji = await render('住民票の写しを発行します。手数料は三百円です。');
    const kana = await render('じゅうみんひょうのうつしをはっこうします。てすうりょうはさんびゃくえんです。');
    expect(kanji.durationMs).toBeGreaterThan(3_000);
    expect(kanji.durationMs).toBeLessThan(15_000);
    expect(kanji.durationMs).toBeGreaterThan(kana.durationMs * 0.8);
    expect(kanji.durationMs).toBeLessThan(kana.durationMs * 1.25);
  });

  it('speaks Japanese through Open JTalk and the other languages through espeak-ng, in one cache', async () => {
    const openJTalk = new OpenJTalkEngine(voice);
    const espeak = new EspeakEngine();
    const cache = new SpeechCache(path.join(root, 'speech'), new LanguageRouter(espeak, { ja: openJTalk }));
    const ja = 'しょうめいしょの はっこうです。';
    const spoken = await cache.render('ja', ja);
    const english = await cache.render('en', 'Place your card on the reader.');

    expect(spoken.engine).toBe('open-jtalk');
    expect(wavInfo(readFileSync(spoken.file)).sampleRate).toBe(OPEN_JTALK_RATE);
    expect(english.engine).toBe('espeak-ng');
    expect(wavInfo(readFileSync(english.file)).sampleRate).toBe(ESPEAK_RATE);
    // Keyed by the voice: the same Japanese script in espeak-ng's voice is another file.
    expect(openJTalk.voice('ja')).toBe('open-jtalk:ja:nitech_jp_atr503_m001.htsvoice');
    expect(spoken.hash).toBe(SpeechCache.keyOf(openJTalk.voice('ja'), 'ja', ja));
    expect(spoken.hash).not.toBe(SpeechCache.keyOf(espeak.voice('ja'), 'ja', ja));
    expect(readdirSync(cache.dir).sort()).toEqual([`${spoken.hash}.wav`, `${english.hash}.wav`].sort());
  });

  it('fails with an error naming the voice file when it is missing, and caches nothing', async () => {
    const missing = path.join(root, 'no-such-voice.htsvoice');
    const failed = new OpenJTalkEngine(missing).render('テスト', 'ja', path.join(root, 'out.wav'));
    await expect(failed).rejects.toThrow(SynthesizerError);
    await expect(failed).rejects.toMatchObject({ command: 'open_jtalk', reason: 'exit' });
    await expect(failed).rejects.toThrow(`Cannot open ${missing}`);

    const cache = new SpeechCache(path.join(root, 'speech'), new LanguageRouter(new EspeakEngine(), { ja: new OpenJTalkEngine(missing) }));
    await expect(cache.render('ja', 'テスト')).rejects.toThrow(SynthesizerError);
    expect(readdirSync(cache.dir)).toEqual([]);
  });

  it('is what the agent speaks Japanese with when AGENT_SPEECH_JA_VOICE names the voice (config to startSpeech)', async () => {
    const withVoice = parseConfig({ AGENT_SPEECH_JA_VOICE: voice }, path.join(root, 'with-voice')).speech;
    const service = startSpeech(withVoice, silent);
    const ja = await service.render('ja', '証明書を発行します。');
    const en = await service.render('en', 'Your certificate is printing.');
    expect(ja).toMatchObject({ ok: true, engine: 'open-jtalk' });
    expect(wavOfAck(withVoice.cacheDir, ja).sampleRate).toBe(OPEN_JTALK_RATE);
    expect(en).toMatchObject({ ok: true, engine: 'espeak-ng' });
    expect(wavOfAck(withVoice.cacheDir, en).sampleRate).toBe(ESPEAK_RATE);

    const withoutVoice = parseConfig({}, path.join(root, 'without-voice')).speech;
    const fallback = await startSpeech(withoutVoice, silent).render('ja', 'しょうめいしょを はっこうします。');
    expect(fallback).toMatchObject({ ok: true, engine: 'espeak-ng' });
    expect(wavOfAck(withoutVoice.cacheDir, fallback).sampleRate).toBe(ESPEAK_RATE);
  });

  it('speaks Japanese with espeak-ng, and says so once in the log, when the configured voice or dictionary cannot be read', async () => {
    const languages: Record<Language, string> = { ja: 'テスト', en: 'Test.', ko: '테스트', 'zh-Hans': '测试' };
    const cases = [
      { name: 'voice', voice: path.join(root, 'gone.htsvoice'), dictionary: OPEN_JTALK_DICTIONARY },
      { name: 'dictionary', voice, dictionary: path.join(root, 'no-dictionary') },
    ];
    for (const { name, voice: configured, dictionary } of cases) {
      const lines: Array<{ level: number; msg: string; unreadable?: string }> = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string; unreadable?: string }) });
      const speech = parseConfig({ AGENT_SPEECH_JA_VOICE: configured }, path.join(root, name)).speech;
      const service = startSpeech(speech, logger, dictionary);
      for (const language of ['ja', 'en', 'ko', 'zh-Hans'] as const) {
        expect(await service.render(language, languages[language])).toMatchObject({ ok: true, engine: 'espeak-ng' });
      }
      const warnings = lines.filter((line) => line.level === 40);
      expect(warnings).toEqual([expect.objectContaining({ msg: 'Open JTalk cannot be used: Japanese is spoken by espeak-ng', unreadable: name === 'voice' ? configured : dictionary })]);
    }
  });
});
