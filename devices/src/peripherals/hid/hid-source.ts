import HID from 'node-hid';
import { hex4 } from '../serial/identity';

export interface HidDeviceInfo {
  path: string;
  vendorId: number;
  productId: number;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  usagePage?: number;
  usage?: number;
}

/** Which HID device a driver wants: vendor/product, and the serial number when there are several. */
export interface HidIdentity {
  vendorId: number;
  productId: number;
  serialNumber?: string;
}

export interface HidConnection {
  onData(listener: (data: Buffer) => void): void;
  /** The device went away (unplugged) or failed; the connection is dead afterwards. */
  onError(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/**
 * Where HID devices come from. The real source is node-hid on hidraw; the virtual one (virtual/virtual-hid)
 * is the one fake in this package, at the only seam nothing real can reach in a container without
 * umockdev: a HID device node.
 */
export interface HidDeviceSource {
  list(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidConnection>;
}

export function matchesHid(info: HidDeviceInfo, identity: HidIdentity): boolean {
  return (
    info.vendorId === identity.vendorId &&
    info.productId === identity.productId &&
    (identity.serialNumber === undefined || info.serialNumber === identity.serialNumber)
  );
}

export function describeHidIdentity(identity: HidIdentity): string {
  return `hid:${hex4(identity.vendorId)}:${hex4(identity.productId)}${identity.serialNumber ? `:${identity.serialNumber}` : ''}`;
}

/** The real source: node-hid (hidraw backend on Linux), enumerating and reading off the event loop. */
export class NodeHidSource implements HidDeviceSource {
  async list(): Promise<HidDeviceInfo[]> {
    const devices = await HID.devicesAsync();
    return devices.flatMap((device) =>
      device.path
        ? [
            {
              path: device.path,
              vendorId: device.vendorId,
              productId: device.productId,
              ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}),
              ...(device.manufacturer ? { manufacturer: device.manufacturer } : {}),
              ...(device.product ? { product: device.product } : {}),
              ...(device.usagePage === undefined ? {} : { usagePage: device.usagePage }),
              ...(device.usage === undefined ? {} : { usage: device.usage }),
            },
          ]
        : [],
    );
  }

  async open(path: string): Promise<HidConnection> {
    const device = await HID.HIDAsync.open(path);
    let closed = false;
    return {
      onData: (listener) => {
        device.on('data', (data: Buffer) => listener(Buffer.from(data)));
      },
      onError: (listener) => {
        device.on('error', (error: unknown) => listener(error instanceof Error ? error : new Error(String(error))));
      },
      close: async () => {
        if (closed) return;
        closed = true;
        device.removeAllListeners('data');
        await device.close();
      },
    };
  }
}
