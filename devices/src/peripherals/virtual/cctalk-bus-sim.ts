import { CcTalkFrameDecoder, HOST_ADDRESS, encodeFrame } from '../cctalk/frame';
import { Header } from '../cctalk/headers';
import type { SimDevice } from './cctalk-devices';

/**
 * The device side of a ccTalk bus: decodes the host's frames and lets the addressed device answer. Frames
 * with a bad checksum get no answer at all (as on a real bus, the host times out and retries). Pure: bytes
 * in, bytes out.
 */
export class CcTalkBusSimulator {
  private readonly decoder = new CcTalkFrameDecoder();
  malformed = 0;
  /** When set, the next reply goes out with a corrupted checksum (line noise on the way back). */
  corruptNextReply = false;

  constructor(private readonly devices: SimDevice[]) {}

  receive(bytes: Uint8Array): Buffer {
    const { frames, errors } = this.decoder.push(bytes);
    this.malformed += errors.length;
    const replies: Buffer[] = [];
    for (const frame of frames) {
      if (frame.source !== HOST_ADDRESS) continue;
      const device = this.devices.find((candidate) => candidate.address === frame.destination);
      const answer = device?.handle(frame.header, frame.data);
      if (!device || !answer) continue;
      const reply = encodeFrame({
        destination: frame.source,
        source: device.address,
        header: 'nak' in answer ? Header.nak : Header.reply,
        data: 'ack' in answer ? answer.ack : Buffer.alloc(0),
      });
      if (this.corruptNextReply) {
        this.corruptNextReply = false;
        reply[reply.length - 1] = ((reply[reply.length - 1] as number) + 1) & 0xff;
      }
      replies.push(reply);
    }
    return Buffer.concat(replies);
  }
}
