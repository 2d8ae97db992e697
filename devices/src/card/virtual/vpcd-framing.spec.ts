import { MalformedResponseError } from '../errors';
import { encodeVpcdFrame, VpcdFrameDecoder } from './vpcd-framing';

describe('vpcd framing', () => {
  it('prefixes the big-endian length', () => {
    expect(encodeVpcdFrame(Buffer.from([0x04])).toString('hex')).toBe('000104');
    expect(encodeVpcdFrame(Buffer.alloc(300)).subarray(0, 2).toString('hex')).toBe('012c');
    expect(() => encodeVpcdFrame(Buffer.alloc(0x10000))).toThrow(MalformedResponseError);
  });

  it('joins frames across chunks and tells controls from APDUs', () => {
    const decoder = new VpcdFrameDecoder();
    const stream = Buffer.concat([encodeVpcdFrame(Buffer.from([0x01])), encodeVpcdFrame(Buffer.from('00A4040C0AD392F000260100000001', 'hex'))]);
    const messages = [];
    for (const byte of stream) messages.push(...decoder.push(Buffer.from([byte])));
    expect(messages).toEqual([
      { kind: 'control', control: 1 },
      { kind: 'apdu', apdu: Buffer.from('00A4040C0AD392F000260100000001', 'hex') },
    ]);
    expect(decoder.pendingBytes).toBe(0);
    expect(decoder.push(Buffer.from('000204', 'hex'))).toEqual([]);
    expect(decoder.pendingBytes).toBe(3);
  });

  it('refuses an empty frame', () => {
    expect(() => new VpcdFrameDecoder().push(Buffer.from('0000', 'hex'))).toThrow(MalformedResponseError);
  });
});
