import { promises as fs } from 'node:fs';
import path from 'node:path';
import { encodeTextReports } from '../hid/keyboard';
import { VIRTUAL_SCANNER_ID } from './virtual-hid';

/** The standard boot-keyboard report descriptor (63 bytes), which is what keyboard-mode scanners report. */
export const BOOT_KEYBOARD_DESCRIPTOR = Buffer.from(
  '05010906A101050719E029E71500250175019508810295017508810195057501050819012905910295017503910195067508150025650507190029658100C0',
  'hex',
);

/** umockdev script data: bytes <= 32 and '^' escaped as '^' + (b + 64) — except space, which umockdev reads verbatim. */
function scriptData(bytes: Buffer): string {
  return [...bytes].map((b) => (b < 32 ? `^${String.fromCharCode(b + 64)}` : b === 0x5e ? '^`' : String.fromCharCode(b))).join('');
}

export interface UmockdevScannerFiles {
  device: string;
  ioctl: string;
  script: string;
  devnode: string;
}

/**
 * Writes a hand-made umockdev recording of a USB barcode scanner (sysfs tree, HIDIOCGRDESC ioctls, and a
 * read script that types `codes`, each followed by Enter). Run a program under
 * `umockdev-run -d <device> -i <devnode>=<ioctl> -s <devnode>=<script> -- <program>` and node-hid inside it
 * enumerates and reads the scanner through real hidraw code paths.
 */
export async function writeUmockdevScanner(dir: string, codes: string[], gapMs = 5): Promise<UmockdevScannerFiles> {
  await fs.mkdir(dir, { recursive: true });
  const devnode = '/dev/hidraw0';
  const { vendorId, productId, serialNumber } = VIRTUAL_SCANNER_ID;
  const vid = vendorId.toString(16).padStart(4, '0').toUpperCase();
  const pid = productId.toString(16).padStart(4, '0').toUpperCase();
  const usb = '/devices/pci0000:00/0000:00:14.0/usb1/1-3';
  const hid = `${usb}/1-3:1.0/0003:${vid}:${pid}.0001`;
  const device = [
    `P: ${hid}/hidraw/hidraw0`,
    'N: hidraw0',
    `E: DEVNAME=${devnode}`,
    'E: MAJOR=240',
    'E: MINOR=0',
    'E: SUBSYSTEM=hidraw',
    'A: dev=240:0\\n',
    `L: device=../../../0003:${vid}:${pid}.0001`,
    '',
    `P: ${hid}`,
    'E: DRIVER=hid-generic',
    `E: HID_ID=0003:0000${vid}:0000${pid}`,
    'E: HID_NAME=Kiosk Virtual Barcode Scanner',
    `E: HID_UNIQ=${serialNumber}`,
    'E: SUBSYSTEM=hid',
    `H: report_descriptor=${BOOT_KEYBOARD_DESCRIPTOR.toString('hex').toUpperCase()}`,
    '',
    `P: ${usb}/1-3:1.0`,
    'E: DEVTYPE=usb_interface',
    'E: DRIVER=usbhid',
    'E: SUBSYSTEM=usb',
    'A: bInterfaceClass=03\\n',
    'A: bInterfaceNumber=00\\n',
    '',
    `P: ${usb}`,
    'E: DEVTYPE=usb_device',
    'E: DRIVER=usb',
    'E: SUBSYSTEM=usb',
    `A: idVendor=${vid.toLowerCase()}\\n`,
    `A: idProduct=${pid.toLowerCase()}\\n`,
    'A: bcdDevice=0100\\n',
    'A: manufacturer=Kiosk Virtual\\n',
    'A: product=Virtual Barcode Scanner\\n',
    `A: serial=${serialNumber}\\n`,
    '',
  ].join('\n');
  const size = Buffer.alloc(4);
  size.writeUInt32LE(BOOT_KEYBOARD_DESCRIPTOR.length);
  const ioctl = [`@DEV ${devnode}`, `HIDIOCGRDESCSIZE 0 ${size.toString('hex').toUpperCase()}`, `HIDIOCGRDESC 0 ${Buffer.concat([size, BOOT_KEYBOARD_DESCRIPTOR]).toString('hex').toUpperCase()}`, ''].join('\n');
  const script = codes.flatMap((code) => encodeTextReports(code).map((report) => `r ${gapMs} ${scriptData(report)}`)).join('\n') + '\n';
  const files = { device: path.join(dir, 'scanner.umockdev'), ioctl: path.join(dir, 'scanner.ioctl'), script: path.join(dir, 'scanner.script'), devnode };
  await fs.writeFile(files.device, device);
  await fs.writeFile(files.ioctl, ioctl);
  await fs.writeFile(files.script, script, 'latin1');
  return files;
}

/** The umockdev-run argument list for a program under the recorded scanner. */
export function umockdevRunArgs(files: UmockdevScannerFiles, program: string[]): string[] {
  return ['-d', files.device, '-i', `${files.devnode}=${files.ioctl}`, '-s', `${files.devnode}=${files.script}`, '--', ...program];
}
