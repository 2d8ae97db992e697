import { FrameParseError } from '../errors';
import { mulberry32, randomBytes } from '../testing/prng';
import { GroupTag, ValueTag, decodeMessage, encodeMessage, findAttribute, type IppMessage } from './codec';

const request: IppMessage = {
  version: 0x0200,
  code: 0x0002,
  requestId: 7,
  groups: [
    {
      tag: GroupTag.operation,
      attributes: [
        { name: 'attributes-charset', tag: ValueTag.charset, values: ['utf-8'] },
        { name: 'requested-attributes', tag: ValueTag.keyword, values: ['job-state', 'job-state-reasons'] },
        { name: 'job-id', tag: ValueTag.integer, values: [42] },
        { name: 'printer-is-accepting-jobs', tag: ValueTag.boolean, values: [true] },
      ],
    },
  ],
  data: Buffer.from('%PDF-1.4'),
};

/** Hand-assembled bytes of a response with a collection, as CUPS sends for media-col-default. */
function responseWithCollection(): Buffer {
  const attr = (tag: number, name: string, value: Buffer) => {
    const head = Buffer.alloc(3);
    head[0] = tag;
    head.writeUInt16BE(name.length, 1);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(value.length);
    return Buffer.concat([head, Buffer.from(name), len, value]);
  };
  const int = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  return Buffer.concat([
    Buffer.from([2, 0, 0, 0, 0, 0, 0, 9, GroupTag.operation]),
    attr(ValueTag.charset, 'attributes-charset', Buffer.from('utf-8')),
    Buffer.from([GroupTag.printer]),
    attr(ValueTag.enum, 'printer-state', int(3)),
    attr(ValueTag.keyword, 'printer-state-reasons', Buffer.from('media-low-warning')),
    attr(ValueTag.keyword, '', Buffer.from('door-open-error')),
    attr(ValueTag.begCollection, 'media-col-default', Buffer.alloc(0)),
    attr(ValueTag.memberAttrName, '', Buffer.from('media-size')),
    attr(ValueTag.begCollection, '', Buffer.alloc(0)),
    attr(ValueTag.memberAttrName, '', Buffer.from('x-dimension')),
    attr(ValueTag.integer, '', int(21000)),
    attr(ValueTag.endCollection, '', Buffer.alloc(0)),
    attr(ValueTag.endCollection, '', Buffer.alloc(0)),
    attr(ValueTag.nameWithLanguage, 'printer-info', Buffer.from([0, 2, 0x6a, 0x61, 0, 2, 0x41, 0x34])),
    Buffer.from([GroupTag.end]),
  ]);
}

describe('IPP codec', () => {
  it('round-trips a request', () => {
    expect(decodeMessage(encodeMessage(request))).toEqual(request);
  });

  it('decodes multi-valued attributes, collections and text with language', () => {
    const message = decodeMessage(responseWithCollection());
    expect(message.code).toBe(0);
    expect(message.requestId).toBe(9);
    expect(findAttribute(message, GroupTag.printer, 'printer-state')?.values).toEqual([3]);
    expect(findAttribute(message, GroupTag.printer, 'printer-state-reasons')?.values).toEqual(['media-low-warning', 'door-open-error']);
    expect(findAttribute(message, GroupTag.printer, 'printer-info')?.values).toEqual(['A4']);
    expect(findAttribute(message, GroupTag.printer, 'media-col-default')?.values).toEqual([
      { members: [{ name: 'media-size', tag: ValueTag.begCollection, values: [{ members: [{ name: 'x-dimension', tag: ValueTag.integer, values: [21000] }] }] }] },
    ]);
  });

  it.each([
    ['empty', Buffer.alloc(0), 'truncated'],
    ['header only', Buffer.from([2, 0, 0, 0, 0, 0, 0, 1]), 'truncated'],
    ['value before a group', Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 0x21, 0, 0, 0, 0, 3]), 'bad-value'],
    ['integer of 2 bytes', Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 1, 0x21, 0, 1, 0x61, 0, 2, 0, 0, 3]), 'bad-length'],
    ['name running past the end', Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 1, 0x44, 0, 50, 0x61]), 'truncated'],
    ['additional value first', Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 1, 0x44, 0, 0, 0, 1, 0x61, 3]), 'bad-value'],
  ])('rejects %s with a typed error', (_name, bytes, reason) => {
    expect(() => decodeMessage(bytes)).toThrow(FrameParseError);
    expect(() => decodeMessage(bytes)).toThrow(expect.objectContaining({ protocol: 'ipp', reason }));
  });

  it('throws only FrameParseError on 100,000 random and mutated messages', () => {
    const random = mulberry32(0x1bb);
    const seeds = [encodeMessage(request), responseWithCollection()];
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 100_000; i += 1) {
      let bytes: Buffer;
      if (random() < 0.3) bytes = randomBytes(random, 64);
      else {
        bytes = Buffer.from(seeds[i % 2] as Buffer);
        const flips = 1 + Math.floor(random() * 3);
        for (let f = 0; f < flips; f += 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        if (random() < 0.2) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
      }
      try {
        decodeMessage(bytes);
        decoded += 1;
      } catch (error) {
        if (!(error instanceof FrameParseError)) throw error;
        rejected += 1;
      }
    }
    expect(decoded).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
  });
});
