import { FrameParseError } from '../errors';

/** IPP/1.1 and 2.0 binary encoding (RFC 8010): just what a CUPS client needs, strictly bounds-checked. */
export const GroupTag = { operation: 0x01, job: 0x02, end: 0x03, printer: 0x04, unsupported: 0x05 } as const;

export const ValueTag = {
  unsupported: 0x10,
  unknown: 0x12,
  noValue: 0x13,
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  octetString: 0x30,
  dateTime: 0x31,
  resolution: 0x32,
  rangeOfInteger: 0x33,
  begCollection: 0x34,
  textWithLanguage: 0x35,
  nameWithLanguage: 0x36,
  endCollection: 0x37,
  text: 0x41,
  name: 0x42,
  keyword: 0x44,
  uri: 0x45,
  uriScheme: 0x46,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
} as const;

export interface IppCollection {
  members: IppAttribute[];
}
/** Integers and enums are numbers, booleans booleans, strings strings; dates, ranges, resolutions raw; out-of-band null. */
export type IppValue = number | boolean | string | Buffer | IppCollection | null;

export interface IppAttribute {
  name: string;
  tag: number;
  values: IppValue[];
}

export interface IppGroup {
  tag: number;
  attributes: IppAttribute[];
}

export interface IppMessage {
  version: number;
  /** Operation id in a request, status code in a response. */
  code: number;
  requestId: number;
  groups: IppGroup[];
  data: Buffer;
}

const MAX_DEPTH = 8;

function encodeValue(tag: number, value: IppValue): Buffer {
  if (value === null) return Buffer.alloc(0);
  if (tag === ValueTag.integer || tag === ValueTag.enum) {
    const out = Buffer.alloc(4);
    out.writeInt32BE(Number(value));
    return out;
  }
  if (tag === ValueTag.boolean) return Buffer.from([value ? 1 : 0]);
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(String(value), 'utf8');
}

function encodeAttribute(attribute: IppAttribute): Buffer[] {
  return attribute.values.map((value, index) => {
    const name = Buffer.from(index === 0 ? attribute.name : '', 'utf8');
    const bytes = encodeValue(attribute.tag, value);
    const head = Buffer.alloc(3);
    head[0] = attribute.tag;
    head.writeUInt16BE(name.length, 1);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    return Buffer.concat([head, name, length, bytes]);
  });
}

/** Encodes a request (collections are not needed on the way out and are not supported there). */
export function encodeMessage(message: IppMessage): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(message.version);
  head.writeUInt16BE(message.code, 2);
  head.writeUInt32BE(message.requestId, 4);
  const parts: Buffer[] = [head];
  for (const group of message.groups) {
    parts.push(Buffer.from([group.tag]));
    for (const attribute of group.attributes) parts.push(...encodeAttribute(attribute));
  }
  parts.push(Buffer.from([GroupTag.end]), message.data);
  return Buffer.concat(parts);
}

class Reader {
  at = 0;
  constructor(private readonly buf: Buffer) {}

  need(count: number, what: string): void {
    if (this.at + count > this.buf.length) throw new FrameParseError('ipp', 'truncated', `${what} runs past the end`, this.at);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.at++] as number;
  }
  u16(what: string): number {
    this.need(2, what);
    const value = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }
  bytes(count: number, what: string): Buffer {
    this.need(count, what);
    const out = this.buf.subarray(this.at, this.at + count);
    this.at += count;
    return out;
  }
  get done(): boolean {
    return this.at >= this.buf.length;
  }
  rest(): Buffer {
    return Buffer.from(this.buf.subarray(this.at));
  }
}

