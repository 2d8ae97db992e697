import { FrameParseError } from '../errors';
import { mulberry32, randomBytes } from '../testing/prng';
import { BarcodeAssembler, KeyboardReportDecoder, encodeTextReports, splitReports } from './keyboard';
import { encodePinPadKey, pinPadKey } from './pinpad-keys';
import { charToUsage, usageToChar } from './usage';

function typeReports(reports: Buffer[]): string[] {
  const decoder = new KeyboardReportDecoder();
  const assembler = new BarcodeAssembler();
  const codes: string[] = [];
  for (const report of reports) {
    for (const key of decoder.decode(report)) {
      const code = assembler.push(key);
      if (code !== undefined) codes.push(code);
    }
  }
  return codes;
}

describe('keyboard usages', () => {
  it('maps usages with and without shift', () => {
    expect(usageToChar(0x04, false)).toBe('a');
    expect(usageToChar(0x04, true)).toBe('A');
    expect(usageToChar(0x1e, false)).toBe('1');
    expect(usageToChar(0x27, false)).toBe('0');
    expect(usageToChar(0x20, true)).toBe('#');
    expect(usageToChar(0x2d, true)).toBe('_');
    expect(usageToChar(0x62, false)).toBe('0');
    expect(usageToChar(0x28, false)).toBeUndefined();
    expect(charToUsage('A')).toEqual({ usage: 0x04, shift: true });
    expect(charToUsage('あ')).toBeUndefined();
  });
});

describe('barcode decoding', () => {
  it('decodes a scan of press/release reports, with repeated characters and shift', () => {
    expect(typeReports(encodeTextReports('12345678'))).toEqual(['12345678']);
    expect(typeReports([...encodeTextReports('1100'), ...encodeTextReports('Ab-9')])).toEqual(['1100', 'Ab-9']);
  });

  it('counts a key once while held, and again after release', () => {
    const down = Buffer.from([0, 0, 0x1e, 0, 0, 0, 0, 0]);
    const up = Buffer.alloc(8);
    const enter = Buffer.from([0, 0, 0x28, 0, 0, 0, 0, 0]);
    expect(typeReports([down, down, up, down, up, enter, up])).toEqual(['11']);
  });

  it('splits merged reads into reports and refuses partial ones', () => {
    const merged = Buffer.concat(encodeTextReports('7'));
    expect(splitReports(merged)).toHaveLength(4);
    expect(() => splitReports(merged.subarray(0, 12))).toThrow(FrameParseError);
    expect(splitReports(Buffer.from([1, 0, 0, 0x04, 0, 0, 0, 0, 0]), 1)[0]?.[2]).toBe(0x04);
    expect(() => splitReports(Buffer.from([2, 0, 0, 0x04, 0, 0, 0, 0, 0]), 1)).toThrow(FrameParseError);
  });

  it('refuses rollover and malformed reports without changing state', () => {
    const decoder = new KeyboardReportDecoder();
    expect(() => decoder.decode(Buffer.from([0, 0, 1, 1, 1, 1, 1, 1]))).toThrow(expect.objectContaining({ protocol: 'hid', reason: 'bad-value' }));
    expect(() => decoder.decode(Buffer.from([0, 7, 0x04, 0, 0, 0, 0, 0]))).toThrow(FrameParseError);
    expect(() => decoder.decode(Buffer.alloc(3))).toThrow(FrameParseError);
    expect(decoder.decode(Buffer.from([0, 0, 0x05, 0, 0, 0, 0, 0]))).toEqual([{ usage: 0x05, shift: false }]);
  });
});

describe('PIN pad keys', () => {
  it('maps keypad and top-row digits, enter, cancel and clear', () => {
    expect(pinPadKey(0x59)).toEqual({ type: 'digit', digit: 1 });
    expect(pinPadKey(0x62)).toEqual({ type: 'digit', digit: 0 });
    expect(pinPadKey(0x27)).toEqual({ type: 'digit', digit: 0 });
    expect(pinPadKey(0x58)).toEqual({ type: 'enter' });
    expect(pinPadKey(0x29)).toEqual({ type: 'cancel' });
    expect(pinPadKey(0x2a)).toEqual({ type: 'clear' });
    expect(pinPadKey(0x04)).toBeUndefined();
    for (let digit = 0; digit <= 9; digit += 1) {
      const [press] = encodePinPadKey({ type: 'digit', digit });
      expect(pinPadKey(press?.[2] ?? 0)).toEqual({ type: 'digit', digit });
    }
  });
});

describe('HID fuzz', () => {
  it('report decoding throws only FrameParseError on 100,000 random reads', () => {
    const random = mulberry32(0x41d);
    const decoder = new KeyboardReportDecoder();
    const assembler = new BarcodeAssembler();
    let rejected = 0;
    let codes = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const data = random() < 0.5 ? randomBytes(random, 24) : Buffer.from([random() < 0.5 ? 2 : 0, random() < 0.95 ? 0 : 1, Math.floor(random() * 0x70), 0, 0, 0, 0, 0]);
      try {
        for (const report of splitReports(data)) {
          for (const key of decoder.decode(report)) {
            if (assembler.push(key) !== undefined) codes += 1;
            pinPadKey(key.usage);
          }
        }
      } catch (error) {
        if (!(error instanceof FrameParseError)) throw error;
        rejected += 1;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
    expect(codes).toBeGreaterThan(0);
  });
});
