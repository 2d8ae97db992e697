import type { DeviceHealth, DeviceKind } from '@kiosk/protocols';
import { DeviceDisconnectedError, DeviceRefusedError, DeviceTimeoutError, FrameParseError } from '../errors';
import { HealthTracker } from '../health/health';
import { describeError, runDetached, silentLogger, systemClock, type Clock, type PeripheralLogger } from '../logger';
import type { CcTalkBus } from './bus';

export interface CcTalkPolledDeviceOptions {
  id: string;
  bus: CcTalkBus;
  clock?: Clock;
  logger?: PeripheralLogger;
}

/** How a device's poll loop names itself: its period and the words used in logs. */
export interface CcTalkPollSettings {
  pollMs: number;
  /** Task name for a poll that fails unexpectedly (runDetached). */
  task: string;
  /** Warning logged when a poll meets a bad frame or a refusal. */
  failureMessage: string;
}

/**
 * The lifecycle every ccTalk peripheral on a shared bus goes through: open the bus, poll on a timer, and
 * turn bus state changes into health. Kept in one place so the acceptor and the hoppers cannot drift apart
 * in how they treat a disconnect (health `disconnected`, configure again on reconnect) or a failed poll.
 * Subclasses supply only what one poll does.
 */
export abstract class CcTalkPolledDevice {
  protected readonly tracker: HealthTracker;
  protected readonly logger: PeripheralLogger;
  protected readonly clock: Clock;
  protected readonly bus: CcTalkBus;
  /** False until the device has been set up since the bus last changed state. */
  protected configured = false;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopOffState: (() => void) | undefined;
  private readonly deviceId: string;

  protected constructor(
    options: CcTalkPolledDeviceOptions,
    kind: DeviceKind,
    private readonly pollSettings: CcTalkPollSettings,
  ) {
    this.deviceId = options.id;
    this.bus = options.bus;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.tracker = new HealthTracker(options.id, kind, this.clock, this.logger);
  }

  get id(): string {
    return this.deviceId;
  }

  async start(): Promise<void> {
    this.stopOffState = this.bus.onState((state) => {
      // Whatever was configured may be gone (power-cycled device): configure again on the next poll.
      this.configured = false;
      if (state !== 'connected') this.tracker.update(['disconnected'], { detail: `waiting for ${this.bus.identity}` });
    });
    await this.bus.attach();
    await this.poll();
    this.timer = setInterval(() => runDetached(this.logger, this.pollSettings.task, () => this.poll()), this.pollSettings.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopOffState?.();
    await this.bus.detach();
  }

  health(): DeviceHealth {
    return this.tracker.health();
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    return this.tracker.onChange(listener);
  }

  onMalformed(listener: (error: FrameParseError) => void): () => void {
    return this.bus.onMalformed(listener);
  }

  /** One poll's work; runs only while the bus is connected and no other poll is running. */
  protected abstract pollOnce(): Promise<void>;

  /** Lets a subclass skip polls while it owns the bus for something else (e.g. a payout). */
  protected canPoll(): boolean {
    return true;
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.canPoll() || this.bus.state !== 'connected') return;
    this.polling = true;
    try {
      await this.pollOnce();
    } catch (error) {
      // A timeout is health; a bad frame or refusal is retried by the next poll; a disconnect is reported
      // by the bus state listener. Anything else is a bug and must surface.
      if (error instanceof DeviceTimeoutError) this.tracker.update(['timeout'], { detail: error.message });
      else if (error instanceof FrameParseError || error instanceof DeviceRefusedError) {
        this.logger.warn({ deviceId: this.id, err: describeError(error) }, this.pollSettings.failureMessage);
      } else if (!(error instanceof DeviceDisconnectedError)) throw error;
    } finally {
      this.polling = false;
    }
  }
}
