import { DeviceRefusedError, DeviceTimeoutError, FrameParseError, DeviceDisconnectedError } from '../errors';
import { Listeners } from '../events';
import { silentLogger, type PeripheralLogger } from '../logger';
import type { SerialIdentity, SerialLocator } from '../serial/identity';
import { SerialConnection, type ConnectionState } from '../serial/serial-connection';
import type { SerialLinkFactory } from '../serial/serial-link';
import { CcTalkFrameDecoder, HOST_ADDRESS, encodeFrame, type CcTalkFrame } from './frame';
import { Header } from './headers';

export interface CcTalkBusOptions {
  /** Names the bus in logs and errors (e.g. `cash-bus`). */
  id: string;
  identity: SerialIdentity;
  baudRate?: number;
  /** How long a device may take to answer one command. */
  replyTimeoutMs?: number;
  /** Extra attempts after a timeout or a corrupt reply. */
  retries?: number;
  watchMs?: number;
  factory?: SerialLinkFactory;
  locator?: SerialLocator;
  logger?: PeripheralLogger;
}

interface Pending {
  address: number;
  header: number;
  resolve(data: Buffer): void;
  reject(error: Error): void;
}

/**
 * One ccTalk multi-drop bus on one serial line: the coin acceptor and the hoppers share it. Commands go one
 * at a time (ccTalk is strictly master/slave); a reply is accepted only from the addressed device, for the
 * host, as ACK/NAK/BUSY. Frames addressed elsewhere are our own echo on a single-wire bus and are ignored;
 * anything unparseable is reported as malformed and the command retried. Drivers attach and detach; the
 * line is open while any driver is attached.
 */
export class CcTalkBus {
  private readonly connection: SerialConnection;
  private readonly decoder = new CcTalkFrameDecoder();
  private readonly malformedListeners: Listeners<FrameParseError>;
  private readonly logger: PeripheralLogger;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private attached = 0;

  constructor(private readonly options: CcTalkBusOptions) {
    this.logger = options.logger ?? silentLogger;
    this.malformedListeners = new Listeners(`${options.id} malformed`, this.logger);
    this.connection = new SerialConnection({
      deviceId: options.id,
      identity: options.identity,
      baudRate: options.baudRate ?? 9600,
      ...(options.factory ? { factory: options.factory } : {}),
      ...(options.locator ? { locator: options.locator } : {}),
      ...(options.watchMs ? { watchMs: options.watchMs } : {}),
      logger: this.logger,
    });
    this.connection.on('data', (bytes) => this.receive(bytes));
    this.connection.on('state', (state) => {
      if (state !== 'connected') this.fail(new DeviceDisconnectedError(options.id));
      this.decoder.flush();
    });
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  get identity(): string {
    return this.connection.identity;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    return this.connection.on('state', listener);
  }

  onMalformed(listener: (error: FrameParseError) => void): () => void {
    return this.malformedListeners.add(listener);
  }

  async attach(): Promise<void> {
    this.attached += 1;
    if (this.attached === 1) await this.connection.start();
  }

  async detach(): Promise<void> {
    this.attached = Math.max(0, this.attached - 1);
    if (this.attached === 0) await this.connection.stop();
  }

  /**
   * Sends one command and resolves with the reply's data; NAK/BUSY reject with DeviceRefusedError. Commands
   * that must not run twice (dispense) pass `retries: 0` and check the device's event counter instead.
   */
  request(address: number, header: number, data: Uint8Array | readonly number[] = Buffer.alloc(0), options: { retries?: number } = {}): Promise<Buffer> {
    const retries = options.retries ?? this.options.retries ?? 2;
    const task = this.queue.then(() => this.exchange(address, header, Buffer.from([...data]), retries));
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async exchange(address: number, header: number, data: Buffer, retries: number): Promise<Buffer> {
    const attempts = 1 + retries;
    const timeoutMs = this.options.replyTimeoutMs ?? 200;
    let lastError: Error = new DeviceTimeoutError(this.options.id, `ccTalk header ${header}`, timeoutMs);
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (this.connection.state !== 'connected') throw new DeviceDisconnectedError(this.options.id);
      try {
        return await this.once(address, header, data, timeoutMs);
      } catch (error) {
        if (!(error instanceof DeviceTimeoutError)) throw error;
        lastError = error;
        // Whatever half-frame is sitting in the decoder belongs to the failed attempt.
        this.decoder.flush().forEach((parseError) => this.malformedListeners.emit(parseError));
      }
    }
    throw lastError;
  }

  private once(address: number, header: number, data: Buffer, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new DeviceTimeoutError(this.options.id, `ccTalk header ${header} to address ${address}`, timeoutMs));
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.pending = undefined;
      };
      this.pending = {
        address,
        header,
        resolve: (reply) => {
          settle();
          resolve(reply);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      this.connection.write(encodeFrame({ destination: address, source: HOST_ADDRESS, header, data })).catch((error: unknown) => {
        this.pending?.reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  private receive(bytes: Buffer): void {
    const { frames, errors } = this.decoder.push(bytes);
    errors.forEach((error) => this.malformedListeners.emit(error));
    for (const frame of frames) this.handle(frame);
  }

  private handle(frame: CcTalkFrame): void {
    if (frame.destination !== HOST_ADDRESS) return; // our own command echoed back on a one-wire bus
    const pending = this.pending;
    if (!pending || frame.source !== pending.address) {
      this.malformedListeners.emit(new FrameParseError('cctalk', 'bad-value', `unexpected reply from address ${frame.source}`));
      return;
    }
    if (frame.header === Header.reply) pending.resolve(frame.data);
    else if (frame.header === Header.nak) pending.reject(new DeviceRefusedError(this.options.id, `ccTalk header ${pending.header}`, 'nak'));
    else if (frame.header === Header.busy) pending.reject(new DeviceRefusedError(this.options.id, `ccTalk header ${pending.header}`, 'busy'));
    else this.malformedListeners.emit(new FrameParseError('cctalk', 'bad-value', `reply with header ${frame.header}`));
  }

  private fail(error: Error): void {
    this.pending?.reject(error);
  }
}
