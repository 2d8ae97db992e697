import { EventEmitter } from 'node:events';
import type { DeviceHealth, DeviceKind, DeviceReason, DeviceStatus } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { ManagedDevice } from './device-manager';

/**
 * A device with no hardware behind it, for the demo (`AGENT_DEVICES=virtual`) and tests. It keeps a
 * health record a test or a simulator can change, and answers test-print/reset like a healthy device.
 * The drivers in `devices/` (real and virtual on the real OS stacks) will register beside or instead of it.
 */
export class VirtualDevice implements ManagedDevice {
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

/** The demo kiosk's devices: a receipt printer and a document printer (both support test prints). */
export function virtualKioskDevices(clock: Clock): VirtualDevice[] {
  return [
    new VirtualDevice('virtual-receipt-printer', 'receipt-printer', clock),
    new VirtualDevice('virtual-document-printer', 'document-printer', clock),
  ];
}
