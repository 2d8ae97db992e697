import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VirtualHidSource, VIRTUAL_SCANNER_ID } from '../virtual/virtual-hid';
import { SysfsSerialLocator, describeSerialIdentity } from './identity';
import { classifyDevices, scanPeripherals } from './inventory';

describe('serial identity', () => {
  let root: string;

  /** A fake sysfs: two USB serial adapters and a built-in UART, as /sys/class/tty links. */
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-sysfs-'));
    const usbDevice = async (bus: string, vendor: string, product: string, serial?: string) => {
      const dir = path.join(root, 'devices', bus);
      await mkdir(path.join(dir, '1-1:1.0', 'ttyUSB'), { recursive: true });
      await writeFile(path.join(dir, 'idVendor'), `${vendor}\n`);
      await writeFile(path.join(dir, 'idProduct'), `${product}\n`);
      if (serial) await writeFile(path.join(dir, 'serial'), `${serial}\n`);
      return path.join(dir, '1-1:1.0');
    };
    await mkdir(path.join(root, 'class/tty'), { recursive: true });
    for (const [name, target] of [
      ['ttyUSB0', await usbDevice('usb1/1-1', '0403', '6001', 'PRN123')],
      ['ttyUSB1', await usbDevice('usb1/1-2', '067b', '2303')],
    ] as const) {
      await mkdir(path.join(root, 'class/tty', name), { recursive: true });
      await symlink(target, path.join(root, 'class/tty', name, 'device'));
    }
    await mkdir(path.join(root, 'class/tty/ttyS0'), { recursive: true });
    await mkdir(path.join(root, 'devices/platform/serial8250'), { recursive: true });
    await symlink(path.join(root, 'devices/platform/serial8250'), path.join(root, 'class/tty/ttyS0/device'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds USB serial devices by vendor, product and serial number, never by tty name', async () => {
    const locator = new SysfsSerialLocator(path.join(root, 'class/tty'), '/dev');
    expect(await locator.resolve({ usb: { vendorId: 0x0403, productId: 0x6001 } })).toBe('/dev/ttyUSB0');
    expect(await locator.resolve({ usb: { vendorId: 0x0403, productId: 0x6001, serialNumber: 'PRN123' } })).toBe('/dev/ttyUSB0');
    expect(await locator.resolve({ usb: { vendorId: 0x0403, productId: 0x6001, serialNumber: 'OTHER' } })).toBeUndefined();
    expect(await locator.resolve({ usb: { vendorId: 0x067b, productId: 0x2303 } })).toBe('/dev/ttyUSB1');
    expect((await locator.listUsbTtys()).map((tty) => tty.devnode).sort()).toEqual(['/dev/ttyUSB0', '/dev/ttyUSB1']);
    expect(describeSerialIdentity({ usb: { vendorId: 0x0403, productId: 0x6001, serialNumber: 'PRN123' } })).toBe('usb:0403:6001:PRN123');
  });

  it('resolves path identities through their links, and not at all when the link is gone', async () => {
    const locator = new SysfsSerialLocator(path.join(root, 'class/tty'), '/dev');
    const link = path.join(root, 'by-id-printer');
    await symlink('/dev/null', link);
    expect(await locator.resolve({ path: link })).toBe('/dev/null');
    await rm(link);
    expect(await locator.resolve({ path: link })).toBeUndefined();
  });

  it('lists devices no driver claims as unsupported, and configured ones with nothing behind them as missing', async () => {
    const source = new VirtualHidSource();
    const linkDir = path.join(root, 'serial-by-id');
    await mkdir(linkDir, { recursive: true });
    await symlink('/dev/null', path.join(linkDir, 'usb-Printer_Co_TM-T88-if00'));
    await symlink('/dev/zero', path.join(linkDir, 'usb-Unknown_Gadget-if00'));
    const entries = await scanPeripherals({
      configured: [
        { deviceId: 'receipt', kind: 'receipt-printer', serial: { path: path.join(linkDir, 'usb-Printer_Co_TM-T88-if00') } },
        { deviceId: 'coins', kind: 'coin-acceptor', serial: { path: path.join(linkDir, 'usb-Cash-if00') } },
        { deviceId: 'scanner', kind: 'barcode-scanner', hid: VIRTUAL_SCANNER_ID },
      ],
      hidSource: source,
      locator: new SysfsSerialLocator(path.join(root, 'class/tty'), '/dev'),
      serialLinkDirs: [linkDir],
    });
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'supported', deviceId: 'receipt', devnode: '/dev/null' }),
        expect.objectContaining({ status: 'unsupported', devnode: '/dev/zero' }),
        expect.objectContaining({ status: 'supported', deviceId: 'scanner', bus: 'hid' }),
        expect.objectContaining({ status: 'unsupported', bus: 'hid', product: 'Virtual PIN Pad' }),
        expect.objectContaining({ status: 'unsupported', vendorId: 0x0403, productId: 0x6001 }),
        { status: 'missing', deviceId: 'coins', kind: 'coin-acceptor' },
      ]),
    );
  });

  it('classifies purely from what it is given', () => {
    expect(classifyDevices([{ bus: 'serial', path: '/dev/ttyS0', devnode: '/dev/ttyS0' }], [], new Map())).toEqual([
      { bus: 'serial', path: '/dev/ttyS0', devnode: '/dev/ttyS0', status: 'unsupported' },
    ]);
  });
});
