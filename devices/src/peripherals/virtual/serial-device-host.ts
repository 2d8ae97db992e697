import path from 'node:path';
import { promises as fs } from 'node:fs';
import { describeError, silentLogger, type PeripheralLogger } from '../logger';
import { serialPortFactory, type SerialLink, type SerialLinkFactory } from '../serial/serial-link';
import { SocatPtyPair } from './socat';

export interface SerialDeviceHostOptions {
  /** Directory holding the links; created if missing. */
  dir: string;
  /** The host-side link name: the identity the driver is given is `<dir>/<name>`. */
  name: string;
  baudRate: number;
  /** Bytes from the driver; returns the bytes to send back (may be empty). */
  onBytes: (bytes: Buffer) => Buffer;
  factory?: SerialLinkFactory;
  logger?: PeripheralLogger;
}

/**
 * The device end of a virtual serial device: a socat pty pair, with the simulator holding the far pty open
 * through `serialport`. `unplug()` stops socat (the driver's link vanishes and its port gets EIO);
 * `replug()` starts a new pair on the same link paths, as a USB device coming back would.
 */
export class SerialDeviceHost {
  private pair: SocatPtyPair | undefined;
  private link: SerialLink | undefined;
  private readonly logger: PeripheralLogger;

  constructor(private readonly options: SerialDeviceHostOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The path to give the driver as its identity. */
  get hostPath(): string {
    return path.join(this.options.dir, this.options.name);
  }

  get devicePath(): string {
    return path.join(this.options.dir, `.${this.options.name}.device`);
  }

  get plugged(): boolean {
    return this.link !== undefined;
  }

  async plug(): Promise<void> {
    if (this.pair) return;
    await fs.mkdir(this.options.dir, { recursive: true });
    const pair = await SocatPtyPair.start({ hostLink: this.hostPath, deviceLink: this.devicePath });
    let link: SerialLink;
    try {
      link = await (this.options.factory ?? serialPortFactory).open(this.devicePath, this.options.baudRate);
    } catch (error) {
      await pair.stop();
      throw error;
    }
    this.pair = pair;
    this.link = link;
    link.onData((bytes) => {
      const reply = this.options.onBytes(bytes);
      if (reply.length) this.send(reply);
    });
    link.onClose(() => {
      if (this.link === link) this.link = undefined;
    });
  }

  async unplug(): Promise<void> {
    const { pair, link } = this;
    this.pair = undefined;
    this.link = undefined;
    await link?.close();
    await pair?.stop();
  }

  /** Sends bytes to the driver (answers, or garbage when a test asks for it). */
  send(bytes: Buffer): void {
    const link = this.link;
    if (!link) return;
    link.write(bytes).catch((error: unknown) => this.logger.warn({ err: describeError(error) }, 'virtual device write failed'));
  }
}
