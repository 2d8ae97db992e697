import iconv from 'iconv-lite';
import { InvalidArgumentError, ReceiptEncodingError } from '../errors';

/** ESC/POS control bytes (Epson TM series command reference). */
export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const DC4 = 0x14;
export const LF = 0x0a;

/** `n` of `DLE EOT n`: which real-time status byte to send back. */
export type StatusKind = 1 | 2 | 3 | 4;

/** Builders for the commands the driver sends. Each returns the exact bytes. */
export const escpos = {
  /** ESC @: reset modes to power-on defaults (does not clear the print buffer). */
  init: (): Buffer => Buffer.from([ESC, 0x40]),
  /** ESC R 8: international character set Japan, so 0x5C prints as ¥. */
  japanCharset: (): Buffer => Buffer.from([ESC, 0x52, 8]),
  /** FS C 1: kanji code system Shift_JIS. */
  shiftJis: (): Buffer => Buffer.from([FS, 0x43, 1]),
  /** FS &: kanji mode on (two-byte Shift_JIS characters print as kanji). */
  kanjiOn: (): Buffer => Buffer.from([FS, 0x26]),
  /** FS .: kanji mode off. */
  kanjiOff: (): Buffer => Buffer.from([FS, 0x2e]),
  /** ESC a n: 0 left, 1 centre, 2 right. */
  align: (alignment: Alignment): Buffer => Buffer.from([ESC, 0x61, ALIGNMENTS.indexOf(alignment)]),
  /** ESC E n: emphasis. */
  bold: (on: boolean): Buffer => Buffer.from([ESC, 0x45, on ? 1 : 0]),
  /** GS ! n: character size (0x11 = double width and height). */
  size: (double: boolean): Buffer => Buffer.from([GS, 0x21, double ? 0x11 : 0x00]),
  /** ESC d n: print and feed n lines. */
  feed: (lines: number): Buffer => Buffer.from([ESC, 0x64, clampByte(lines)]),
  /** GS V 66 n: feed n lines' worth to the cutter, then partial cut. */
  cut: (): Buffer => Buffer.from([GS, 0x56, 66, 3]),
  /** DLE EOT n: real-time status, answered at once even while the printer is stopped. */
  realtimeStatus: (kind: StatusKind): Buffer => Buffer.from([DLE, EOT, kind]),
  /**
   * GS ( H 6 0 48 48 d1..d4: "transmit response of process ID". The printer answers `37 22 d1..d4 00` only
   * after everything sent before it has been printed, so the answer is the proof a job finished. The id
   * (four ASCII digits) ties the answer to this job: a stray byte can never pass for it.
   */
  processIdRequest: (id: string): Buffer => {
    if (!/^[0-9]{4}$/.test(id)) throw new InvalidArgumentError(`process id must be 4 digits, got ${JSON.stringify(id)}`);
    return Buffer.concat([Buffer.from([GS, 0x28, 0x48, 6, 0, 48, 48]), Buffer.from(id, 'ascii')]);
  },
  /** DLE DC4 8 1 3 20 1 6 2 8: clear receive and print buffers (real-time), so an aborted job stays aborted. */
  clearBuffers: (): Buffer => Buffer.from([DLE, DC4, 8, 1, 3, 20, 1, 6, 2, 8]),
};

export const ALIGNMENTS = ['left', 'center', 'right'] as const;
export type Alignment = (typeof ALIGNMENTS)[number];

export interface ReceiptText {
  text: string;
  align?: Alignment;
  bold?: boolean;
  double?: boolean;
}
export type ReceiptLine = ReceiptText | { feed: number };

/** A receipt: lines of Japanese (or ASCII) text printed in order, then fed and cut. */
export interface Receipt {
  lines: ReceiptLine[];
}

/**
 * One line of text as Shift_JIS bytes for a printer set to the Japan character set. `¥` is sent as 0x5C;
 * `\` and `~` (which would print as ¥ and ‾) and control characters (which would be commands) are refused,
 * as is anything Shift_JIS cannot represent: a receipt never prints `?` where a character was meant.
 */
export function encodeReceiptText(text: string, lineIndex = 0): Buffer {
  const forbidden = [...text].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || code === 0x7f || char === '\\' || char === '~';
  });
  if (forbidden) throw new ReceiptEncodingError(lineIndex);
  const prepared = text.replace(/¥/g, '\\');
  const bytes = iconv.encode(prepared, 'Shift_JIS');
  if (iconv.decode(bytes, 'Shift_JIS') !== prepared) throw new ReceiptEncodingError(lineIndex);
  return bytes;
}

/** The whole job: init, Japanese setup, the lines, a feed and a cut. Pure; throws only ReceiptEncodingError. */
export function encodeReceipt(receipt: Receipt): Buffer {
  const parts: Buffer[] = [escpos.init(), escpos.japanCharset(), escpos.shiftJis(), escpos.kanjiOn()];
  receipt.lines.forEach((line, index) => {
    if ('feed' in line) {
      parts.push(escpos.feed(line.feed));
      return;
    }
    const text = encodeReceiptText(line.text, index);
    parts.push(escpos.align(line.align ?? 'left'), escpos.bold(line.bold ?? false), escpos.size(line.double ?? false));
    parts.push(text, Buffer.from([LF]));
  });
  parts.push(escpos.align('left'), escpos.bold(false), escpos.size(false), escpos.feed(3), escpos.cut());
  return Buffer.concat(parts);
}

function clampByte(value: number): number {
  return Math.max(0, Math.min(255, Math.trunc(value)));
}
