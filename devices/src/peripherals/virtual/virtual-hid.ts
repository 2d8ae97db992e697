import type { PinPadKey } from '../contracts';
import { InvalidArgumentError } from '../errors';
import type { HidConnection, HidDeviceInfo, HidDeviceSource } from '../hid/hid-source';
import { encodeTextReports } from '../hid/keyboard';
import { encodePinPadKey } from '../hid/pinpad-keys';

/** A virtual HID keyboard-type device: it sends the reports a real scanner or PIN pad would. */
export class VirtualHidDevice {
  private readonly listeners = new Set<(data: Buffer) => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  plugged = true;

  constructor(readonly info: HidDeviceInfo) {}

  /** Sends raw reports (also for malformed-input tests). */
  sendReports(reports: Buffer[]): void {
    if (!this.plugged) throw new InvalidArgumentError(`${this.info.path} is unplugged`);
    for (const report of reports) for (const listener of this.listeners) listener(Buffer.from(report));
  }

  unplug(): void {
    this.plugged = false;
    for (const listener of this.errorListeners) listener(new Error('device unplugged'));
    this.listeners.clear();
    this.errorListeners.clear();
  }

  replug(): void {
    this.plugged = true;
  }

  connect(): HidConnection {
    return {
      onData: (listener) => void this.listeners.add(listener),
      onError: (listener) => void this.errorListeners.add(listener),
      close: () => {
        this.listeners.clear();
        this.errorListeners.clear();
        return Promise.resolve();
      },
    };
  }
}

export class VirtualBarcodeScannerDevice extends VirtualHidDevice {
  /** Types the code and Enter, as a scanner does when it reads a barcode. */
  scan(code: string): void {
    this.sendReports(encodeTextReports(code));
  }
}

export class VirtualPinPadDevice extends VirtualHidDevice {
  /** Presses keys in order. Digits are 0-9; also 'enter', 'cancel', 'clear'. */
  press(keys: Array<number | 'enter' | 'cancel' | 'clear'>): void {
    for (const key of keys) {
      const padKey: PinPadKey = typeof key === 'number' ? { type: 'digit', digit: key } : { type: key };
      this.sendReports(encodePinPadKey(padKey));
    }
  }
}

export const VIRTUAL_SCANNER_ID = { vendorId: 0x05e0, productId: 0x1200, serialNumber: 'VSCAN0001' } as const;
export const VIRTUAL_PINPAD_ID = { vendorId: 0x0b00, productId: 0x0064, serialNumber: 'VPIN0001' } as const;

/**
 * The in-memory HID source: the fake at the one seam nothing real reaches without umockdev (a hidraw node).
 * Drivers use it through the same HidDeviceSource interface as node-hid; the umockdev test shows the real
 * path works on the same decoding.
 */
export class VirtualHidSource implements HidDeviceSource {
  readonly scanner = new VirtualBarcodeScannerDevice({
    path: 'virtual:hidraw-scanner',
    ...VIRTUAL_SCANNER_ID,
    manufacturer: 'Kiosk Virtual',
    product: 'Virtual Barcode Scanner',
    usagePage: 1,
    usage: 6,
  });
  readonly pinPad = new VirtualPinPadDevice({
    path: 'virtual:hidraw-pinpad',
    ...VIRTUAL_PINPAD_ID,
    manufacturer: 'Kiosk Virtual',
    product: 'Virtual PIN Pad',
    usagePage: 1,
    usage: 6,
  });

  list(): Promise<HidDeviceInfo[]> {
    return Promise.resolve([this.scanner, this.pinPad].filter((device) => device.plugged).map((device) => device.info));
  }

  open(path: string): Promise<HidConnection> {
    const device = [this.scanner, this.pinPad].find((candidate) => candidate.info.path === path && candidate.plugged);
    if (!device) return Promise.reject(new InvalidArgumentError(`no HID device at ${path}`));
    return Promise.resolve(device.connect());
  }
}
