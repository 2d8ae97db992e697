import { FrameParseError } from '../errors';
import { isRealtimeStatusByte } from './status';

/** What a receipt printer sends back: a DLE EOT status byte, or a process-id answer `37 22 d1..d4 00`. */
export type EscPosResponse = { type: 'status'; byte: number } | { type: 'process-id'; id: string };

const PROCESS_ID_LENGTH = 7;

/**
 * Incremental decoder for the printer-to-host byte stream. Status bytes are recognised by their fixed bits,
 * process-id answers by their `37 22` header; anything else is a FrameParseError and is dropped. A
 * process-id answer cut short is reported when the next byte cannot continue it, or on `flush()` (the
 * driver calls it when the line goes quiet). Never throws.
 */
export class EscPosResponseDecoder {
  private partial: number[] = [];

  push(chunk: Uint8Array): { responses: EscPosResponse[]; errors: FrameParseError[] } {
    const responses: EscPosResponse[] = [];
    const errors: FrameParseError[] = [];
    // Garbage is reported once per run of bad bytes, not once per byte: a noisy line is one event.
    let garbage = 0;
    const endGarbage = (): void => {
      if (garbage) errors.push(new FrameParseError('escpos', 'garbage', `${garbage} unexpected byte(s)`));
      garbage = 0;
    };
    for (const byte of chunk) {
      if (this.partial.length) {
        if (this.continues(byte)) {
          this.partial.push(byte);
          if (this.partial.length === PROCESS_ID_LENGTH) {
            responses.push({ type: 'process-id', id: Buffer.from(this.partial.slice(2, 6)).toString('ascii') });
            this.partial = [];
          }
          continue;
        }
        errors.push(new FrameParseError('escpos', 'truncated', `process-id answer cut after ${this.partial.length} bytes`));
        this.partial = [];
      }
      if (byte === 0x37) {
        endGarbage();
        this.partial = [byte];
      } else if (isRealtimeStatusByte(byte)) {
        endGarbage();
        responses.push({ type: 'status', byte });
      } else {
        garbage += 1;
      }
    }
    endGarbage();
    return { responses, errors };
  }

  /** Reports and drops a half-received answer. */
  flush(): FrameParseError[] {
    if (!this.partial.length) return [];
    const error = new FrameParseError('escpos', 'truncated', `process-id answer cut after ${this.partial.length} bytes`);
    this.partial = [];
    return [error];
  }

  private continues(byte: number): boolean {
    const at = this.partial.length;
    if (at === 1) return byte === 0x22;
    if (at < 6) return byte >= 0x30 && byte <= 0x39;
    return byte === 0x00;
  }
}

/** The printer's half: the bytes of a process-id answer. */
export function encodeProcessIdResponse(id: string): Buffer {
  return Buffer.concat([Buffer.from([0x37, 0x22]), Buffer.from(id, 'ascii'), Buffer.from([0])]);
}
