import { CardArgumentError, MalformedCommandError } from '../errors';
import { type CommandApdu, describeCommand, encodeCommand, parseCommand } from './command';

const hex = (b: Buffer): string => b.toString('hex').toUpperCase();

describe('encodeCommand', () => {
  it('writes the four short cases', () => {
    expect(hex(encodeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x80 }))).toBe('00200080');
    expect(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 1, p2: 2, ne: 4 }))).toBe('00B0010204');
    expect(hex(encodeCommand({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Buffer.from([0, 0x0a]) }))).toBe('00A4020C02000A');
    expect(hex(encodeCommand({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: Buffer.from([1, 2]), ne: 256 }))).toBe('802A0080020102' + '00');
  });

  it('writes Le 256 as 00 and switches to extended fields when a length does not fit one byte', () => {
    expect(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 }))).toBe('00B0000000');
    expect(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 257 }))).toBe('00B00000000101');
    expect(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65536 }))).toBe('00B00000000000');
    const data = Buffer.alloc(300, 0xaa);
    const encoded = encodeCommand({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data, ne: 2 });
    expect(hex(encoded.subarray(0, 7))).toBe('00D6000000012C');
    expect(hex(encoded.subarray(-2))).toBe('0002');
    expect(encoded.length).toBe(4 + 3 + 300 + 2);
  });

  it('refuses values that are not bytes or lengths out of range', () => {
    expect(() => encodeCommand({ cla: 256, ins: 0, p1: 0, p2: 0 })).toThrow(CardArgumentError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: -1, p2: 0 })).toThrow(CardArgumentError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 0 })).toThrow(CardArgumentError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 65537 })).toThrow(CardArgumentError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, data: Buffer.alloc(65536) })).toThrow(CardArgumentError);
  });
});

describe('parseCommand', () => {
  const cases: CommandApdu[] = [
    { cla: 0, ins: 0x20, p1: 0, p2: 0x80 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 5, ne: 17 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 5, ne: 256 },
    { cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: Buffer.from('D392F000260100000001', 'hex') },
    { cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: Buffer.alloc(51, 7), ne: 256 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 4000 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65536 },
    { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: Buffer.alloc(1000, 1) },
    { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: Buffer.alloc(1000, 1), ne: 3 },
  ];

  it.each(cases.map((c) => [describeCommand(c), c]))('round-trips %s', (_name, command) => {
    const parsed = parseCommand(encodeCommand(command));
    expect({ ...parsed, extended: undefined }).toEqual({ ...command, extended: undefined });
  });

  it('rejects bodies whose length fields do not add up', () => {
    for (const bad of ['00A4', '00A4040C0AD392', '00A4040C02AABBCCDD', '00B000000001', '00D6000000000301']) {
      expect(() => parseCommand(Buffer.from(bad, 'hex'))).toThrow(MalformedCommandError);
    }
  });
});

describe('describeCommand', () => {
  it('names instruction and lengths but never the data (a VERIFY carries the PIN)', () => {
    const text = describeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: Buffer.from('2580') });
    expect(text).toBe('00 20 00 80 Nc=4 Ne=0');
    expect(text).not.toContain('2580');
    expect(text).not.toContain('32353830');
  });
});
