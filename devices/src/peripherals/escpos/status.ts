import type { DeviceReason } from '@kiosk/protocols';
import { FrameParseError } from '../errors';
import type { StatusKind } from './commands';

/**
 * DLE EOT n answers: one byte each, bits 1 and 4 always 1, bits 0 and 7 always 0 (Epson TM reference).
 */
export interface PrinterStatus {
  /** n = 1, bit 3. */
  offline: boolean;
  /** n = 1, bit 6. */
  waitingForRecovery: boolean;
}
export interface OfflineCause {
  /** n = 2, bit 2. */
  coverOpen: boolean;
  /** n = 2, bit 3. */
  feedButton: boolean;
  /** n = 2, bit 5: printing stopped because the paper ran out. */
  paperEndStop: boolean;
  /** n = 2, bit 6. */
  errorOccurred: boolean;
}
export interface ErrorCause {
  /** n = 3, bit 3: autocutter error (paper jammed in the cutter). */
  autocutter: boolean;
  /** n = 3, bit 5. */
  unrecoverable: boolean;
  /** n = 3, bit 6. */
  autoRecoverable: boolean;
}
export interface RollPaperStatus {
  /** n = 4, bits 2-3. */
  nearEnd: boolean;
  /** n = 4, bits 5-6. */
  paperEnd: boolean;
}

export type RealtimeStatus =
  | ({ kind: 1 } & PrinterStatus)
  | ({ kind: 2 } & OfflineCause)
  | ({ kind: 3 } & ErrorCause)
  | ({ kind: 4 } & RollPaperStatus);

export function isRealtimeStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

const bit = (byte: number, n: number): boolean => (byte & (1 << n)) !== 0;

/** Decodes one DLE EOT answer; throws FrameParseError when the fixed bits are wrong. */
export function decodeRealtimeStatus(kind: StatusKind, byte: number): RealtimeStatus {
  if (!Number.isInteger(byte) || byte < 0 || byte > 255 || !isRealtimeStatusByte(byte)) {
    throw new FrameParseError('escpos', 'bad-value', `status byte 0x${hexByte(byte)} has wrong fixed bits`);
  }
  switch (kind) {
    case 1:
      return { kind, offline: bit(byte, 3), waitingForRecovery: bit(byte, 6) };
    case 2:
      return { kind, coverOpen: bit(byte, 2), feedButton: bit(byte, 3), paperEndStop: bit(byte, 5), errorOccurred: bit(byte, 6) };
    case 3:
      return { kind, autocutter: bit(byte, 3), unrecoverable: bit(byte, 5), autoRecoverable: bit(byte, 6) };
    case 4:
      return { kind, nearEnd: (byte & 0x0c) !== 0, paperEnd: (byte & 0x60) !== 0 };
  }
}

/** The byte a printer sends for a status; the simulator's half of the same table. */
export function encodeRealtimeStatus(status: RealtimeStatus): number {
  let byte = 0x12;
  const set = (on: boolean, mask: number): void => {
    if (on) byte |= mask;
  };
  switch (status.kind) {
    case 1:
      set(status.offline, 0x08);
      set(status.waitingForRecovery, 0x40);
      break;
    case 2:
      set(status.coverOpen, 0x04);
      set(status.feedButton, 0x08);
      set(status.paperEndStop, 0x20);
      set(status.errorOccurred, 0x40);
      break;
    case 3:
      set(status.autocutter, 0x08);
      set(status.unrecoverable, 0x20);
      set(status.autoRecoverable, 0x40);
      break;
    case 4:
      set(status.nearEnd, 0x0c);
      set(status.paperEnd, 0x60);
      break;
  }
  return byte;
}

export interface FullStatus {
  printer: PrinterStatus;
  offline: OfflineCause;
  error: ErrorCause;
  paper: RollPaperStatus;
}

/** The health reasons a full status implies. Offline with no known cause is `offline`. */
export function statusReasons(status: FullStatus): DeviceReason[] {
  const reasons: DeviceReason[] = [];
  if (status.paper.paperEnd || status.offline.paperEndStop) reasons.push('paper-end');
  else if (status.paper.nearEnd) reasons.push('paper-near-end');
  if (status.offline.coverOpen) reasons.push('cover-open');
  if (status.error.autocutter || status.error.unrecoverable) reasons.push('jam');
  const explained = reasons.some((reason) => reason !== 'paper-near-end');
  if ((status.printer.offline || status.offline.errorOccurred) && !explained) reasons.push('offline');
  return reasons;
}

function hexByte(byte: number): string {
  return Number.isInteger(byte) ? (byte & 0xff).toString(16).padStart(2, '0') : String(byte);
}
