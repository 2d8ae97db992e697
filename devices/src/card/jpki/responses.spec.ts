import { MalformedResponseError } from '../errors';
import { interpretPinStatus, parseDerHeader, parseSignature } from './responses';

describe('parseDerHeader', () => {
  it('reads short and long definite lengths', () => {
    expect(parseDerHeader(Buffer.from('3005', 'hex'))).toEqual({ tag: 0x30, headerLength: 2, contentLength: 5, totalLength: 7 });
    expect(parseDerHeader(Buffer.from('308181', 'hex'))).toMatchObject({ headerLength: 3, totalLength: 0x81 + 3 });
    expect(parseDerHeader(Buffer.from('3082037502', 'hex'))).toMatchObject({ headerLength: 4, contentLength: 0x375, totalLength: 0x379 });
  });

  it('rejects what is not the DER header of a certificate', () => {
    for (const bad of ['', '30', '3180', '3080', '3082', '308203', '3084000001', '30820010', '3081050000', '3083008000', '30827FFF']) {
      expect(() => parseDerHeader(Buffer.from(bad, 'hex'))).toThrow(MalformedResponseError);
    }
  });
});

describe('interpretPinStatus', () => {
  it('tells verified, tries left and locked apart', () => {
    expect(interpretPinStatus(0x9000)).toEqual({ kind: 'verified' });
    expect(interpretPinStatus(0x63c3)).toEqual({ kind: 'tries-left', triesLeft: 3 });
    expect(interpretPinStatus(0x63c1)).toEqual({ kind: 'tries-left', triesLeft: 1 });
    expect(interpretPinStatus(0x63c0)).toEqual({ kind: 'locked' });
    expect(interpretPinStatus(0x6983)).toEqual({ kind: 'locked' });
    expect(interpretPinStatus(0x6984)).toEqual({ kind: 'locked' });
    expect(interpretPinStatus(0x6a88)).toEqual({ kind: 'other', statusWord: 0x6a88 });
  });

  it('refuses counters the PIN cannot have and numbers that are not status words', () => {
    expect(() => interpretPinStatus(0x63c4)).toThrow(MalformedResponseError);
    expect(() => interpretPinStatus(0x63cf)).toThrow(MalformedResponseError);
    expect(() => interpretPinStatus(0x10000)).toThrow(MalformedResponseError);
    expect(() => interpretPinStatus(-1)).toThrow(MalformedResponseError);
  });
});

describe('parseSignature', () => {
  it('accepts a modulus-sized signature and copies it', () => {
    const data = Buffer.alloc(256, 1);
    const signature = parseSignature(data);
    data.fill(0);
    expect(signature.every((b) => b === 1)).toBe(true);
  });

  it('rejects truncated, oversized and all-zero signatures', () => {
    expect(() => parseSignature(Buffer.alloc(255, 1))).toThrow(MalformedResponseError);
    expect(() => parseSignature(Buffer.alloc(257, 1))).toThrow(MalformedResponseError);
    expect(() => parseSignature(Buffer.alloc(256))).toThrow(MalformedResponseError);
  });
});
