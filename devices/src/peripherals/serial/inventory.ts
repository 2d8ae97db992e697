import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DeviceKind } from '@kiosk/protocols';
import type { HidDeviceSource, HidIdentity } from '../hid/hid-source';
import { matchesHid } from '../hid/hid-source';
import { SysfsSerialLocator, realpathOrUndefined, type SerialIdentity, type SerialLocator } from './identity';

/** Something plugged in: a serial port (by its stable link when it has one) or a HID device. */
export interface DetectedDevice {
  bus: 'serial' | 'hid';
  /** The stable path (by-id link, simulator link) or the HID path. */
  path: string;
  /** The kernel node behind it (serial only). */
  devnode?: string;
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  product?: string;
}

/** A device this kiosk is configured to use. */
export interface ConfiguredDevice {
  deviceId: string;
  kind: DeviceKind;
  serial?: SerialIdentity;
  hid?: HidIdentity;
}

export type InventoryEntry =
  | (DetectedDevice & { status: 'supported'; deviceId: string; kind: DeviceKind })
  | (DetectedDevice & { status: 'unsupported' })
  | { status: 'missing'; deviceId: string; kind: DeviceKind };

/**
 * Pairs what is plugged in with what is configured. Every detected device is listed: the ones no driver
 * claims as `unsupported` (a technician sees the stray USB stick or the wrong printer model), and configured
 * devices with nothing behind them as `missing`. Pure; `devnodes` holds each configured serial device's
 * resolved node.
 */
export function classifyDevices(detected: DetectedDevice[], configured: ConfiguredDevice[], devnodes: ReadonlyMap<string, string>): InventoryEntry[] {
  const claimed = new Set<ConfiguredDevice>();
  const entries: InventoryEntry[] = detected.map((device) => {
    const owner = configured.find((candidate) => {
      if (device.bus === 'serial') return candidate.serial !== undefined && device.devnode !== undefined && devnodes.get(candidate.deviceId) === device.devnode;
      return candidate.hid !== undefined && device.vendorId !== undefined && device.productId !== undefined &&
        matchesHid({ path: device.path, vendorId: device.vendorId, productId: device.productId, ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}) }, candidate.hid);
    });
    if (!owner) return { ...device, status: 'unsupported' };
    claimed.add(owner);
    return { ...device, status: 'supported', deviceId: owner.deviceId, kind: owner.kind };
  });
  for (const device of configured) if (!claimed.has(device)) entries.push({ status: 'missing', deviceId: device.deviceId, kind: device.kind });
  return entries;
}

export interface InventoryOptions {
  configured: ConfiguredDevice[];
  hidSource?: HidDeviceSource;
  locator?: SerialLocator;
  /** Directories of stable serial links; default the udev ones. */
  serialLinkDirs?: string[];
}

/** Lists serial and HID devices present now and classifies them (see classifyDevices). */
export async function scanPeripherals(options: InventoryOptions): Promise<InventoryEntry[]> {
  const locator = options.locator ?? new SysfsSerialLocator();
  const detected: DetectedDevice[] = [];
  const seen = new Set<string>();
  const linkDirs = options.serialLinkDirs ?? ['/dev/serial/by-id'];
  // Configured path identities (simulator links, by-path links) count as places to look too.
  const extraLinks = options.configured.flatMap((device) => (device.serial && 'path' in device.serial ? [device.serial.path] : []));
  const links = [...(await Promise.all(linkDirs.map(listLinks))).flat(), ...extraLinks];
  for (const link of links) {
    const devnode = await realpathOrUndefined(link);
    if (!devnode || seen.has(devnode)) continue;
    seen.add(devnode);
    detected.push({ bus: 'serial', path: link, devnode });
  }
  if (locator instanceof SysfsSerialLocator) {
    for (const tty of await locator.listUsbTtys()) {
      const known = detected.find((device) => device.devnode === tty.devnode);
      const usb = { vendorId: tty.vendorId, productId: tty.productId, ...(tty.serialNumber ? { serialNumber: tty.serialNumber } : {}), ...(tty.product ? { product: tty.product } : {}) };
      if (known) Object.assign(known, usb);
      else detected.push({ bus: 'serial', path: tty.devnode, devnode: tty.devnode, ...usb });
    }
  }
  for (const info of options.hidSource ? await options.hidSource.list() : []) {
    detected.push({ bus: 'hid', path: info.path, vendorId: info.vendorId, productId: info.productId, ...(info.serialNumber ? { serialNumber: info.serialNumber } : {}), ...(info.product ? { product: info.product } : {}) });
  }
  const devnodes = new Map<string, string>();
  for (const device of options.configured) {
    if (!device.serial) continue;
    const devnode = await locator.resolve(device.serial);
    if (devnode) devnodes.set(device.deviceId, devnode);
  }
  return classifyDevices(detected, options.configured, devnodes);
}

async function listLinks(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}
