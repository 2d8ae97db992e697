import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * How a serial device is found, never by its kernel name (`ttyUSB0` changes with plug order):
 * - `path`: a stable symlink — `/dev/serial/by-id/...`, `/dev/serial/by-path/...`, or the link a simulator
 *   owns for a virtual device;
 * - `usb`: vendor/product (and serial number when the device has one), matched in sysfs.
 */
export type SerialIdentity =
  | { path: string }
  | { usb: { vendorId: number; productId: number; serialNumber?: string } };

export function describeSerialIdentity(identity: SerialIdentity): string {
  if ('path' in identity) return identity.path;
  const { vendorId, productId, serialNumber } = identity.usb;
  return `usb:${hex4(vendorId)}:${hex4(productId)}${serialNumber ? `:${serialNumber}` : ''}`;
}

export function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

/** Finds the device node an identity points at now, or undefined when it is not plugged in. */
export interface SerialLocator {
  resolve(identity: SerialIdentity): Promise<string | undefined>;
}

export interface UsbTty {
  devnode: string;
  vendorId: number;
  productId: number;
  serialNumber?: string;
  product?: string;
}

/**
 * The real locator: symlinks through `realpath`, USB attributes through sysfs (`/sys/class/tty/<name>` up to
 * the USB device that has `idVendor`). `SerialPort.list()` is not used because it shells out to `udevadm`,
 * which containers and minimal kiosks images often lack (and its spawn failure is an uncaught error).
 */
export class SysfsSerialLocator implements SerialLocator {
  constructor(
    private readonly sysClassTty = '/sys/class/tty',
    private readonly devDir = '/dev',
  ) {}

  async resolve(identity: SerialIdentity): Promise<string | undefined> {
    if ('path' in identity) return realpathOrUndefined(identity.path);
    const ttys = await this.listUsbTtys();
    const { vendorId, productId, serialNumber } = identity.usb;
    return ttys.find(
      (tty) =>
        tty.vendorId === vendorId &&
        tty.productId === productId &&
        (serialNumber === undefined || tty.serialNumber === serialNumber),
    )?.devnode;
  }

  async listUsbTtys(): Promise<UsbTty[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.sysClassTty);
    } catch {
      return [];
    }
    const found: UsbTty[] = [];
    for (const name of names) {
      const device = await realpathOrUndefined(path.join(this.sysClassTty, name, 'device'));
      if (!device) continue;
      const usb = await findUsbAncestor(device);
      if (usb) found.push({ devnode: path.join(this.devDir, name), ...usb });
    }
    return found;
  }
}

async function findUsbAncestor(start: string): Promise<Omit<UsbTty, 'devnode'> | undefined> {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const vendor = await readTrimmed(path.join(dir, 'idVendor'));
    const product = await readTrimmed(path.join(dir, 'idProduct'));
    if (vendor === undefined || product === undefined) continue;
    const vendorId = Number.parseInt(vendor, 16);
    const productId = Number.parseInt(product, 16);
    if (!Number.isInteger(vendorId) || !Number.isInteger(productId)) return undefined;
    const serialNumber = await readTrimmed(path.join(dir, 'serial'));
    const productName = await readTrimmed(path.join(dir, 'product'));
    return {
      vendorId,
      productId,
      ...(serialNumber === undefined ? {} : { serialNumber }),
      ...(productName === undefined ? {} : { product: productName }),
    };
  }
  return undefined;
}

export async function realpathOrUndefined(target: string): Promise<string | undefined> {
  try {
    return await fs.realpath(target);
  } catch {
    return undefined;
  }
}

async function readTrimmed(file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}
