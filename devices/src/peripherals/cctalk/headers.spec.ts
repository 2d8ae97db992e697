import { FrameParseError } from '../errors';
import {
  encodeCoinId,
  encodeCreditBuffer,
  encodeHopperStatus,
  encodeSerialNumber,
  inhibitMask,
  parseCoinId,
  parseCreditBuffer,
  parseHopperStatus,
  parsePayoutLevel,
  parseSelfCheck,
  parseSerialNumber,
} from './headers';

describe('ccTalk payloads', () => {
  it('reads Japanese coin ids and ignores other coins and empty positions', () => {
    expect(parseCoinId(Buffer.from('JP010A'))).toBe(10);
    expect(parseCoinId(Buffer.from('JP500B'))).toBe(500);
    expect(parseCoinId(Buffer.from('JP005A'))).toBeUndefined();
    expect(parseCoinId(Buffer.from('......'))).toBeUndefined();
    expect(parseCoinId(Buffer.from('EU100A'))).toBeUndefined();
    expect(parseCoinId(encodeCoinId(50))).toBe(50);
    expect(() => parseCoinId(Buffer.from('JP10'))).toThrow(FrameParseError);
  });

  it('parses the credit buffer newest first', () => {
    const buffer = parseCreditBuffer(Buffer.from([7, 3, 1, 0, 2, 1, 1, 0, 0, 0, 0]));
    expect(buffer).toEqual({
      eventCounter: 7,
      results: [
        { a: 3, b: 1 },
        { a: 0, b: 2 },
        { a: 1, b: 1 },
        { a: 0, b: 0 },
        { a: 0, b: 0 },
      ],
    });
    expect(parseCreditBuffer(encodeCreditBuffer(buffer))).toEqual(buffer);
    expect(() => parseCreditBuffer(Buffer.from([7, 3, 1]))).toThrow(FrameParseError);
  });

  it('parses hopper status, level, self-check and serial number', () => {
    const status = { eventCounter: 4, remaining: 0, lastPaid: 3, lastUnpaid: 2 };
    expect(parseHopperStatus(encodeHopperStatus(status))).toEqual(status);
    expect(parsePayoutLevel(Buffer.from([0x11]))).toEqual({ low: true });
    expect(parsePayoutLevel(Buffer.from([0x01]))).toEqual({ low: false });
    expect(parseSelfCheck(Buffer.from([25, 1]))).toBe(25);
    expect(() => parseSelfCheck(Buffer.alloc(0))).toThrow(FrameParseError);
    expect(parseSerialNumber(encodeSerialNumber(0x123456))).toBe(0x123456);
    expect([...encodeSerialNumber(0x123456)]).toEqual([0x56, 0x34, 0x12]);
  });

  it('builds inhibit masks by coin position', () => {
    expect([...inhibitMask([1, 2, 3, 4])]).toEqual([0x0f, 0x00]);
    expect([...inhibitMask([9, 16, 0, 17])]).toEqual([0x00, 0x81]);
  });
});
