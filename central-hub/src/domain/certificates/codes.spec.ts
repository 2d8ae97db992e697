import { formatSerial, formatVerificationCode, issueRequestHash, normaliseVerificationCode } from './codes';
import { warekiDate, warekiDateTime } from './wareki';

describe('verification codes', () => {
  it('formats 60 random bits as three groups of base32', () => {
    expect(formatVerificationCode(Buffer.alloc(8, 0))).toBe('AAAA-AAAA-AAAA');
    expect(formatVerificationCode(Buffer.alloc(8, 0xff))).toBe('7777-7777-7777');
    // 0x0842_1084_2108_4210: the top 60 bits are twelve 5-bit groups of 00001 = 'B'.
    expect(formatVerificationCode(Buffer.from('0842108421084210', 'hex'))).toBe('BBBB-BBBB-BBBB');
    expect(() => formatVerificationCode(Buffer.alloc(7))).toThrow(RangeError);
  });

  it('normalises what a person types and refuses what cannot be a code', () => {
    expect(normaliseVerificationCode('k7qm 2xta-plrb')).toBe('K7QM-2XTA-PLRB');
    expect(normaliseVerificationCode('K7QM2XTAPLRB')).toBe('K7QM-2XTA-PLRB');
    expect(normaliseVerificationCode('K7QM-2XTA-PLR1')).toBeNull();
    expect(normaliseVerificationCode('K7QM-2XTA')).toBeNull();
    expect(normaliseVerificationCode('')).toBeNull();
  });

  it('formats serials with the municipality prefix and a yearly sequence', () => {
    expect(formatSerial('27203', 2026, 42)).toBe('27203-2026-000042');
    expect(() => formatSerial('27203', 2026, 0)).toThrow(RangeError);
    expect(() => formatSerial('27203', 2026, 1_000_000)).toThrow(RangeError);
  });

  it('hashes an issue request independently of key order, and differently for different content', () => {
    const a = { kioskId: 'k', cardSessionId: 's', paidFeeYen: 400, order: { copies: 2, options: { type: 'inkan' as const } } };
    const b = { order: { options: { type: 'inkan' as const }, copies: 2 }, paidFeeYen: 400, cardSessionId: 's', kioskId: 'k' };
    expect(issueRequestHash(a)).toBe(issueRequestHash(b));
    expect(issueRequestHash({ ...a, order: { ...a.order, copies: 3 } })).not.toBe(issueRequestHash(a));
  });
});

describe('Japanese dates', () => {
  it('prints dates in the era calendar', () => {
    expect(warekiDate('1984-05-12')).toBe('昭和59年5月12日');
    expect(warekiDate('1989-01-07')).toBe('昭和64年1月7日');
    expect(warekiDate('1989-01-08')).toBe('平成元年1月8日');
    expect(warekiDate('2019-04-30')).toBe('平成31年4月30日');
    expect(warekiDate('2019-05-01')).toBe('令和元年5月1日');
    expect(warekiDate('2026-11-26')).toBe('令和8年11月26日');
  });

  it('prints the issue time in JST', () => {
    expect(warekiDateTime(new Date('2026-11-26T01:05:00Z'))).toBe('令和8年11月26日 10時05分');
    expect(warekiDateTime(new Date('2026-12-31T15:30:00Z'))).toBe('令和9年1月1日 00時30分');
  });
});
