import { FrameParseError } from '../errors';
import { mulberry32, randomBytes } from '../testing/prng';
import { CcTalkFrameDecoder, checksum, encodeFrame, parseFrame } from './frame';

const poll = Buffer.from([2, 0, 1, 254, 255]);

describe('ccTalk frames', () => {
  it('builds the specification example: simple poll to address 2', () => {
    expect([...encodeFrame({ destination: 2, source: 1, header: 254, data: Buffer.alloc(0) })]).toEqual([...poll]);
    expect(checksum(Buffer.from([2, 0, 1, 254]))).toBe(255);
  });

  it('round-trips a frame with data', () => {
    const frame = { destination: 1, source: 2, header: 0, data: Buffer.from([3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]) };
    expect(parseFrame(encodeFrame(frame))).toEqual(frame);
  });

  it.each([
    ['too short', Buffer.from([2, 0, 1]), 'truncated'],
    ['shorter than its length byte', Buffer.from([2, 3, 1, 254, 0, 0]), 'truncated'],
    ['trailing bytes', Buffer.concat([poll, Buffer.from([0])]), 'bad-length'],
    ['bad checksum', Buffer.from([2, 0, 1, 254, 254]), 'checksum'],
  ])('rejects %s with a typed error', (_name, bytes, reason) => {
    expect(() => parseFrame(bytes)).toThrow(FrameParseError);
    expect(() => parseFrame(bytes)).toThrow(expect.objectContaining({ protocol: 'cctalk', reason }));
  });
});

describe('CcTalkFrameDecoder', () => {
  it('reassembles frames split across chunks', () => {
    const decoder = new CcTalkFrameDecoder();
    const frames = [];
    for (const byte of Buffer.concat([poll, poll])) frames.push(...decoder.push(Buffer.from([byte])).frames);
    expect(frames).toHaveLength(2);
    expect(decoder.buffered).toBe(0);
  });

  it('drops garbage and corrupt frames and finds the next valid one', () => {
    const decoder = new CcTalkFrameDecoder();
    const corrupt = Buffer.from([1, 0, 2, 0, 0x42]);
    const result = decoder.push(Buffer.concat([Buffer.from([0xff, 0x13]), poll, corrupt, poll]));
    expect(result.frames).toHaveLength(2);
    expect(result.errors.map((error) => error.reason)).toEqual(['garbage', 'checksum']);
  });

  it('does not wait for a garbage head claiming a long frame when a valid frame follows', () => {
    const decoder = new CcTalkFrameDecoder();
    const result = decoder.push(Buffer.concat([Buffer.from([7, 200]), poll]));
    expect(result.frames).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
  });

  it('reports a frame cut short on flush', () => {
    const decoder = new CcTalkFrameDecoder();
    decoder.push(poll.subarray(0, 3));
    expect(decoder.flush().map((error) => error.reason)).toEqual(['truncated']);
    expect(decoder.push(poll).frames).toHaveLength(1);
  });
});

describe('ccTalk fuzz', () => {
  it('parseFrame throws only FrameParseError on 100,000 random inputs', () => {
    const random = mulberry32(0xcc7a1);
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const bytes = random() < 0.2 ? encodeFrame({ destination: 1, source: 2, header: 0, data: randomBytes(random, 11) }) : randomBytes(random, 16);
      if (random() < 0.1 && bytes.length) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(random() * 8));
      }
      try {
        parseFrame(bytes);
        parsed += 1;
      } catch (error) {
        if (!(error instanceof FrameParseError)) throw error;
        rejected += 1;
      }
    }
    expect(parsed).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
  });

  it('the stream decoder never throws on 100,000 random chunks and stays bounded', () => {
    const random = mulberry32(0xdec0de);
    const decoder = new CcTalkFrameDecoder();
    let frames = 0;
    let maxBuffered = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const chunk = random() < 0.3 ? encodeFrame({ destination: 1, source: 2, header: 0, data: randomBytes(random, 4) }) : randomBytes(random, 6);
      frames += decoder.push(chunk).frames.length;
      maxBuffered = Math.max(maxBuffered, decoder.buffered);
    }
    expect(frames).toBeGreaterThan(1000);
    expect(maxBuffered).toBeLessThanOrEqual(260 + 6);
  });
});
