import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Language } from '@kiosk/protocols';
import { EspeakEngine } from './espeak-engine';
import { SpeechCache } from './speech-cache';
import { LanguageRouter, type SpeechEngine } from './speech-engine';
import { wavInfo } from './wav-info';

/** Debian's espeak-ng must be installed (scripts/ensure-system.sh): this test speaks with the real one. */
function espeakInstalled(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Counts renderings, so a cache hit is seen to skip the synthesizer. */
class CountingEngine implements SpeechEngine {
  readonly id;
  renders = 0;
  constructor(private readonly inner: SpeechEngine) {
    this.id = inner.id;
  }
  voice(language: Language): string {
    return this.inner.voice(language);
  }
  async render(text: string, language: Language, outFile: string): Promise<void> {
    this.renders += 1;
    await this.inner.render(text, language, outFile);
  }
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe('SpeechCache over espeak-ng', () => {
  let root: string;
  beforeAll(() => {
    if (!espeakInstalled()) throw new Error('espeak-ng is not installed: run scripts/ensure-system.sh');
  });
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'speech-cache-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('renders a RIFF/WAVE file of plausible length, in a 0700 dir as a 0600 file named by hash only', async () => {
    const engine = new CountingEngine(new EspeakEngine());
    const cache = new SpeechCache(path.join(root, 'speech'), new LanguageRouter(engine));
    const text = 'しょうめいしょの はっこうです。 マイナンバーカードを よみとりきに おいて ください。';
    const rendered = await cache.render('ja', text);

    const wav = readFileSync(rendered.file);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    const info = wavInfo(wav);
    expect(info.dataBytes).toBeGreaterThan(10_000);
    expect(rendered.durationMs).toBe(info.durationMs);
    // About 40 kana at a kiosk's pace: a few seconds, not a blip and not a minute.
    expect(rendered.durationMs).toBeGreaterThan(2_000);
    expect(rendered.durationMs).toBeLessThan(20_000);

    expect(mode(cache.dir)).toBe(0o700);
    expect(mode(rendered.file)).toBe(0o600);
    expect(readdirSync(cache.dir)).toEqual([`${rendered.hash}.wav`]);
    expect(path.basename(rendered.file)).toMatch(/^[0-9a-f]{64}\.wav$/);
    // No metadata: the file is the format chunk and the samples, nothing of the text.
    expect(wav.includes(Buffer.from('LIST'))).toBe(false);
    expect(wav.includes(Buffer.from(text, 'utf8'))).toBe(false);

    const again = await cache.render('ja', text);
    expect(again.hash).toBe(rendered.hash);
    expect(engine.renders).toBe(1);
  });

  it('speaks longer scripts for longer, in every kiosk language', async () => {
    const cache = new SpeechCache(path.join(root, 'speech'), new LanguageRouter(new EspeakEngine()));
    const short: Record<Language, string> = {
      ja: 'カードを おいて ください。',
      en: 'Place your card.',
      ko: '카드를 올려 주세요.',
      'zh-Hans': '请放卡。',
    };
    for (const language of Object.keys(short) as Language[]) {
      const once = await cache.render(language, short[language]);
      const thrice = await cache.render(language, `${short[language]} ${short[language]} ${short[language]}`);
      expect(once.durationMs).toBeGreaterThan(300);
      expect(thrice.durationMs).toBeGreaterThan(once.durationMs * 2);
      expect(thrice.durationMs).toBeLessThan(once.durationMs * 4);
    }
  });

  it('tightens an older, looser cache directory and file', async () => {
    const dir = path.join(root, 'speech');
    const first = await new SpeechCache(dir, new LanguageRouter(new EspeakEngine())).render('en', 'Repeat.');
    execFileSync('chmod', ['0755', dir]);
    execFileSync('chmod', ['0644', first.file]);
    await new SpeechCache(dir, new LanguageRouter(new EspeakEngine())).render('en', 'Repeat.');
    expect(mode(dir)).toBe(0o700);
    expect(mode(first.file)).toBe(0o600);
  });
});
