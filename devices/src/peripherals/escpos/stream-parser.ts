import { FrameParseError } from '../errors';
import { DC4, DLE, EOT, ESC, FS, GS, LF } from './commands';

/** What a printer makes of the bytes it receives, in order. Text is raw bytes; its decoding depends on mode. */
export type EscPosToken =
  | { type: 'text'; bytes: Buffer }
  | { type: 'lf' }
  | { type: 'init' }
  | { type: 'charset'; n: number }
  | { type: 'kanji'; on: boolean }
  | { type: 'kanji-code'; n: number }
  | { type: 'feed'; lines: number }
  | { type: 'cut' }
  | { type: 'style' }
  | { type: 'status-request'; n: number }
  | { type: 'process-id-request'; id: string }
  | { type: 'clear-buffers' };

/** Commands with fixed parameter counts: prefix → command byte → number of parameter bytes. */
const FIXED: Record<number, Record<number, number>> = {
  [ESC]: { 0x40: 0, 0x52: 1, 0x61: 1, 0x45: 1, 0x21: 1, 0x64: 1, 0x4a: 1, 0x2d: 1, 0x74: 1, 0x32: 0, 0x33: 1 },
  [GS]: { 0x21: 1, 0x42: 1 },
  [FS]: { 0x26: 0, 0x2e: 0, 0x43: 1 },
};

const MAX_BLOCK = 64;
const CLEAR_BUFFERS_TAIL = [8, 1, 3, 20, 1, 6, 2, 8];

export interface ParseResult {
  tokens: EscPosToken[];
  errors: FrameParseError[];
}

/**
 * Incremental ESC/POS parser for the device side (the simulator and the receipt renderer). Commands split
 * across chunks wait for their remaining bytes; an unknown command or stray control byte is reported as a
 * FrameParseError and skipped (one byte), and parsing goes on. Never throws.
 */
export class EscPosParser {
  private pending: Buffer = Buffer.alloc(0);
  private consumed = 0;

  push(chunk: Uint8Array): ParseResult {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    const tokens: EscPosToken[] = [];
    const errors: FrameParseError[] = [];
    let at = 0;
    // Consecutive bad bytes are one error (with the first one's message): a burst of noise is one event.
    let run: { reason: 'unknown-command' | 'garbage'; message: string; offset: number } | undefined;
    const endRun = (): void => {
      if (run) errors.push(new FrameParseError('escpos', run.reason, run.message, run.offset));
      run = undefined;
    };
    while (at < this.pending.length) {
      const step = this.step(this.pending, at);
      if (step === 'incomplete') break;
      if ('error' in step) run ??= { reason: step.error, message: step.message, offset: this.consumed + at };
      else {
        endRun();
        if (step.token) tokens.push(step.token);
      }
      at += step.length;
    }
    endRun();
    this.consumed += at;
    this.pending = this.pending.subarray(at);
    return { tokens, errors };
  }

  /** Bytes waiting for the rest of a command. */
  get buffered(): number {
    return this.pending.length;
  }

  private step(
    buf: Buffer,
    at: number,
  ): 'incomplete' | { token?: EscPosToken; length: number } | { error: 'unknown-command' | 'garbage'; message: string; length: number } {
    const byte = buf[at] as number;
    if (byte >= 0x20 || byte === 0x09) {
      let end = at;
      while (end < buf.length && ((buf[end] as number) >= 0x20 || buf[end] === 0x09)) end += 1;
      return { token: { type: 'text', bytes: Buffer.from(buf.subarray(at, end)) }, length: end - at };
    }
    if (byte === LF) return { token: { type: 'lf' }, length: 1 };
    if (byte === 0x0d) return { length: 1 };
    if (byte === DLE) return this.realtime(buf, at);
    const table = FIXED[byte];
    if (!table) return { error: 'garbage', message: `stray control byte 0x${byte.toString(16)}`, length: 1 };
    if (at + 1 >= buf.length) return 'incomplete';
    const command = buf[at + 1] as number;
    if (byte === GS && command === 0x56) return this.cut(buf, at);
    if (byte === GS && command === 0x28) return this.extended(buf, at);
    const params = table[command];
    if (params === undefined) {
      return { error: 'unknown-command', message: `unknown command 0x${byte.toString(16)} 0x${command.toString(16)}`, length: 1 };
    }
    if (at + 2 + params > buf.length) return 'incomplete';
    const p = buf[at + 2] ?? 0;
    return { token: fixedToken(byte, command, p), length: 2 + params };
  }

