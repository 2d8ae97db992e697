import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Language } from '@kiosk/protocols';
import type { LanguageRouter, SpeechEngineId } from './speech-engine';
import { wavInfo } from './wav-info';

export interface RenderedSpeech {
  /** sha256 of engine voice, language and text: the file's name, and all its URL says. */
  hash: string;
  file: string;
  bytes: number;
  durationMs: number;
  engine: SpeechEngineId;
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * Rendered scripts in the agent's data dir: `<dataDir>/speech/<sha256>.wav`, the directory 0700 and each
 * file 0600 (tightened on an older install too). A script is rendered once per voice; the same request
 * while it renders waits for that rendering. Files are named by hash only, and a WAV written by the engines
 * carries no metadata beyond its format: nothing of the text can be read from the cache but the sound.
 */
export class SpeechCache {
  readonly #inFlight = new Map<string, Promise<RenderedSpeech>>();
  #ready: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly engines: LanguageRouter,
  ) {}

  static keyOf(voice: string, language: Language, text: string): string {
    return createHash('sha256').update(`${voice}\n${language}\n${text}`, 'utf8').digest('hex');
  }

  render(language: Language, text: string): Promise<RenderedSpeech> {
    const engine = this.engines.engineFor(language);
    const hash = SpeechCache.keyOf(engine.voice(language), language, text);
    const running = this.#inFlight.get(hash);
    if (running) return running;
    const job = this.#renderOnce(hash, language, text).finally(() => this.#inFlight.delete(hash));
    this.#inFlight.set(hash, job);
    return job;
  }

  /** The cached file for a hash, or null (an unknown or malformed name never touches the file system beyond a stat). */
  async file(hash: string): Promise<{ file: string; bytes: number } | null> {
    if (!HASH.test(hash)) return null;
    const file = path.join(this.dir, `${hash}.wav`);
    try {
      const info = await stat(file);
      return info.isFile() ? { file, bytes: info.size } : null;
    } catch {
      return null;
    }
  }

  async #renderOnce(hash: string, language: Language, text: string): Promise<RenderedSpeech> {
    await this.#ensureDir();
    const engine = this.engines.engineFor(language);
    const file = path.join(this.dir, `${hash}.wav`);
    const cached = await readFile(file).catch(() => null);
    if (cached !== null) {
      await chmod(file, 0o600);
      const info = wavInfo(cached);
      return { hash, file, bytes: cached.length, durationMs: info.durationMs, engine: engine.id };
    }
    // The engine writes into a private scratch directory; the cache gets the file 0600, renamed in whole.
    const scratch = path.join(this.dir, `.render-${randomUUID()}`);
    await mkdir(scratch, { mode: 0o700 });
    try {
      const raw = path.join(scratch, 'out.wav');
      await engine.render(text, language, raw);
      const wav = await readFile(raw);
      const info = wavInfo(wav);
      const staged = path.join(scratch, 'staged.wav');
      await writeFile(staged, wav, { mode: 0o600 });
      await rename(staged, file);
      return { hash, file, bytes: wav.length, durationMs: info.durationMs, engine: engine.id };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  #ensureDir(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await chmod(this.dir, 0o700);
    })();
    return this.#ready;
  }
}
