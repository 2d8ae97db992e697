import type { DeviceHealth, DeviceKind } from '@kiosk/protocols';
import { FrameParseError } from '../errors';
import { Listeners } from '../events';
import { HealthTracker } from '../health/health';
import { describeError, runDetached, silentLogger, systemClock, type Clock, type PeripheralLogger } from '../logger';
import { describeHidIdentity, matchesHid, type HidConnection, type HidDeviceSource, type HidIdentity } from './hid-source';
import { KeyboardReportDecoder, splitReports, type KeyPress } from './keyboard';

export interface HidKeyboardOptions {
  id: string;
  identity: HidIdentity;
  source: HidDeviceSource;
  /** Hot-plug check period. */
  watchMs?: number;
  clock?: Clock;
  logger?: PeripheralLogger;
}

/**
 * What the scanner and the PIN pad share: find the device by identity, open it, decode its keyboard
 * reports, and notice when it goes (read error, or gone from the list) and comes back.
 */
export abstract class HidKeyboardDevice {
  abstract readonly kind: DeviceKind;
  protected readonly logger: PeripheralLogger;
  private readonly tracker: HealthTracker;
  private readonly malformed: Listeners<FrameParseError>;
  private readonly decoder = new KeyboardReportDecoder();
  private connection: HidConnection | undefined;
  private connectedPath: string | undefined;
  private everConnected = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = true;

  constructor(
    protected readonly options: HidKeyboardOptions,
    kind: DeviceKind,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.tracker = new HealthTracker(options.id, kind, options.clock ?? systemClock, this.logger);
    this.malformed = new Listeners(`${options.id} malformed`, this.logger);
  }

  get id(): string {
    return this.options.id;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => runDetached(this.logger, 'hid watch', () => this.tick()), this.options.watchMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.drop();
  }

  health(): DeviceHealth {
    return this.tracker.health();
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    return this.tracker.onChange(listener);
  }

  onMalformed(listener: (error: FrameParseError) => void): () => void {
    return this.malformed.add(listener);
  }

  protected abstract handleKey(key: KeyPress): void;

  /** One hot-plug check; public so the agent can force one after a udev event. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const found = (await this.options.source.list()).find((info) => matchesHid(info, this.options.identity));
      if (this.connection && found?.path !== this.connectedPath) await this.lose('gone from the device list');
      if (!this.connection && found && !this.stopped) await this.open(found.path);
      if (!this.connection) this.tracker.update([this.everConnected ? 'disconnected' : 'not-found'], { detail: `waiting for ${describeHidIdentity(this.options.identity)}` });
    } catch (error) {
      this.logger.warn({ deviceId: this.id, err: describeError(error) }, 'hid enumeration failed');
    } finally {
      this.ticking = false;
    }
  }

  private async open(path: string): Promise<void> {
    let connection: HidConnection;
    try {
      connection = await this.options.source.open(path);
    } catch (error) {
      this.logger.warn({ deviceId: this.id, err: describeError(error) }, 'hid open failed');
      return;
    }
    this.connection = connection;
    this.connectedPath = path;
    this.everConnected = true;
    this.decoder.reset();
    connection.onData((data) => {
      if (this.connection === connection) this.receive(data);
    });
    connection.onError((error) => {
      if (this.connection !== connection) return;
      runDetached(this.logger, 'hid disconnect', () => this.lose(error.message));
    });
    this.logger.info({ deviceId: this.id }, 'hid device connected');
    this.tracker.update([]);
  }

  private receive(data: Buffer): void {
    try {
      for (const report of splitReports(data)) {
        for (const key of this.decoder.decode(report)) this.handleKey(key);
      }
    } catch (error) {
      if (!(error instanceof FrameParseError)) throw error;
      this.decoder.reset();
      this.malformed.emit(error);
    }
  }

  private async lose(why: string): Promise<void> {
    this.logger.info({ deviceId: this.id, why }, 'hid device disconnected');
    await this.drop();
    if (!this.stopped) this.tracker.update(['disconnected'], { detail: why.slice(0, 200) });
  }

  private async drop(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.connectedPath = undefined;
    if (connection) {
      try {
        await connection.close();
      } catch (error) {
        this.logger.warn({ deviceId: this.id, err: describeError(error) }, 'hid close failed');
      }
    }
  }
}
