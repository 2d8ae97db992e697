import { Listeners } from '../events';
import type { PeripheralLogger } from '../logger';
import type { SerialLinkFactory } from '../serial/serial-link';
import { SerialDeviceHost } from './serial-device-host';

/** The options a virtual serial device takes from its caller. */
export interface VirtualSerialDeviceOptions {
  dir: string;
  /** Link name; the driver's identity is `{ path: <dir>/<name> }`. */
  name?: string;
  factory?: SerialLinkFactory;
  logger?: PeripheralLogger;
}

/** What a kind of virtual serial device fixes for itself. */
export interface VirtualSerialDeviceProfile {
  defaultName: string;
  baudRate: number;
  /** Name of the change listener set (used in logs when a listener throws). */
  changeLabel: string;
}

/**
 * What every simulated serial peripheral shares: a socat-backed host the real driver opens, plug/unplug and
 * line-noise controls for the device panel, and change announcements that skip repeats (the drivers poll
 * several times a second and most polls change nothing). Subclasses supply the device behaviour.
 */
export abstract class VirtualSerialDevice<Snapshot> {
  protected readonly host: SerialDeviceHost;
  private readonly changes: Listeners<Snapshot>;
  private lastAnnounced = '';

  protected constructor(options: VirtualSerialDeviceOptions, profile: VirtualSerialDeviceProfile) {
    this.changes = new Listeners(profile.changeLabel, options.logger);
    this.host = new SerialDeviceHost({
      dir: options.dir,
      name: options.name ?? profile.defaultName,
      baudRate: profile.baudRate,
      ...(options.factory ? { factory: options.factory } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      onBytes: (bytes) => this.receive(bytes),
    });
  }

  /** The identity to give the real driver. */
  get path(): string {
    return this.host.hostPath;
  }

  /** Sends raw bytes to the driver, as line noise would. */
  injectGarbage(bytes: Uint8Array): void {
    this.host.send(Buffer.from(bytes));
  }

  async unplug(): Promise<void> {
    await this.host.unplug();
    this.emitChange();
  }

  async replug(): Promise<void> {
    await this.host.plug();
    this.emitChange();
  }

  onChange(listener: (snapshot: Snapshot) => void): () => void {
    return this.changes.add(listener);
  }

  async stop(): Promise<void> {
    await this.host.unplug();
  }

  abstract snapshot(): Snapshot;

  /** The device's answer to bytes from the driver. */
  protected abstract receive(bytes: Buffer): Buffer;

  /** Announces the state when it changed. */
  protected emitChange(): void {
    const snapshot = this.snapshot();
    const key = JSON.stringify(snapshot);
    if (key === this.lastAnnounced) return;
    this.lastAnnounced = key;
    this.changes.emit(snapshot);
  }
}
