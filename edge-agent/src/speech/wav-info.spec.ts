import { wavInfo, WavFormatError } from './wav-info';

function wav(dataBytes: number, { sampleRate = 22_050, extraChunk = false } = {}): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(sampleRate, 12);
  fmt.writeUInt32LE(sampleRate * 2, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const extra = extraChunk ? Buffer.concat([Buffer.from('JUNK'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(4)]) : Buffer.alloc(0);
  const data = Buffer.concat([Buffer.from('data'), Buffer.alloc(4), Buffer.alloc(dataBytes)]);
  data.writeUInt32LE(dataBytes, 4);
  const body = Buffer.concat([Buffer.from('WAVE'), fmt, extra, data]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('wavInfo', () => {
  it.each([
    { name: 'one second mono 16-bit', buffer: wav(44_100), durationMs: 1000 },
    { name: 'half a second, after a padded odd chunk', buffer: wav(22_050, { extraChunk: true }), durationMs: 500 },
    { name: 'empty data', buffer: wav(0), durationMs: 0 },
  ])('$name', ({ buffer, durationMs }) => {
    expect(wavInfo(buffer).durationMs).toBe(durationMs);
  });

  it('counts only the samples present when a streamed header over-claims', () => {
    const buffer = wav(44_100);
    buffer.writeUInt32LE(0x7fffffff, buffer.length - 44_100 - 4);
    expect(wavInfo(buffer).dataBytes).toBe(44_100);
  });

  it.each([
    { name: 'not RIFF', buffer: Buffer.from('hello world, not a wav'), reason: 'not-riff' },
    { name: 'no data chunk', buffer: wav(10).subarray(0, 36), reason: 'no-data' },
  ])('refuses $name', ({ buffer, reason }) => {
    expect(() => wavInfo(buffer)).toThrow(WavFormatError);
    expect(() => wavInfo(buffer)).toThrow(reason);
  });
});
