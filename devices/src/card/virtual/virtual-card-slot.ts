import { connect, type Socket } from 'node:net';
import { VirtualCardError } from '../errors';
import { type CardLogger, errorText, silentCardLogger } from '../logger';
import { encodeVpcdFrame, VpcdControl, VpcdFrameDecoder } from './vpcd-framing';

/** The card side of one vpcd slot: the card this slot holds answers vpcd's frames. */
export interface VirtualCard {
  readonly atr: Buffer;
  reset(): void;
  process(apdu: Buffer): Buffer;
}

/**
 * One virtual reader slot ("Virtual PCD 00 0n"). Inserting a card opens the link to vpcd (through the
 * relay socket PcscdProcess provides), removing it closes the link, which vpcd reports as "card removed".
 */
export class VirtualCardSlot {
  private socket: Socket | null = null;
  private card: VirtualCard | null = null;
  private stall: { ins: number; reached: () => void } | null = null;
  private readonly logger: CardLogger;

  constructor(
    /** The Unix socket that leads to this slot's vpcd port (PcscdProcess.relaySocketPath). */
    private readonly linkPath: string,
    options: { logger?: CardLogger } = {},
  ) {
    this.logger = options.logger ?? silentCardLogger;
  }

  get inserted(): VirtualCard | null {
    return this.card;
  }

  /** Puts `card` into the slot. Resolves once the link is open; pcscd notices on its next poll (≤ 0.4 s). */
  async insert(card: VirtualCard): Promise<void> {
    if (this.socket) await this.remove();
    const socket = connect(this.linkPath);
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (error) => reject(new VirtualCardError(`cannot reach vpcd through ${this.linkPath}: ${errorText(error)}`)));
    });
    this.socket = socket;
    this.card = card;
    card.reset();
    const decoder = new VpcdFrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of decoder.push(chunk)) {
          if (message.kind === 'control') this.control(card, socket, message.control);
          else this.command(card, socket, message.apdu);
        }
      } catch (error) {
        this.logger.warn({ err: errorText(error) }, 'virtual card: bad frame from vpcd; removing the card');
        socket.destroy();
      }
    });
    socket.on('error', (error) => this.logger.debug({ err: errorText(error) }, 'virtual card link error'));
    socket.once('close', () => {
      if (this.socket === socket) {
        this.socket = null;
        this.card = null;
      }
    });
    this.logger.info({ link: this.linkPath }, 'virtual card inserted');
  }

  /** Takes the card out: the link closes, vpcd sees the card gone, any APDU in flight fails. */
  async remove(): Promise<void> {
    const socket = this.socket;
    this.stall = null;
    if (!socket) return;
    this.socket = null;
    this.card = null;
    await new Promise<void>((resolve) => {
      if (socket.destroyed && socket.closed) resolve();
      else {
        socket.once('close', () => resolve());
        socket.destroy();
      }
    });
    this.logger.info({ link: this.linkPath }, 'virtual card removed');
  }

  /**
   * Fault injection for tests: the next command with instruction `ins` gets no answer, as a card that hangs
   * mid-operation. Resolves when that command has arrived (so the test knows the operation is in flight).
   */
  stallNext(ins: number): Promise<void> {
    return new Promise((resolve) => {
      this.stall = { ins, reached: resolve };
    });
  }

  private control(card: VirtualCard, socket: Socket, control: number): void {
    switch (control) {
      case VpcdControl.getAtr:
        socket.write(encodeVpcdFrame(card.atr));
        return;
      case VpcdControl.powerOff:
      case VpcdControl.powerOn:
      case VpcdControl.reset:
        card.reset();
        return;
      default:
        this.logger.warn({ control }, 'virtual card: unknown vpcd control');
    }
  }

  private command(card: VirtualCard, socket: Socket, apdu: Buffer): void {
    const stall = this.stall;
    if (stall && apdu[1] === stall.ins) {
      this.stall = null;
      stall.reached();
      return; // never answered: the card hangs until it is removed
    }
    socket.write(encodeVpcdFrame(card.process(apdu)));
  }
}
