import type { AgentToUiEvents, Language, SpeechRenderAck, UiToAgentEvents } from '@kiosk/protocols';
import type { Socket } from 'socket.io-client';
import { agentMessage, resultWith } from '../agent-messages';

const renderAck = agentMessage<SpeechRenderAck>(resultWith('audioUrl', 'durationMs', 'bytes'));

export interface RenderedScript {
  audioUrl: string;
  durationMs: number;
  bytes: number;
}

/** What the spoken guidance asks of the agent (the guide depends on this, not on socket.io). */
export interface SpeechPort {
  render(language: Language, text: string): Promise<RenderedScript>;
}

export class SpeechError extends Error {
  constructor(readonly reason: 'refused' | 'malformed') {
    super(`speech.render ${reason}`);
    this.name = 'SpeechError';
  }
}

/** `speech.render` over the kiosk's `/ui` socket; the answer is checked by shape (agent-messages.ts says why). */
export class SpeechLink implements SpeechPort {
  constructor(
    private readonly socket: Socket<AgentToUiEvents, UiToAgentEvents>,
    /** A first rendering can take a second or two on a slow kiosk; a cached one is immediate. */
    private readonly ackTimeoutMs = 15_000,
  ) {}

  async render(language: Language, text: string): Promise<RenderedScript> {
    const raw: unknown = await this.socket.timeout(this.ackTimeoutMs).emitWithAck('speech.render', { language, text });
    const parsed = renderAck.safeParse(raw);
    if (!parsed.success) throw new SpeechError('malformed');
    if (!parsed.data.ok) throw new SpeechError('refused');
    return { audioUrl: parsed.data.audioUrl, durationMs: parsed.data.durationMs, bytes: parsed.data.bytes };
  }
}
