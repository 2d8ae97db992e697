import { MalformedResponseError } from '../errors';
import { AUTH_PIN_MAX_TRIES } from './commands';

export interface DerHeader {
  tag: number;
  /** Bytes of tag + length fields. */
  headerLength: number;
  contentLength: number;
  /** headerLength + contentLength: what to read from the EF. */
  totalLength: number;
}

/** EF 000A holds one certificate; real ones are 1-2 KB. Larger claims are treated as garbage. */
export const MAX_CERTIFICATE_BYTES = 0x7fff;

/**
 * The DER header at the start of the certificate EF: 30 (SEQUENCE) then a definite length, short form
 * (< 80) or long form (81 xx / 82 xx xx / 83 xx xx xx). The EF can be larger than the certificate, so
 * this length, not the file size, says how much to read.
 */
export function parseDerHeader(bytes: Buffer): DerHeader {
  if (bytes.length < 2) throw new MalformedResponseError('der-header', `${bytes.length} bytes, a header has at least 2`);
  const tag = bytes[0]!;
  if (tag !== 0x30) throw new MalformedResponseError('der-header', `tag ${tag.toString(16)} is not a SEQUENCE`);
  const first = bytes[1]!;
  let contentLength: number;
  let headerLength: number;
  if (first < 0x80) {
    contentLength = first;
    headerLength = 2;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new MalformedResponseError('der-header', 'indefinite length is not DER');
    if (count > 3) throw new MalformedResponseError('der-header', `${count} length bytes`);
    if (bytes.length < 2 + count) throw new MalformedResponseError('der-header', 'truncated length field');
    contentLength = bytes.readUIntBE(2, count);
    headerLength = 2 + count;
    if (bytes[2] === 0 || contentLength < 0x80) throw new MalformedResponseError('der-header', 'length not in its shortest form');
  }
  const totalLength = headerLength + contentLength;
  if (totalLength > MAX_CERTIFICATE_BYTES) {
    throw new MalformedResponseError('der-header', `certificate of ${totalLength} bytes exceeds ${MAX_CERTIFICATE_BYTES}`);
  }
  return { tag, headerLength, contentLength, totalLength };
}

export type PinStatus =
  | { kind: 'verified' }
  | { kind: 'tries-left'; triesLeft: number }
  | { kind: 'locked' }
  | { kind: 'other'; statusWord: number };

/**
 * What a VERIFY answer means for the user-authentication PIN:
 *   90 00  verified (with data) / already verified in this session (without data)
 *   63 Cx  not verified, x tries left (after a wrong PIN: x left; 63 C0 means it just locked)
 *   69 83  authentication method blocked: the PIN is locked
 *   69 84  reference data not usable: treated as locked too (the card will not take a PIN)
 */
export function interpretPinStatus(statusWord: number): PinStatus {
  if (!Number.isInteger(statusWord) || statusWord < 0 || statusWord > 0xffff) {
    throw new MalformedResponseError('status-word', `${statusWord} is not a status word`);
  }
  if (statusWord === 0x9000) return { kind: 'verified' };
  if (statusWord === 0x6983 || statusWord === 0x6984) return { kind: 'locked' };
  if ((statusWord & 0xfff0) === 0x63c0) {
    const triesLeft = statusWord & 0x0f;
    if (triesLeft > AUTH_PIN_MAX_TRIES) {
      throw new MalformedResponseError('status-word', `63C${triesLeft.toString(16)}: more tries than the PIN has`);
    }
    return triesLeft === 0 ? { kind: 'locked' } : { kind: 'tries-left', triesLeft };
  }
  return { kind: 'other', statusWord };
}

/** RSA signatures are as long as the modulus; JPKI user-authentication keys are 2048-bit. */
export function parseSignature(data: Buffer, expectedLength = 256): Buffer {
  if (data.length !== expectedLength) {
    throw new MalformedResponseError('signature', `${data.length} bytes, expected ${expectedLength}`);
  }
  if (data.every((byte) => byte === 0)) throw new MalformedResponseError('signature', 'all zero');
  return Buffer.from(data);
}
