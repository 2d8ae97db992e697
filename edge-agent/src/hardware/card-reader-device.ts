import type { DeviceHealth } from '@kiosk/protocols';
import type { CardReaderDriver } from '@kiosk/devices';
import type { ManagedDevice } from './device-manager';

/**
 * The card reader as the registry sees it: its health and health changes. Card operations (read the
 * certificate, VERIFY, sign) go to the driver itself, never through the registry. The reader has no test
 * page, and no remote reset: its driver already recreates its PC/SC context on its own.
 */
export class CardReaderDevice implements ManagedDevice {
  readonly kind = 'card-reader' as const;

  constructor(readonly driver: CardReaderDriver) {}

  get id(): string {
    return this.driver.health().deviceId;
  }

  health(): DeviceHealth {
    return this.driver.health();
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    this.driver.on('health', listener);
    return () => this.driver.off('health', listener);
  }
}
