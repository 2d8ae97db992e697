/**
 * A minimal DER reader (X.690): enough to walk a CRL and a certificate's TBS. Strict on purpose: input
 * is configuration that decides who is revoked, so anything not minimal DER is an error, never a guess.
 */
export type DerErrorReason = 'truncated' | 'indefinite-length' | 'non-minimal-length' | 'length-too-large' | 'high-tag-number' | 'unexpected-tag' | 'trailing-bytes' | 'bad-value';

export class DerError extends Error {
  override readonly name = 'DerError';
  constructor(
    readonly reason: DerErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
} as const;

/** One tag-length-value: the value is `buf.subarray(valueStart, end)`, the whole element `buf.subarray(start, end)`. */
export interface Tlv {
  tag: number;
  start: number;
  valueStart: number;
  end: number;
}

/** Reads the element at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Buffer, offset: number, limit: number = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated', `element header at ${offset} runs past the end`);
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high-tag-number', `high tag numbers are not used here (at ${offset})`);
  const first = buf[offset + 1] as number;
  let length: number;
  let valueStart: number;
  if (first < 0x80) {
    length = first;
    valueStart = offset + 2;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('indefinite-length', `indefinite length is not DER (at ${offset})`);
    if (count > 4) throw new DerError('length-too-large', `length of ${count} bytes (at ${offset})`);
    if (offset + 2 + count > limit) throw new DerError('truncated', `length bytes at ${offset} run past the end`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buf[offset + 2 + i] as number);
    if (buf[offset + 2] === 0 || length < 0x80) throw new DerError('non-minimal-length', `length not in its shortest form (at ${offset})`);
    valueStart = offset + 2 + count;
  }
  const end = valueStart + length;
  if (end > limit) throw new DerError('truncated', `element at ${offset} claims ${length} bytes, only ${limit - valueStart} left`);
  return { tag, start: offset, valueStart, end };
}

/** Reads exactly one element filling `buf` (no trailing bytes). */
export function readRoot(buf: Buffer, tag: number, what: string): Tlv {
  const tlv = expectTag(readTlv(buf, 0), tag, what);
  if (tlv.end !== buf.length) throw new DerError('trailing-bytes', `${buf.length - tlv.end} bytes after the ${what}`);
  return tlv;
}

/** The elements inside a constructed element, in order. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.valueStart; offset < parent.end; ) {
    const child = readTlv(buf, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv) throw new DerError('truncated', `${what} is missing`);
  if (tlv.tag !== tag) throw new DerError('unexpected-tag', `${what}: expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  return tlv;
}

export const valueOf = (buf: Buffer, tlv: Tlv): Buffer => buf.subarray(tlv.valueStart, tlv.end);
export const elementOf = (buf: Buffer, tlv: Tlv): Buffer => buf.subarray(tlv.start, tlv.end);

/** Dotted form of an OBJECT IDENTIFIER's value bytes. */
export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new DerError('bad-value', 'empty OID');
  const arcs: number[] = [];
  let current = 0;
  for (let i = 0; i < value.length; i++) {
    const byte = value[i] as number;
    if (current === 0 && byte === 0x80) throw new DerError('bad-value', 'OID arc with a leading 0x80');
    current = current * 128 + (byte & 0x7f);
    if (current > Number.MAX_SAFE_INTEGER / 128) throw new DerError('bad-value', 'OID arc too large');
    if ((byte & 0x80) === 0) {
      arcs.push(current);
      current = 0;
    } else if (i === value.length - 1) {
      throw new DerError('bad-value', 'OID ends inside an arc');
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** A UTCTime or GeneralizedTime in the DER form RFC 5280 requires (seconds, `Z`). */
export function decodeTime(buf: Buffer, tlv: Tlv): Date {
  const text = valueOf(buf, tlv).toString('latin1');
  let match: RegExpExecArray | null;
  let year: number;
  if (tlv.tag === TAG.UTC_TIME) {
    match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    const yy = Number(match?.[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (tlv.tag === TAG.GENERALIZED_TIME) {
    match = /^\d{2}(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    year = Number(text.slice(0, 4));
  } else {
    throw new DerError('unexpected-tag', `expected a time, got tag 0x${tlv.tag.toString(16)}`);
  }
  if (!match) throw new DerError('bad-value', 'time not in DER form (YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ)');
  const [, , mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(year, (mo ?? 1) - 1, d, h, mi, s));
  const roundTrip = [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  if (roundTrip.join() !== [mo, d, h, mi, s].join()) throw new DerError('bad-value', 'time is not a calendar date and time');
  return date;
}
