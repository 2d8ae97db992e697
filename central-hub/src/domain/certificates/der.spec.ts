import { children, decodeOid, decodeTime, DerError, readRoot, readTlv, TAG } from './der';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DerError) return error.reason;
    throw error;
  }
  return undefined;
};

describe('DER reader', () => {
  it('reads short and long lengths and walks children', () => {
    const seq = hex('30 06 02 01 05 04 01 aa');
    const root = readRoot(seq, TAG.SEQUENCE, 'seq');
    expect(children(seq, root).map((c) => c.tag)).toEqual([TAG.INTEGER, TAG.OCTET_STRING]);
    const long = Buffer.concat([hex('04 81 80'), Buffer.alloc(0x80, 1)]);
    expect(readTlv(long, 0)).toEqual({ tag: 4, start: 0, valueStart: 3, end: 131 });
  });

  it.each([
    ['an empty buffer', '', 'truncated'],
    ['a header without length', '30', 'truncated'],
    ['a value shorter than its length', '30 05 02 01', 'truncated'],
    ['long-form length bytes missing', '30 82 01', 'truncated'],
    ['an indefinite length', '30 80 00 00', 'indefinite-length'],
    ['a long form for a short length', '04 81 05 0102030405', 'non-minimal-length'],
    ['a leading zero length byte', '04 82 00 90', 'non-minimal-length'],
    ['a length of more than 4 bytes', '04 85 0100000000', 'length-too-large'],
    ['a high tag number', '1f 81 01 00', 'high-tag-number'],
  ])('refuses %s', (_what, bytes, reason) => {
    expect(reasonOf(() => readTlv(hex(bytes), 0))).toBe(reason);
  });

  it('refuses a child that runs past its parent, trailing bytes and a wrong tag', () => {
    // The parent says 3 bytes, the child inside claims 5.
    const nested = hex('30 03 04 05 aa 00 00 00 00');
    expect(reasonOf(() => children(nested, readTlv(nested, 0)))).toBe('truncated');
    expect(reasonOf(() => readRoot(hex('30 00 00'), TAG.SEQUENCE, 'x'))).toBe('trailing-bytes');
    expect(reasonOf(() => readRoot(hex('31 00'), TAG.SEQUENCE, 'x'))).toBe('unexpected-tag');
  });

  it('decodes OIDs and refuses broken ones', () => {
    expect(decodeOid(hex('2a 86 48 86 f7 0d 01 01 0b'))).toBe('1.2.840.113549.1.1.11');
    expect(decodeOid(hex('60 86 48 01 65 03 04 02 01'))).toBe('2.16.840.1.101.3.4.2.1');
    expect(reasonOf(() => decodeOid(hex('')))).toBe('bad-value');
    expect(reasonOf(() => decodeOid(hex('2a 86')))).toBe('bad-value');
    expect(reasonOf(() => decodeOid(hex('2a 80 01')))).toBe('bad-value');
  });

  it('decodes UTCTime and GeneralizedTime, and refuses non-DER or impossible times', () => {
    const time = (tag: number, text: string) => {
      const buf = Buffer.concat([Buffer.from([tag, text.length]), Buffer.from(text, 'latin1')]);
      return decodeTime(buf, readTlv(buf, 0));
    };
    expect(time(TAG.UTC_TIME, '261126010000Z').toISOString()).toBe('2026-11-26T01:00:00.000Z');
    expect(time(TAG.UTC_TIME, '991231235959Z').toISOString()).toBe('1999-12-31T23:59:59.000Z');
    expect(time(TAG.GENERALIZED_TIME, '20501126010000Z').toISOString()).toBe('2050-11-26T01:00:00.000Z');
    expect(reasonOf(() => time(TAG.UTC_TIME, '2611260100Z'))).toBe('bad-value');
    expect(reasonOf(() => time(TAG.UTC_TIME, '261126010000+0900'))).toBe('bad-value');
    expect(reasonOf(() => time(TAG.UTC_TIME, '260230010000Z'))).toBe('bad-value');
    expect(reasonOf(() => time(TAG.UTC_TIME, '261126250000Z'))).toBe('bad-value');
    expect(reasonOf(() => time(TAG.INTEGER, '261126010000Z'))).toBe('unexpected-tag');
  });
});
