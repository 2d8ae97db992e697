import { MalformedResponseError } from '../errors';

/** An ISO/IEC 7816-4 response APDU: the data field, then SW1 SW2. */
export interface ResponseApdu {
  data: Buffer;
  sw1: number;
  sw2: number;
  /** SW1 << 8 | SW2, e.g. 0x9000. */
  sw: number;
}

export const SW_OK = 0x9000;
/** 62 82: end of file reached before Ne bytes were read (the data that exists came back). */
export const SW_END_OF_FILE = 0x6282;
/** 69 82: security status not satisfied (e.g. sign before VERIFY). */
export const SW_SECURITY_STATUS = 0x6982;
/** 69 83: authentication method blocked (PIN locked). */
export const SW_AUTH_BLOCKED = 0x6983;
/** 6A 82: file or application not found. */
export const SW_FILE_NOT_FOUND = 0x6a82;

export function parseResponse(bytes: Buffer): ResponseApdu {
  if (bytes.length < 2) {
    throw new MalformedResponseError('response-apdu', `${bytes.length} bytes, a status word needs 2`);
  }
  const sw1 = bytes[bytes.length - 2]!;
  const sw2 = bytes[bytes.length - 1]!;
  return { data: Buffer.from(bytes.subarray(0, bytes.length - 2)), sw1, sw2, sw: (sw1 << 8) | sw2 };
}

export function encodeResponse(data: Buffer, sw: number): Buffer {
  return Buffer.concat([data, Buffer.from([(sw >> 8) & 0xff, sw & 0xff])]);
}

/** Normal processing: 90 00, or a 62 xx / 63 xx warning that still returns data. */
export function isSuccess(response: ResponseApdu): boolean {
  return response.sw === SW_OK;
}

/**
 * 61 xx: xx more bytes wait for GET RESPONSE (00 = 256 or more). 6C xx: wrong Le, xx is the exact number
 * of bytes available (00 = 256). Both are handled by the transport (exchange.ts), never by callers.
 */
export function moreDataAvailable(response: ResponseApdu): number | null {
  return response.sw1 === 0x61 ? response.sw2 || 256 : null;
}

export function exactLengthHint(response: ResponseApdu): number | null {
  return response.sw1 === 0x6c ? response.sw2 || 256 : null;
}
