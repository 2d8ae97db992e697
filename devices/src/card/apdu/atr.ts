import { MalformedResponseError } from '../errors';

export interface AtrInfo {
  /** Transmission protocols the card offers (T=0 when none is named). */
  protocols: number[];
  historicalBytes: Buffer;
  /** Card capabilities (compact-TLV tag 7, third byte, bit 7): extended Lc/Le fields accepted. */
  extendedLength: boolean;
}

const MAX_ATR = 33;

/**
 * Reads an answer-to-reset (ISO/IEC 7816-3 §8.2) far enough to learn the protocols and whether the card
 * accepts extended-length APDUs (ISO/IEC 7816-4 §8.1.1.2.7 card capabilities), so the certificate can be
 * read in the largest chunks the card allows.
 */
export function parseAtr(atr: Buffer): AtrInfo {
  if (atr.length < 2 || atr.length > MAX_ATR) {
    throw new MalformedResponseError('atr', `${atr.length} bytes, an ATR has 2 to ${MAX_ATR}`);
  }
  if (atr[0] !== 0x3b && atr[0] !== 0x3f) throw new MalformedResponseError('atr', 'TS is neither 3B nor 3F');
  const t0 = atr[1]!;
  const historicalLength = t0 & 0x0f;
  let presence = t0 >> 4;
  let at = 2;
  const protocols: number[] = [];
  while (presence !== 0) {
    // TA, TB, TC are skipped; TD names a protocol and says which interface bytes follow it.
    const count = popcount(presence & 0x7);
    at += count;
    if (presence & 0x8) {
      if (at >= atr.length) throw new MalformedResponseError('atr', 'truncated interface bytes');
      const td = atr[at]!;
      at += 1;
      if (!protocols.includes(td & 0x0f)) protocols.push(td & 0x0f);
      presence = td >> 4;
    } else {
      presence = 0;
    }
    if (at > atr.length) throw new MalformedResponseError('atr', 'truncated interface bytes');
  }
  const historicalBytes = Buffer.from(atr.subarray(at, at + historicalLength));
  if (historicalBytes.length !== historicalLength) throw new MalformedResponseError('atr', 'truncated historical bytes');
  at += historicalLength;
  const needsTck = protocols.some((t) => t !== 0);
  if (needsTck) {
    if (at !== atr.length - 1) throw new MalformedResponseError('atr', 'TCK missing or trailing bytes');
    let check = 0;
    for (let i = 1; i < atr.length; i += 1) check ^= atr[i]!;
    if (check !== 0) throw new MalformedResponseError('atr', 'TCK does not check');
  } else if (at !== atr.length) {
    throw new MalformedResponseError('atr', 'trailing bytes after the historical bytes');
  }
  return { protocols: protocols.length > 0 ? protocols : [0], historicalBytes, extendedLength: extendedLengthFrom(historicalBytes) };
}

/** Compact-TLV historical bytes (category 00 or 80); anything else is proprietary and says nothing. */
function extendedLengthFrom(historical: Buffer): boolean {
  if (historical.length === 0) return false;
  const category = historical[0]!;
  let end: number;
  if (category === 0x80) end = historical.length;
  else if (category === 0x00) end = historical.length - 3; // three status bytes close the field
  else return false;
  let at = 1;
  while (at < end) {
    const tag = historical[at]! >> 4;
    const length = historical[at]! & 0x0f;
    const value = historical.subarray(at + 1, at + 1 + length);
    if (at + 1 + length > end) throw new MalformedResponseError('atr', 'compact-TLV object overruns the historical bytes');
    if (tag === 0x7 && length >= 3) return (value[2]! & 0x40) !== 0;
    at += 1 + length;
  }
  return false;
}

function popcount(bits: number): number {
  let count = 0;
  for (let b = bits; b !== 0; b >>= 1) count += b & 1;
  return count;
}

/**
 * Builds an ATR for the virtual card: direct convention, T=1 only, compact-TLV historical bytes with a
 * card-capabilities object (DF selection by full name; extended Lc/Le when `extendedLength`).
 */
export function buildAtr(extendedLength: boolean): Buffer {
  const historical = Buffer.from([0x80, 0x73, 0x80, 0x21, extendedLength ? 0x40 : 0x00]);
  // T0: TD1 present (Y1 = 8), K historical bytes. TD1 = 01: T=1, no more interface bytes.
  const body = Buffer.concat([Buffer.from([0x80 | historical.length, 0x01]), historical]);
  let tck = 0;
  for (const byte of body) tck ^= byte;
  return Buffer.concat([Buffer.from([0x3b]), body, Buffer.from([tck])]);
}
