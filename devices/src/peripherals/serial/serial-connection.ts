import { DeviceDisconnectedError } from '../errors';
import { Listeners } from '../events';
import { describeError, runDetached, silentLogger, type PeripheralLogger } from '../logger';
import { SysfsSerialLocator, describeSerialIdentity, type SerialIdentity, type SerialLocator } from './identity';
import { serialPortFactory, type SerialLink, type SerialLinkFactory } from './serial-link';

export type ConnectionState = 'stopped' | 'disconnected' | 'connected';

export interface SerialConnectionOptions {
  deviceId: string;
  identity: SerialIdentity;
  baudRate: number;
  factory?: SerialLinkFactory;
  locator?: SerialLocator;
  /** How often the identity is re-resolved (hot-plug detection). */
  watchMs?: number;
  logger?: PeripheralLogger;
}


/**
 * Keeps one serial device open by its stable identity. Every `watchMs` it resolves the identity: gone →
 * close and `disconnected`; back (or pointing at a new node, as after a replug) → reopen and `connected`.
 * A port that closes under us (EIO when the device or the pty's far end vanishes) is `disconnected` too.
 * Drivers listen to `state` and `data`; the agent never restarts for a replug.
 */
export class SerialConnection {
  private link: SerialLink | undefined;
  private openNode: string | undefined;
  private currentState: ConnectionState = 'stopped';
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly stateListeners: Listeners<ConnectionState>;
  private readonly dataListeners: Listeners<Buffer>;
  private readonly factory: SerialLinkFactory;
  private readonly locator: SerialLocator;
  private readonly logger: PeripheralLogger;
  private readonly watchMs: number;

  constructor(private readonly options: SerialConnectionOptions) {
    this.factory = options.factory ?? serialPortFactory;
    this.locator = options.locator ?? new SysfsSerialLocator();
    this.logger = options.logger ?? silentLogger;
    this.watchMs = options.watchMs ?? 500;
    this.stateListeners = new Listeners(`${options.deviceId} state`, this.logger);
    this.dataListeners = new Listeners(`${options.deviceId} data`, this.logger);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get identity(): string {
    return describeSerialIdentity(this.options.identity);
  }

  on(event: 'state', listener: (state: ConnectionState) => void): () => void;
  on(event: 'data', listener: (bytes: Buffer) => void): () => void;
  on(event: 'state' | 'data', listener: ((state: ConnectionState) => void) | ((bytes: Buffer) => void)): () => void {
    return event === 'state'
      ? this.stateListeners.add(listener as (state: ConnectionState) => void)
      : this.dataListeners.add(listener as (bytes: Buffer) => void);
  }

  /** Starts watching; resolves after the first attempt to open (connected or not). */
  async start(): Promise<void> {
    if (this.currentState !== 'stopped') return;
    this.setState('disconnected');
    await this.tick();
    this.timer = setInterval(() => runDetached(this.logger, 'serial watch', () => this.tick()), this.watchMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.dropLink();
    this.setState('stopped');
  }

  async write(bytes: Uint8Array): Promise<void> {
    const link = this.link;
    if (!link || this.currentState !== 'connected') throw new DeviceDisconnectedError(this.options.deviceId);
    try {
      await link.write(bytes);
    } catch (error) {
      this.logger.warn({ deviceId: this.options.deviceId, err: describeError(error) }, 'serial write failed');
      await this.dropLink();
      throw new DeviceDisconnectedError(this.options.deviceId);
    }
  }

  /** One hot-plug check; public so a test or the agent can force it instead of waiting for the timer. */
  async tick(): Promise<void> {
    if (this.ticking || this.currentState === 'stopped') return;
    this.ticking = true;
    try {
      const node = await this.locator.resolve(this.options.identity);
      if (this.link && node !== this.openNode) {
        this.logger.info({ deviceId: this.options.deviceId, identity: this.identity }, 'serial device unplugged');
        await this.dropLink();
      }
      if (!this.link && node && !this.stopped()) await this.open(node);
    } finally {
      this.ticking = false;
    }
  }

  private async open(node: string): Promise<void> {
    let link: SerialLink;
    try {
      link = await this.factory.open(node, this.options.baudRate);
    } catch (error) {
      this.logger.warn({ deviceId: this.options.deviceId, err: describeError(error) }, 'serial open failed');
      return;
    }
    if (this.stopped()) {
      await link.close();
      return;
    }
    this.link = link;
    this.openNode = node;
    link.onData((bytes) => {
      if (this.link === link) this.dataListeners.emit(bytes);
    });
    link.onClose(() => {
      if (this.link !== link) return;
      this.link = undefined;
      this.openNode = undefined;
      if (this.currentState !== 'stopped') this.setState('disconnected');
    });
    this.logger.info({ deviceId: this.options.deviceId, identity: this.identity }, 'serial device connected');
    this.setState('connected');
  }

  private async dropLink(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    this.openNode = undefined;
    if (link) {
      await link.close();
      if (this.currentState !== 'stopped') this.setState('disconnected');
    }
  }

  /** A method, not a field test, so TypeScript does not narrow it across awaits. */
  private stopped(): boolean {
    return this.currentState === 'stopped';
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateListeners.emit(state);
  }
}
