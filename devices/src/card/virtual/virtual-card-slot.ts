import { connect, type Socket } from 'node:net';
import { VirtualCardError } from '../errors';
import { type CardLogger, errorText, silentCardLogger } from '../logger';
import { encodeVpcdFrame, VpcdControl, VpcdFrameDecoder } from './vpcd-framing';

const INS_READ_BINARY = 0xb0;
/** 65 81: memory failure, what a card with a damaged EEPROM answers. */
const SW_MEMORY_FAILURE = 0x6581;

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
  /** While set, the card's answers wait here, in order, as a slow card's do (see `holdAnswers`). */
  private held: Buffer[] | null = null;
  /** A status word answered to every READ BINARY instead of the file (see `failReads`). */
  private readFault: number | null = null;
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
        if (this.held) this.held = [];
      }
    });
    this.logger.info({ link: this.linkPath }, 'virtual card inserted');
  }

  /** Takes the card out: the link closes, vpcd sees the card gone, any APDU in flight fails. */
  async remove(): Promise<void> {
    const socket = this.socket;
    this.stall = null;
    // Answers not yet given go with the card; a hold still set applies to the next card.
    if (this.held) this.held = [];
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

  /**
   * A slow card, for tests that must see what a person sees while a card is read (a real JPKI card takes
   * a second or more): from now on every APDU's answer, to this card or the next one put in, waits until
   * `releaseAnswers`. Commands are still processed in the order they came (the card's state moves at once);
   * only the replies wait. The ATR is given at once (the card is seen going in), unless an answer is
   * already waiting: vpcd reads replies in order. The driver's transmit timeout (10 s by default) applies.
   */
  holdAnswers(): void {
    this.held ??= [];
  }

  /** Gives the held answers, in order, and answers at once again. */
  releaseAnswers(): void {
    const held = this.held;
    this.held = null;
    if (held && held.length > 0) this.socket?.write(Buffer.concat(held));
  }

  /** Commands answered and waiting in the hold (0 when nothing is held). */
  get heldAnswers(): number {
    return this.held?.length ?? 0;
  }

  /**
   * A card whose files cannot be read (a damaged chip): every READ BINARY is answered `statusWord`
   * (65 81 memory failure by default) instead of the file, until `failReads(null)`. SELECT, VERIFY and the
   * rest still work, so the driver meets the fault where a real one shows: reading the certificate.
   */
  failReads(statusWord: number | null = SW_MEMORY_FAILURE): void {
    this.readFault = statusWord;
  }

  /** `control`: an ATR, held only behind an answer already waiting (the reply order is vpcd's). */
  private answer(socket: Socket, payload: Buffer, kind: 'apdu' | 'control'): void {
    const frame = encodeVpcdFrame(payload);
    if (this.held && (kind === 'apdu' || this.held.length > 0)) this.held.push(frame);
    else socket.write(frame);
  }

  private control(card: VirtualCard, socket: Socket, control: number): void {
    switch (control) {
      case VpcdControl.getAtr:
        this.answer(socket, card.atr, 'control');
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
    const fault = this.readFault;
    if (fault !== null && apdu[0] === 0x00 && apdu[1] === INS_READ_BINARY) {
      this.answer(socket, Buffer.from([fault >> 8, fault & 0xff]), 'apdu');
      return;
    }
    this.answer(socket, card.process(apdu), 'apdu');
  }
}
