import { FrameParseError } from '../errors';
import { encodeReceipt, escpos } from './commands';
import { decodeRealtimeStatus } from './status';
import { EscPosParser } from './stream-parser';
import { renderEscPos } from './render';
import { mulberry32 } from '../testing/prng';

describe('EscPosParser', () => {
  it('tokenises commands split across chunks', () => {
    const parser = new EscPosParser();
    const bytes = Buffer.concat([escpos.init(), escpos.realtimeStatus(2), Buffer.from('AB\n'), escpos.cut(), escpos.processIdRequest('1234'), escpos.clearBuffers()]);
    const tokens = [];
    for (const byte of bytes) tokens.push(...parser.push(Buffer.from([byte])).tokens);
    expect(tokens.map((token) => token.type)).toEqual(['init', 'status-request', 'text', 'text', 'lf', 'cut', 'process-id-request', 'clear-buffers']);
    expect(tokens[6]).toEqual({ type: 'process-id-request', id: '1234' });
    expect(parser.buffered).toBe(0);
  });

  it('reports unknown commands and stray control bytes, then carries on', () => {
    const parser = new EscPosParser();
    const result = parser.push(Buffer.from([0x1b, 0x7f, 0x41, 0x07, 0x0a, 0x10, 0x04, 0x09]));
    expect(result.errors.map((error) => error.reason)).toEqual(['unknown-command', 'garbage', 'unknown-command']);
    expect(result.errors.every((error) => error instanceof FrameParseError)).toBe(true);
    expect(result.tokens.map((token) => token.type)).toEqual(['text', 'lf', 'text']);
  });

  it('renders a receipt followed by an unfinished one', () => {
    const first = encodeReceipt({ lines: [{ text: '領収書' }] });
    const second = Buffer.concat([escpos.init(), escpos.kanjiOn(), Buffer.from([0x8e, 0x73, 0x0a])]);
    expect(renderEscPos(Buffer.concat([first, second]))).toEqual({ receipts: ['領収書'], pending: '市' });
  });
});

describe('ESC/POS fuzz', () => {
  it('the stream parser never throws on 100,000 random chunks', () => {
    const random = mulberry32(0x5eed01);
    const parser = new EscPosParser();
    const prefixes = [0x1b, 0x1d, 0x1c, 0x10, 0x0a];
    let tokens = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const length = Math.floor(random() * 12);
      const chunk = Buffer.alloc(length);
      for (let j = 0; j < length; j += 1) {
        chunk[j] = random() < 0.3 ? (prefixes[Math.floor(random() * prefixes.length)] ?? 0) : Math.floor(random() * 256);
      }
      tokens += parser.push(chunk).tokens.length;
    }
    expect(tokens).toBeGreaterThan(0);
    expect(parser.buffered).toBeLessThan(80);
  });

  it('status decoding throws only FrameParseError, for every possible input byte', () => {
    const outcomes = { decoded: 0, rejected: 0 };
    for (const kind of [1, 2, 3, 4] as const) {
      for (const byte of [...Array(256).keys(), -1, 256, 1.5, Number.NaN]) {
        try {
          decodeRealtimeStatus(kind, byte);
          outcomes.decoded += 1;
        } catch (error) {
          if (!(error instanceof FrameParseError)) throw error;
          outcomes.rejected += 1;
        }
      }
    }
    expect(outcomes).toEqual({ decoded: 4 * 16, rejected: 4 * 244 });
  });
});
