import type { CommandApdu } from './command';
import { EXTENDED_NE_MAX, SHORT_NE_MAX } from './command';
import { exchange, type RawTransmit } from './exchange';
import type { ResponseApdu } from './response';

/**
 * What a card application (JpkiCard) talks to: one logical exchange per call, 61xx/6Cxx already dealt
 * with. The real one sits on a PC/SC card handle; tests can put one straight on the virtual card.
 */
export interface ApduTransport {
  /** Whether the card accepts extended Lc/Le (from its ATR). */
  readonly extendedLength: boolean;
  /** The largest Ne one command may ask for: 256 short, 65536 extended. */
  readonly maxResponseLength: number;
  transmit(command: CommandApdu): Promise<ResponseApdu>;
}

/** One raw APDU on the wire, for benchmarks and debug logs. Lengths and status only, never data. */
export interface ApduEvent {
  ins: number;
  commandLength: number;
  responseLength: number;
  sw: number | null;
  durationMs: number;
}

export interface ApduChannelOptions {
  extendedLength: boolean;
  onApdu?: (event: ApduEvent) => void;
  /** Monotonic milliseconds; injected so tests need no real clock. */
  monotonicMs?: () => number;
}

export class ApduChannel implements ApduTransport {
  readonly extendedLength: boolean;
  readonly maxResponseLength: number;
  private apdus = 0;
  private readonly timed: RawTransmit;

  constructor(raw: RawTransmit, private readonly options: ApduChannelOptions) {
    this.extendedLength = options.extendedLength;
    this.maxResponseLength = options.extendedLength ? EXTENDED_NE_MAX : SHORT_NE_MAX;
    const now = options.monotonicMs ?? (() => performance.now());
    this.timed = async (command) => {
      this.apdus += 1;
      const started = now();
      let response: Buffer | null = null;
      try {
        response = await raw(command);
        return response;
      } finally {
        options.onApdu?.({
          ins: command[1] ?? 0,
          commandLength: command.length,
          responseLength: response?.length ?? 0,
          sw: response && response.length >= 2 ? response.readUInt16BE(response.length - 2) : null,
          durationMs: now() - started,
        });
      }
    };
  }

  /** Raw APDUs sent so far, GET RESPONSE and 6Cxx re-sends included. */
  get apduCount(): number {
    return this.apdus;
  }

  transmit(command: CommandApdu): Promise<ResponseApdu> {
    return exchange(this.timed, command, { extendedLength: this.options.extendedLength });
  }
}