function decodeValue(tag: number, raw: Buffer): IppValue {
  if (tag >= 0x10 && tag <= 0x1f) return null;
  if (tag === ValueTag.integer || tag === ValueTag.enum) {
    if (raw.length !== 4) throw new FrameParseError('ipp', 'bad-length', `integer of ${raw.length} bytes`);
    return raw.readInt32BE();
  }
  if (tag === ValueTag.boolean) {
    if (raw.length !== 1) throw new FrameParseError('ipp', 'bad-length', `boolean of ${raw.length} bytes`);
    return raw[0] !== 0;
  }
  if (tag === ValueTag.textWithLanguage || tag === ValueTag.nameWithLanguage) {
    const reader = new Reader(raw);
    reader.bytes(reader.u16('language length'), 'language');
    return reader.bytes(reader.u16('text length'), 'text').toString('utf8');
  }
  if (tag >= 0x40 && tag <= 0x5f) return raw.toString('utf8');
  if (tag >= 0x20 && tag <= 0x3f) return Buffer.from(raw);
  throw new FrameParseError('ipp', 'bad-value', `unsupported value tag 0x${tag.toString(16)}`);
}

/** Reads attribute entries until a delimiter (or, inside a collection, its end). */
function readAttributes(reader: Reader, depth: number): { attributes: IppAttribute[]; ended: 'delimiter' | 'collection' } {
  const attributes: IppAttribute[] = [];
  let member: IppAttribute | undefined;
  for (;;) {
    reader.need(1, 'tag');
    const tag = reader.u8('tag');
    if (tag <= 0x0f) {
      if (depth > 0) throw new FrameParseError('ipp', 'truncated', 'collection not closed');
      reader.at -= 1;
      return { attributes, ended: 'delimiter' };
    }
    const name = reader.bytes(reader.u16('name length'), 'name').toString('utf8');
    const raw = reader.bytes(reader.u16('value length'), 'value');
    if (tag === ValueTag.endCollection) {
      if (depth === 0) throw new FrameParseError('ipp', 'bad-value', 'end of a collection that was not opened');
      return { attributes, ended: 'collection' };
    }
    if (depth > 0 && tag === ValueTag.memberAttrName) {
      member = { name: raw.toString('utf8'), tag: 0, values: [] };
      attributes.push(member);
      continue;
    }
    let value: IppValue;
    if (tag === ValueTag.begCollection) {
      if (depth >= MAX_DEPTH) throw new FrameParseError('ipp', 'bad-value', 'collections nested too deep');
      value = { members: readAttributes(reader, depth + 1).attributes };
    } else value = decodeValue(tag, raw);
    if (depth > 0) {
      if (!member) throw new FrameParseError('ipp', 'bad-value', 'collection value without a member name');
      member.tag ||= tag;
      member.values.push(value);
    } else if (name === '') {
      const last = attributes[attributes.length - 1];
      if (!last) throw new FrameParseError('ipp', 'bad-value', 'additional value without an attribute');
      last.values.push(value);
    } else attributes.push({ name, tag, values: [value] });
  }
}

/** Decodes a whole message. Throws FrameParseError (truncated, bad-length, bad-value) and nothing else. */
export function decodeMessage(bytes: Uint8Array): IppMessage {
  const reader = new Reader(Buffer.from(bytes));
  const version = reader.u16('version');
  const code = reader.u16('status code');
  reader.need(4, 'request id');
  const requestId = reader.bytes(4, 'request id').readUInt32BE();
  const groups: IppGroup[] = [];
  for (;;) {
    if (reader.done) throw new FrameParseError('ipp', 'truncated', 'no end-of-attributes tag');
    const tag = reader.u8('group tag');
    if (tag === GroupTag.end) break;
    if (tag > 0x0f) throw new FrameParseError('ipp', 'bad-value', `value before any group (tag 0x${tag.toString(16)})`);
    groups.push({ tag, attributes: readAttributes(reader, 0).attributes });
  }
  return { version, code, requestId, groups, data: reader.rest() };
}

/** The first value of an attribute in any group of the given tag. */
export function findAttribute(message: IppMessage, groupTag: number, name: string): IppAttribute | undefined {
  for (const group of message.groups) {
    if (group.tag !== groupTag) continue;
    const found = group.attributes.find((attribute) => attribute.name === name);
    if (found) return found;
  }
  return undefined;
}
