import { FrameParseError } from '../errors';

/** ccTalk addresses: the host is 1; coin acceptors default to 2, hoppers to 3 and up. */
export const HOST_ADDRESS = 1;

/** [destination][data length][source][header][data...][checksum] — the "simple checksum" variant. */
export interface CcTalkFrame {
  destination: number;
  source: number;
  header: number;
  data: Buffer;
}

const OVERHEAD = 5;
export const MAX_FRAME_LENGTH = 255 + OVERHEAD;

/** The byte that makes the sum of the whole frame 0 modulo 256. */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return (256 - sum) & 0xff;
}

export function encodeFrame(frame: CcTalkFrame): Buffer {
  if (frame.data.length > 255) throw new FrameParseError('cctalk', 'bad-length', `data of ${frame.data.length} bytes`);
  const body = Buffer.concat([Buffer.from([frame.destination & 0xff, frame.data.length, frame.source & 0xff, frame.header & 0xff]), frame.data]);
  return Buffer.concat([body, Buffer.from([checksum(body)])]);
}

function sumIsZero(bytes: Uint8Array, start: number, end: number): boolean {
  let sum = 0;
  for (let i = start; i < end; i += 1) sum = (sum + (bytes[i] as number)) & 0xff;
  return sum === 0;
}

function frameAt(bytes: Buffer, start: number, length: number): CcTalkFrame {
  return {
    destination: bytes[start] as number,
    source: bytes[start + 2] as number,
    header: bytes[start + 3] as number,
    data: Buffer.from(bytes.subarray(start + 4, start + length - 1)),
  };
}

/** Parses exactly one frame. Throws FrameParseError (truncated, bad-length, checksum) and nothing else. */
export function parseFrame(bytes: Uint8Array): CcTalkFrame {
  const buf = Buffer.from(bytes);
  if (buf.length < OVERHEAD) throw new FrameParseError('cctalk', 'truncated', `${buf.length} bytes is shorter than a frame`);
  const length = (buf[1] as number) + OVERHEAD;
  if (buf.length < length) throw new FrameParseError('cctalk', 'truncated', `${buf.length} of ${length} bytes`);
  if (buf.length > length) throw new FrameParseError('cctalk', 'bad-length', `${buf.length - length} bytes after the frame`);
  if (!sumIsZero(buf, 0, length)) throw new FrameParseError('cctalk', 'checksum', 'checksum mismatch');
  return frameAt(buf, 0, length);
}

/**
 * Splits a byte stream into frames. ccTalk has no start byte, so the checksum is the only anchor: a
 * candidate at the head that fails its checksum is garbage, and one byte is dropped to look again. A head
 * that claims more bytes than have arrived waits — unless a complete valid frame already starts later in
 * the buffer, which proves the head is noise. Each run of dropped bytes is one FrameParseError. Never throws.
 */
export class CcTalkFrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private prefix = new Uint32Array(1);

  push(chunk: Uint8Array): { frames: CcTalkFrame[]; errors: FrameParseError[] } {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : Buffer.from(chunk);
    // Prefix sums make every candidate's checksum test O(1), so a noisy line costs linear time.
    this.prefix = new Uint32Array(this.buffer.length + 1);
    for (let i = 0; i < this.buffer.length; i += 1) this.prefix[i + 1] = (this.prefix[i] as number) + (this.buffer[i] as number);
    const frames: CcTalkFrame[] = [];
    const errors: FrameParseError[] = [];
    let dropped = 0;
    let reason: 'checksum' | 'garbage' = 'garbage';
    const endRun = (): void => {
      if (dropped) errors.push(new FrameParseError('cctalk', reason, `dropped ${dropped} byte(s) that are not a valid frame`));
      dropped = 0;
      reason = 'garbage';
    };
    let at = 0;
    while (at < this.buffer.length) {
      const length = this.completeLength(at);
      if (length === undefined) {
        const next = this.nextValidFrame(at + 1);
        if (next === undefined) break;
        dropped += next - at;
        at = next;
        continue;
      }
      if (this.validAt(at, length)) {
        endRun();
        frames.push(frameAt(this.buffer, at, length));
        at += length;
      } else {
        reason = 'checksum';
        dropped += 1;
        at += 1;
      }
    }
    endRun();
    this.buffer = Buffer.from(this.buffer.subarray(at));
    return { frames, errors };
  }

  /** Drops a partial frame (the line went quiet mid-frame); returns the error for it, if any. */
  flush(): FrameParseError[] {
    if (!this.buffer.length) return [];
    const error = new FrameParseError('cctalk', 'truncated', `frame cut short after ${this.buffer.length} byte(s)`);
    this.buffer = Buffer.alloc(0);
    return [error];
  }

  get buffered(): number {
    return this.buffer.length;
  }

  private validAt(start: number, length: number): boolean {
    return (((this.prefix[start + length] as number) - (this.prefix[start] as number)) & 0xff) === 0;
  }

  /** The frame length at `at` if all its bytes are here. */
  private completeLength(at: number): number | undefined {
    if (at + 1 >= this.buffer.length) return undefined;
    const length = (this.buffer[at + 1] as number) + OVERHEAD;
    return at + length <= this.buffer.length ? length : undefined;
  }

  private nextValidFrame(from: number): number | undefined {
    for (let start = from; start + OVERHEAD <= this.buffer.length; start += 1) {
      const length = this.completeLength(start);
      if (length !== undefined && this.validAt(start, length)) return start;
    }
    return undefined;
  }
}