  private realtime(buf: Buffer, at: number): 'incomplete' | { token: EscPosToken; length: number } | { error: 'unknown-command'; message: string; length: number } {
    if (at + 2 >= buf.length) return 'incomplete';
    const command = buf[at + 1] as number;
    const n = buf[at + 2] as number;
    if (command === EOT && n >= 1 && n <= 4) return { token: { type: 'status-request', n }, length: 3 };
    if (command === DC4 && n === 8) {
      if (at + 2 + CLEAR_BUFFERS_TAIL.length > buf.length) return 'incomplete';
      const tail = [...buf.subarray(at + 2, at + 2 + CLEAR_BUFFERS_TAIL.length)];
      if (tail.every((value, index) => value === CLEAR_BUFFERS_TAIL[index])) {
        return { token: { type: 'clear-buffers' }, length: 2 + CLEAR_BUFFERS_TAIL.length };
      }
    }
    return { error: 'unknown-command', message: `unknown real-time command 0x10 0x${command.toString(16)}`, length: 1 };
  }

  private extended(buf: Buffer, at: number): 'incomplete' | { token?: EscPosToken; length: number } | { error: 'unknown-command'; message: string; length: number } {
    // GS ( fn pL pH data: a length-prefixed block.
    if (at + 4 >= buf.length) return 'incomplete';
    const fn = buf[at + 2] as number;
    const size = (buf[at + 3] as number) + 256 * (buf[at + 4] as number);
    if (fn !== 0x48) return { error: 'unknown-command', message: `unsupported GS ( 0x${fn.toString(16)}`, length: 1 };
    // Only the 6-byte process-id block is supported; a huge declared length is noise, not a reason to stall.
    if (size > MAX_BLOCK) return { error: 'unknown-command', message: `GS ( H block of ${size} bytes`, length: 1 };
    if (at + 5 + size > buf.length) return 'incomplete';
    const token = extendedToken(buf.subarray(at + 5, at + 5 + size));
    return token ? { token, length: 5 + size } : { error: 'unknown-command', message: 'unsupported GS ( H block', length: 5 + size };
  }

  private cut(buf: Buffer, at: number): 'incomplete' | { token: EscPosToken; length: number } {
    // GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66, 97, 98, 103, 104).
    if (at + 2 >= buf.length) return 'incomplete';
    const m = buf[at + 2] as number;
    const withN = m >= 65;
    if (withN && at + 3 >= buf.length) return 'incomplete';
    return { token: { type: 'cut' }, length: withN ? 4 : 3 };
  }
}

/** GS ( H pL pH fn m d1..d4 with fn = m = 48 is the process-id request; other GS ( x blocks are skipped. */
function extendedToken(block: Buffer): EscPosToken | undefined {
  const [fn, m, ...id] = [...block];
  if (fn === 48 && m === 48 && id.length === 4 && id.every((d) => d >= 0x30 && d <= 0x39)) {
    return { type: 'process-id-request', id: Buffer.from(id).toString('ascii') };
  }
  return undefined;
}

function fixedToken(prefix: number, command: number, p: number): EscPosToken {
  if (prefix === ESC && command === 0x40) return { type: 'init' };
  if (prefix === ESC && command === 0x52) return { type: 'charset', n: p };
  if (prefix === ESC && command === 0x64) return { type: 'feed', lines: p };
  if (prefix === FS && command === 0x26) return { type: 'kanji', on: true };
  if (prefix === FS && command === 0x2e) return { type: 'kanji', on: false };
  if (prefix === FS && command === 0x43) return { type: 'kanji-code', n: p };
  return { type: 'style' };
}
