import type { ReleaseChunkAck, ReleaseChunkRequest } from '@kiosk/protocols';

/**
 * Pure rules of the chunked download (issue 19). The partial file on disk is the progress: the next
 * request starts where its bytes end, so a disconnect or a restart of the agent continues from there.
 */
export function nextChunk(version: string, haveBytes: number, totalBytes: number, chunkBytes: number): ReleaseChunkRequest | null {
  if (haveBytes >= totalBytes) return null;
  return { version, offset: haveBytes, length: Math.min(chunkBytes, totalBytes - haveBytes) };
}

/** Null when the hub's answer is exactly the bytes asked for; else why it is refused (nothing is written). */
export function chunkProblem(request: ReleaseChunkRequest, ack: ReleaseChunkAck): string | null {
  if (!ack.ok) return `the hub refused chunk at ${request.offset}: ${ack.error.code} ${ack.error.message}`;
  if (ack.offset !== request.offset) return `the hub answered offset ${ack.offset} for ${request.offset}`;
  if (ack.bytes.length !== request.length) return `the hub sent ${ack.bytes.length} bytes for ${request.length} at ${request.offset}`;
  return null;
}
