import { MalformedResponseError } from '../errors';

/**
 * Messages between PcscCardReader and its PC/SC host child process (pcsc-host.ts). They never leave the
 * machine and are not part of the system protocol; they are a device link like vpcd's frames, so they
 * live here with their own guards. APDUs travel as bytes (advanced IPC serialization), never as text, so
 * both ends can wipe their copy of a VERIFY.
 */
export type HostRequest =
  | { type: 'connect'; id: number; reader: string }
  | { type: 'transmit'; id: number; reader: string; apdu: Uint8Array; maxResponse: number }
  | { type: 'disconnect'; id: number; reader: string; disposition: Disposition };

export type Disposition = 'leave' | 'reset' | 'unpower';

export type HostEvent =
  | { type: 'service'; up: boolean; detail: string; pcscCode: number | null }
  | { type: 'reader-added'; reader: string }
  | { type: 'reader-removed'; reader: string }
  | { type: 'reader-status'; reader: string; present: boolean; mute: boolean; atr: Uint8Array | null }
  | { type: 'reply'; id: number; ok: true; protocol: number | null; response: Uint8Array | null }
  | { type: 'reply'; id: number; ok: false; message: string; pcscCode: number | null };

type Fields = Record<string, unknown>;

export function parseHostEvent(value: unknown): HostEvent {
  const m = record(value);
  switch (m.type) {
    case 'service':
      return { type: 'service', up: bool(m, 'up'), detail: text(m, 'detail'), pcscCode: codeOrNull(m) };
    case 'reader-added':
    case 'reader-removed':
      return { type: m.type, reader: readerName(m) };
    case 'reader-status':
      return { type: 'reader-status', reader: readerName(m), present: bool(m, 'present'), mute: bool(m, 'mute'), atr: bytesOrNull(m, 'atr') };
    case 'reply':
      if (m.ok === true) return { type: 'reply', id: id(m), ok: true, protocol: intOrNull(m, 'protocol'), response: bytesOrNull(m, 'response') };
      return { type: 'reply', id: id(m), ok: false, message: text(m, 'message'), pcscCode: codeOrNull(m) };
    default:
      throw bad(`unknown type ${String(m.type)}`);
  }
}

export function parseHostRequest(value: unknown): HostRequest {
  const m = record(value);
  switch (m.type) {
    case 'connect':
      return { type: 'connect', id: id(m), reader: readerName(m) };
    case 'transmit': {
      const apdu = bytesOrNull(m, 'apdu');
      const maxResponse = intOrNull(m, 'maxResponse');
      if (!apdu || apdu.length < 4 || maxResponse === null || maxResponse < 2 || maxResponse > 65538) throw bad('bad transmit');
      return { type: 'transmit', id: id(m), reader: readerName(m), apdu, maxResponse };
    }
    case 'disconnect': {
      const disposition = m.disposition;
      if (disposition !== 'leave' && disposition !== 'reset' && disposition !== 'unpower') throw bad('bad disposition');
      return { type: 'disconnect', id: id(m), reader: readerName(m), disposition };
    }
    default:
      throw bad(`unknown type ${String(m.type)}`);
  }
}

function record(value: unknown): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not an object');
  return value as Fields;
}

function bool(m: Fields, key: string): boolean {
  if (typeof m[key] !== 'boolean') throw bad(`${key} is not a boolean`);
  return m[key];
}

function text(m: Fields, key: string): string {
  const value = m[key];
  if (typeof value !== 'string' || value.length > 1000) throw bad(`${key} is not a short string`);
  return value;
}

function readerName(m: Fields): string {
  const value = text(m, 'reader');
  if (value.length === 0 || value.length > 200) throw bad('reader name length');
  return value;
}

function id(m: Fields): number {
  const value = m.id;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad('id is not a counter');
  return value;
}

function intOrNull(m: Fields, key: string): number | null {
  const value = m[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad(`${key} is not an integer`);
  return value;
}

function codeOrNull(m: Fields): number | null {
  const value = intOrNull(m, 'pcscCode');
  if (value !== null && (value < 0 || value > 0xffffffff)) throw bad('pcscCode out of range');
  return value;
}

function bytesOrNull(m: Fields, key: string): Uint8Array | null {
  const value = m[key];
  if (value === null || value === undefined) return null;
  if (!(value instanceof Uint8Array) || value.length > 65538) throw bad(`${key} is not bytes`);
  return value;
}

function bad(detail: string): MalformedResponseError {
  return new MalformedResponseError('host-message', detail);
}

/** A Buffer view of IPC bytes (advanced serialization may hand back a plain Uint8Array). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
