import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { failure, parseMessage, SpeechRenderSchema, type SpeechRenderAck } from '@kiosk/protocols';
import type { Logger } from '../logger';
import type { UiFeature } from '../server/ui-namespace';
import { plain } from '../server/static-handler';
import type { SpeechCache } from './speech-cache';

/** Where rendered scripts are served on the agent's loopback server. */
export const SPEECH_PATH_PREFIX = '/speech/';

/**
 * Spoken guidance on the kiosk: `speech.render` on `/ui` (the screen's script in, the audio's URL out)
 * and `GET /speech/<sha256>.wav` on the loopback server. Logs say that a rendering failed, never what it said.
 */
export class SpeechService {
  constructor(
    private readonly cache: SpeechCache,
    private readonly logger: Logger,
  ) {}

  readonly uiFeature: UiFeature = (ui) => {
    const onConnection = (socket: Parameters<Parameters<typeof ui.on<'connection'>>[1]>[0]): void => {
      socket.on('speech.render', (request, ack) => {
        if (typeof ack !== 'function') return;
        const parsed = parseMessage(SpeechRenderSchema, request, 'speech.render');
        if (!parsed.ok) {
          ack(parsed);
          return;
        }
        this.render(parsed.value.language, parsed.value.text).then(ack, () => undefined);
      });
    };
    ui.on('connection', onConnection);
    return () => {
      ui.off('connection', onConnection);
    };
  };

  async render(language: Parameters<SpeechCache['render']>[0], text: string): Promise<SpeechRenderAck> {
    try {
      const rendered = await this.cache.render(language, text);
      return { ok: true, audioUrl: `${SPEECH_PATH_PREFIX}${rendered.hash}.wav`, bytes: rendered.bytes, durationMs: rendered.durationMs, engine: rendered.engine };
    } catch (error) {
      this.logger.warn({ err: error, language }, 'speech rendering failed');
      return failure('internal', 'speech could not be rendered');
    }
  }

  /** Serves `/speech/<sha256>.wav` from the cache; true when the path was this route's. */
  async serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<boolean> {
    if (!pathname.startsWith(SPEECH_PATH_PREFIX)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      plain(response, 405, 'method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    const name = pathname.slice(SPEECH_PATH_PREFIX.length);
    const found = name.endsWith('.wav') ? await this.cache.file(name.slice(0, -'.wav'.length)) : null;
    if (found === null) {
      plain(response, 404, 'not found');
      return true;
    }
    response.writeHead(200, {
      'content-type': 'audio/wav',
      'content-length': found.bytes,
      // Named by its content's hash: the same URL is always the same sound.
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') {
      response.end();
      return true;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(found.file);
      stream.once('error', () => {
        response.destroy();
        resolve();
      });
      stream.once('end', resolve);
      stream.pipe(response);
    });
    return true;
  }
}
