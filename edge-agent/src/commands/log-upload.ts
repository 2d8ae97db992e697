import {
  MAX_LOG_CHUNK_LINES,
  MAX_LOG_CHUNKS,
  type LogChunk,
  type SimpleAck,
} from '@kiosk/protocols';
import type { LogLineSource } from './recent-logs';

/** Chunks stay well under the hub's socket message limit whatever the lines hold. */
export const MAX_LOG_CHUNK_CHARS = 512 * 1024;

export interface LogChunkPlan {
  chunks: string[][];
  /** Older lines left out because the whole upload would have been over its bound. */
  leftOut: number;
}

/**
 * Pure: splits lines (oldest first) into chunks of at most `maxLines` lines and `maxChars` characters,
 * at most `maxChunks` of them. When everything does not fit, the newest lines are kept: they are the
 * ones a technician asks about. No lines still makes one (empty, final) chunk, so the hub records that
 * the kiosk answered.
 */
export function planLogChunks(
  lines: readonly string[],
  limits: { maxLines: number; maxChars: number; maxChunks: number } = {
    maxLines: MAX_LOG_CHUNK_LINES,
    maxChars: MAX_LOG_CHUNK_CHARS,
    maxChunks: MAX_LOG_CHUNKS,
  },
): LogChunkPlan {
  // Fill chunks from the newest line backwards, then put them in order.
  const reversed: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  let taken = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (current.length > 0 && (current.length >= limits.maxLines || chars + line.length > limits.maxChars)) {
      reversed.push(current);
      if (reversed.length >= limits.maxChunks) {
        current = [];
        break;
      }
      current = [];
      chars = 0;
    }
    current.push(line);
    chars += line.length;
    taken += 1;
  }
  if (current.length > 0) reversed.push(current);
  const chunks = reversed.reverse().map((chunk) => chunk.reverse());
  return { chunks: chunks.length === 0 ? [[]] : chunks, leftOut: lines.length - taken };
}

/** Sends one chunk on the current hub connection; throws when there is none or it drops. */
export type LogChunkSender = (chunk: LogChunk) => Promise<SimpleAck>;

export class LogUploadError extends Error {
  override readonly name = 'LogUploadError';
}

/**
 * `logs.upload`: the agent's own recent log lines (redacted by the logger before they were kept) sent
 * to the hub in numbered chunks, each acked before the next. Its result (`command.result`) goes
 * through the outbox after the last chunk is acked, so a succeeded command always has its lines.
 */
export class LogUploader {
  constructor(
    private readonly source: LogLineSource,
    private readonly send: LogChunkSender,
    private readonly nowMs: () => number,
  ) {}

  async upload(commandId: string, minutes: number): Promise<string> {
    const lines = this.source.since(this.nowMs() - minutes * 60_000);
    const { chunks, leftOut } = planLogChunks(lines);
    let sent = 0;
    for (const [index, chunk] of chunks.entries()) {
      const ack = await this.send({ commandId, index, final: index === chunks.length - 1, lines: chunk });
      if (!ack.ok) throw new LogUploadError(`the hub refused log chunk ${index}: ${ack.error.code} ${ack.error.message}`);
      sent += chunk.length;
    }
    const note = leftOut > 0 ? `; ${leftOut} older lines left out (upload size limit)` : '';
    return `uploaded ${sent} log lines from the last ${minutes} min in ${chunks.length} chunk${chunks.length === 1 ? '' : 's'}${note}`;
  }
}
