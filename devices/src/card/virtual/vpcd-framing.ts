import { MalformedResponseError } from '../errors';

/**
 * vpcd's wire format (vsmartcard's vpcd.c): every message is a 2-byte big-endian length and that many
 * bytes. A 1-byte message is a control, anything longer a command APDU that wants its response APDU.
 */
export const VpcdControl = {
  powerOff: 0x00,
  powerOn: 0x01,
  reset: 0x02,
  /** The only control with an answer: the card's ATR. */
  getAtr: 0x04,
} as const;

export type VpcdMessage = { kind: 'control'; control: number } | { kind: 'apdu'; apdu: Buffer };

export function encodeVpcdFrame(payload: Buffer): Buffer {
  if (payload.length > 0xffff) throw new MalformedResponseError('vpcd-frame', `${payload.length} bytes do not fit a frame`);
  const header = Buffer.alloc(2);
  header.writeUInt16BE(payload.length);
  return Buffer.concat([header, payload]);
}

/** Joins TCP chunks into vpcd messages; chunk boundaries carry no meaning. */
export class VpcdFrameDecoder {
  private buffered = Buffer.alloc(0);

  push(chunk: Buffer): VpcdMessage[] {
    this.buffered = this.buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffered, chunk]);
    const messages: VpcdMessage[] = [];
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (this.buffered.length < 2 + length) break;
      const payload = Buffer.from(this.buffered.subarray(2, 2 + length));
      this.buffered = this.buffered.subarray(2 + length);
      if (length === 0) throw new MalformedResponseError('vpcd-frame', 'an empty frame');
      messages.push(length === 1 ? { kind: 'control', control: payload[0]! } : { kind: 'apdu', apdu: payload });
    }
    return messages;
  }

  /** Bytes of an unfinished frame (a clean close leaves none). */
  get pendingBytes(): number {
    return this.buffered.length;
  }
}
