import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { AgentUpdateParams } from '@kiosk/protocols';
import { chunkProblem, nextChunk } from './chunk-plan';
import type { UpdateHub } from './hub-updates';

export class DownloadRefusedError extends Error {
  override readonly name = 'DownloadRefusedError';
}

export interface DownloadDeps {
  hub: UpdateHub;
  /** Resolves once the hub link is up again (or rejects when the agent stops). */
  waitForHub: () => Promise<void>;
  /** Told after each chunk is on disk, with the bytes held so far. */
  progress: (downloadedBytes: number) => void;
  /** A short wait before asking again after the hub said it is busy. */
  pause: () => Promise<void>;
}

/** Hub answers that mean "ask again later"; any other refusal (not_found, invalid_message) ends the download. */
const RETRIED_FAILURES: ReadonlySet<string> = new Set(['busy', 'internal', 'rate_limited']);

/**
 * Fetches the offered artefact in chunks into `partialFile` (issue 19). The bytes on disk are the
 * progress: after a disconnect the loop waits for the link and continues; after an agent restart a new
 * downloader continues from the file's size. A chunk whose answer is not the bytes asked for is not
 * written; the hub refusing the release ends it (DownloadRefusedError). Resolves the whole file's bytes once
 * they are all there; the caller checks the SHA-256 (`sha256Of`).
 */
export async function downloadArtefact(params: AgentUpdateParams, partialFile: string, deps: DownloadDeps, signal: AbortSignal): Promise<void> {
  await mkdir(path.dirname(partialFile), { recursive: true, mode: 0o700 });
  let have = await sizeOf(partialFile);
  if (have > params.artefactBytes) {
    await rm(partialFile, { force: true });
    have = 0;
  }
  const file = await open(partialFile, 'a', 0o600);
  try {
    for (;;) {
      signal.throwIfAborted();
      const request = nextChunk(params.version, have, params.artefactBytes, params.chunkBytes);
      if (request === null) return;
      if (!deps.hub.connected()) {
        await deps.waitForHub();
        continue;
      }
      let ack;
      try {
        ack = await deps.hub.chunk(request);
      } catch {
        // Unreachable or no answer: wait for the link and ask for the same bytes again.
        await deps.waitForHub();
        continue;
      }
      if (!ack.ok && RETRIED_FAILURES.has(ack.error.code)) {
        await deps.pause();
        continue;
      }
      const problem = chunkProblem(request, ack);
      if (problem !== null || !ack.ok) throw new DownloadRefusedError(problem ?? 'the hub refused a chunk');
      await file.write(ack.bytes, 0, ack.bytes.length, request.offset);
      await file.datasync();
      have += ack.bytes.length;
      deps.progress(have);
    }
  } finally {
    await file.close();
  }
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Throws away the downloaded bytes (a mismatching artefact is fetched again from the start). */
export async function discardPartial(partialFile: string): Promise<void> {
  await truncate(partialFile, 0).catch(() => undefined);
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
