import type { DeviceHealth, DeviceKind } from '@kiosk/protocols';
import { isRealHealthChange } from './health-change';

/** One device as the agent sees it, whatever its driver (real or virtual). */
export interface ManagedDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  health(): DeviceHealth;
  /** Present on devices that can print a test page. */
  testPrint?(): Promise<void>;
  /** Present on devices that can be reset remotely. */
  reset?(): Promise<void>;
  /** Present on devices whose health can change on its own; returns an unsubscribe function. */
  onHealthChange?(listener: (health: DeviceHealth) => void): () => void;
}

/** What the rest of the agent needs from its devices: a health summary and the remote device commands. */
export interface DeviceManager {
  health(): DeviceHealth[];
  testPrint(deviceId: string): Promise<void>;
  reset(deviceId: string): Promise<void>;
  onHealthChange(listener: (health: DeviceHealth) => void): () => void;
}

export type DeviceCommandFailure = 'not-found' | 'unsupported';

export class DeviceCommandError extends Error {
  constructor(
    readonly reason: DeviceCommandFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The devices this kiosk has, by id. Drivers register here; telemetry, the UI status and the device
 * commands read from here. With nothing registered it answers "no such device", which is the truth.
 *
 * Listeners hear only real changes (status or set of reasons, see health-change.ts) relative to what they
 * last heard for that device, starting from its health at registration: each one becomes an outbox event.
 */
export class DeviceRegistry implements DeviceManager {
  private readonly devices = new Map<string, ManagedDevice>();
  private readonly reported = new Map<string, DeviceHealth>();
  private readonly listeners = new Set<(health: DeviceHealth) => void>();
  private readonly unsubscribers: Array<() => void> = [];

  register(device: ManagedDevice): void {
    if (this.devices.has(device.id)) throw new Error(`device id "${device.id}" registered twice`);
    this.devices.set(device.id, device);
    this.reported.set(device.id, device.health());
    const unsubscribe = device.onHealthChange?.((health) => this.changed(device.id, health));
    if (unsubscribe) this.unsubscribers.push(unsubscribe);
  }

  /** Registered devices in registration order (the panel and the drivers' owners look them up by id). */
  list(): ManagedDevice[] {
    return [...this.devices.values()];
  }

  health(): DeviceHealth[] {
    return [...this.devices.values()].map((device) => device.health());
  }

  async testPrint(deviceId: string): Promise<void> {
    const device = this.find(deviceId);
    if (!device.testPrint) throw new DeviceCommandError('unsupported', `device "${deviceId}" (${device.kind}) cannot print a test page`);
    await device.testPrint();
  }

  async reset(deviceId: string): Promise<void> {
    const device = this.find(deviceId);
    if (!device.reset) throw new DeviceCommandError('unsupported', `device "${deviceId}" (${device.kind}) cannot be reset remotely`);
    await device.reset();
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.listeners.clear();
  }

  private changed(deviceId: string, health: DeviceHealth): void {
    if (!isRealHealthChange(this.reported.get(deviceId), health)) return;
    this.reported.set(deviceId, health);
    for (const listener of [...this.listeners]) listener(health);
  }

  private find(deviceId: string): ManagedDevice {
    const device = this.devices.get(deviceId);
    if (!device) throw new DeviceCommandError('not-found', `no device "${deviceId}" on this kiosk`);
    return device;
  }
}
