import { FrameParseError } from '../errors';
import { mulberry32, randomBytes } from '../testing/prng';
import { EscPosResponseDecoder, encodeProcessIdResponse } from './responses';

describe('EscPosResponseDecoder', () => {
  it('separates status bytes from process-id answers, across chunk boundaries', () => {
    const decoder = new EscPosResponseDecoder();
    const stream = Buffer.concat([Buffer.from([0x12]), encodeProcessIdResponse('0007'), Buffer.from([0x72])]);
    const responses = [];
    for (const byte of stream) responses.push(...decoder.push(Buffer.from([byte])).responses);
    expect(responses).toEqual([
      { type: 'status', byte: 0x12 },
      { type: 'process-id', id: '0007' },
      { type: 'status', byte: 0x72 },
    ]);
  });

  it('rejects garbage and truncated answers, then decodes what follows', () => {
    const decoder = new EscPosResponseDecoder();
    const result = decoder.push(Buffer.from([0xff, 0x00, 0x37, 0x22, 0x31, 0x12, 0x37, 0x22, 0x30, 0x30, 0x30, 0x31, 0x00]));
    expect(result.errors.map((error) => error.reason)).toEqual(['garbage', 'truncated']);
    expect(result.responses).toEqual([
      { type: 'status', byte: 0x12 },
      { type: 'process-id', id: '0001' },
    ]);
    decoder.push(Buffer.from([0x37, 0x22]));
    expect(decoder.flush().map((error) => error.reason)).toEqual(['truncated']);
    expect(decoder.flush()).toEqual([]);
  });

  it('survives 100,000 random chunks without throwing', () => {
    const random = mulberry32(0xe5c0);
    const decoder = new EscPosResponseDecoder();
    let seen = 0;
    let foreign = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const chunk = random() < 0.1 ? encodeProcessIdResponse(String(i % 10_000).padStart(4, '0')) : randomBytes(random, 8);
      const result = decoder.push(chunk);
      seen += result.responses.length + result.errors.length;
      foreign += result.errors.filter((error) => !(error instanceof FrameParseError)).length;
    }
    expect(foreign).toBe(0);
    expect(seen).toBeGreaterThan(100_000);
  });
});
