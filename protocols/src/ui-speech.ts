import { z } from 'zod';
import { LanguageSchema } from './common';
import { resultSchema } from './errors';

/**
 * Spoken guidance between the kiosk screen and its agent (socket.io `/ui`, loopback only).
 *
 * The screen derives a short script from what it shows (never a name, address or PIN digit) and asks the
 * agent to render it (`speech.render`); the agent synthesizes it offline (espeak-ng, or Open JTalk for
 * Japanese when a voice is installed), caches the WAV in its data dir under a hash of engine, language and
 * text, and answers with the loopback URL the screen plays (`GET /speech/<sha256>.wav`).
 */

/** Longest script the agent renders: a screen's guidance is a few sentences. */
export const SPEECH_MAX_CHARS = 600;

/** Where the agent serves a rendered script: only hex hashes, nothing derived from the text is readable. */
export const SPEECH_AUDIO_PATH = /^\/speech\/[0-9a-f]{64}\.wav$/;

export const SpeechRenderSchema = z.strictObject({
  language: LanguageSchema,
  text: z.string().trim().min(1).max(SPEECH_MAX_CHARS),
});
export type SpeechRender = z.infer<typeof SpeechRenderSchema>;

/**
 * The rendered script: its URL on the agent's loopback server, its size and its length. `unavailable`
 * failures (`internal`) mean no engine could speak it: the screen still shows everything.
 */
export const SpeechRenderAckSchema = resultSchema({
  audioUrl: z.string().regex(SPEECH_AUDIO_PATH),
  bytes: z.int().positive(),
  durationMs: z.int().min(0),
  engine: z.enum(['espeak-ng', 'open-jtalk']),
});
export type SpeechRenderAck = z.infer<typeof SpeechRenderAckSchema>;

/** The screen's speech command, to be merged into `UiToAgentEvents`. */
export interface UiToAgentSpeechEvents {
  'speech.render': (request: SpeechRender, ack: (result: SpeechRenderAck) => void) => void;
}

export const uiToAgentSpeechSchemas = {
  'speech.render': SpeechRenderSchema,
} as const satisfies Record<keyof UiToAgentSpeechEvents, z.ZodType>;
