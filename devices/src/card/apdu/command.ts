import { CardArgumentError, MalformedCommandError } from '../errors';

/**
 * An ISO/IEC 7816-4 command APDU. `data` is the command data field (Nc = its length); `ne` is the number
 * of response bytes expected (absent: no Le field; 256 short / 65536 extended are "as many as there are").
 */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Buffer;
  ne?: number;
}

export const SHORT_NE_MAX = 256;
export const EXTENDED_NE_MAX = 65536;
const SHORT_NC_MAX = 255;
const EXTENDED_NC_MAX = 65535;

/** True when the command cannot be written with 1-byte Lc/Le fields. */
export function needsExtendedLength(command: CommandApdu): boolean {
  const nc = command.data?.length ?? 0;
  return nc > SHORT_NC_MAX || (command.ne ?? 0) > SHORT_NE_MAX;
}

/**
 * Encodes the four ISO cases, short when it fits and extended otherwise:
 *   case 1  CLA INS P1 P2
 *   case 2S ... Le            case 2E ... 00 Le1 Le2
 *   case 3S ... Lc data       case 3E ... 00 Lc1 Lc2 data
 *   case 4S ... Lc data Le    case 4E ... 00 Lc1 Lc2 data Le1 Le2
 * Le 00 (short) / 0000 (extended) means the maximum, 256 / 65536.
 */
export function encodeCommand(command: CommandApdu): Buffer {
  for (const [name, value] of [
    ['CLA', command.cla],
    ['INS', command.ins],
    ['P1', command.p1],
    ['P2', command.p2],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) {
      throw new CardArgumentError(`${name} must be a byte, got ${value}`);
    }
  }
  const data = command.data ?? Buffer.alloc(0);
  const ne = command.ne;
  if (data.length > EXTENDED_NC_MAX) {
    throw new CardArgumentError(`command data of ${data.length} bytes exceeds ${EXTENDED_NC_MAX}`);
  }
  if (ne !== undefined && (!Number.isInteger(ne) || ne < 1 || ne > EXTENDED_NE_MAX)) {
    throw new CardArgumentError(`Ne must be 1..${EXTENDED_NE_MAX}, got ${ne}`);
  }
  const header = Buffer.from([command.cla, command.ins, command.p1, command.p2]);
  const extended = needsExtendedLength(command);
  const parts: Buffer[] = [header];
  if (!extended) {
    if (data.length > 0) parts.push(Buffer.from([data.length]), data);
    if (ne !== undefined) parts.push(Buffer.from([ne === SHORT_NE_MAX ? 0 : ne]));
  } else {
    // One 00 byte marks the extended form, whether Lc or Le comes first.
    parts.push(Buffer.from([0]));
    if (data.length > 0) parts.push(u16(data.length), data);
    if (ne !== undefined) parts.push(u16(ne === EXTENDED_NE_MAX ? 0 : ne));
  }
  return Buffer.concat(parts);
}

/** The inverse of encodeCommand, for the virtual card. Throws MalformedCommandError, never anything else. */
export function parseCommand(bytes: Buffer): CommandApdu & { extended: boolean } {
  if (bytes.length < 4) throw new MalformedCommandError(`${bytes.length} bytes, a header has 4`);
  const head = { cla: bytes[0]!, ins: bytes[1]!, p1: bytes[2]!, p2: bytes[3]! };
  const body = bytes.subarray(4);
  if (body.length === 0) return { ...head, extended: false };
  if (body.length === 1) return { ...head, ne: body[0]! || SHORT_NE_MAX, extended: false };
  if (body[0] !== 0) {
    // Short: Lc data [Le]
    const nc = body[0]!;
    if (body.length === 1 + nc) return { ...head, data: Buffer.from(body.subarray(1)), extended: false };
    if (body.length === 2 + nc) {
      return { ...head, data: Buffer.from(body.subarray(1, 1 + nc)), ne: body[1 + nc]! || SHORT_NE_MAX, extended: false };
    }
    throw new MalformedCommandError(`short Lc ${nc} does not match a body of ${body.length} bytes`);
  }
  // Extended: 00 then Le1 Le2 (case 2E) or Lc1 Lc2 data [Le1 Le2].
  if (body.length === 3) return { ...head, ne: body.readUInt16BE(1) || EXTENDED_NE_MAX, extended: true };
  if (body.length < 3) throw new MalformedCommandError('truncated extended length field');
  const nc = body.readUInt16BE(1);
  if (nc === 0) throw new MalformedCommandError('extended Lc of 0');
  if (body.length === 3 + nc) return { ...head, data: Buffer.from(body.subarray(3)), extended: true };
  if (body.length === 5 + nc) {
    return { ...head, data: Buffer.from(body.subarray(3, 3 + nc)), ne: body.readUInt16BE(3 + nc) || EXTENDED_NE_MAX, extended: true };
  }
  throw new MalformedCommandError(`extended Lc ${nc} does not match a body of ${body.length} bytes`);
}

/** A log-safe description: instruction and lengths only, never the data (a VERIFY carries the PIN). */
export function describeCommand(command: CommandApdu): string {
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
  return `${hex(command.cla)} ${hex(command.ins)} ${hex(command.p1)} ${hex(command.p2)} Nc=${command.data?.length ?? 0} Ne=${command.ne ?? 0}`;
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}
