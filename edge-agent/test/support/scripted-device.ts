import { EventEmitter } from 'node:events';
import type { DeviceHealth, DeviceKind, DeviceReason, DeviceStatus } from '@kiosk/protocols';
import type { Clock } from '../../src/clock';
import type { ManagedDevice } from '../../src/hardware/device-manager';

/**
 * A device whose health the test sets, for suites about something else (the inbox's exactly-once acting,
 * the UI's status pushes). It counts test prints and resets so a test can see whether a command acted.
 * The devices themselves are tested through the real drivers on the real stacks in devices.spec.ts.
 */
export class ScriptedDevice implements ManagedDevice {
  private current: DeviceHealth;
  private readonly events = new EventEmitter<{ health: [DeviceHealth] }>();
  testPrints = 0;
  resets = 0;

  constructor(
    readonly id: string,
    readonly kind: DeviceKind,
    private readonly clock: Clock,
  ) {
    this.current = { deviceId: id, kind, status: 'ok', reasons: [], since: clock.now().toISOString() };
  }

  health(): DeviceHealth {
    return this.current;
  }

  setHealth(status: DeviceStatus, reasons: DeviceReason[] = [], detail?: string): void {
    this.current = {
      deviceId: this.id,
      kind: this.kind,
      status,
      reasons,
      ...(detail === undefined ? {} : { detail }),
      since: this.clock.now().toISOString(),
    };
    this.events.emit('health', this.current);
  }

  testPrint(): Promise<void> {
    this.testPrints += 1;
    return Promise.resolve();
  }

  reset(): Promise<void> {
    this.resets += 1;
    this.setHealth('ok');
    return Promise.resolve();
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    this.events.on('health', listener);
    return () => this.events.off('health', listener);
  }
}
