import { CoinYenSchema, type ErrorIssue } from '@kiosk/protocols';
import type { HidIdentity, HopperConfig, SerialIdentity } from '@kiosk/devices';

/** A real kiosk's devices (`AGENT_DEVICES=real`); each null when the kiosk does not have that device. */
export interface HardwareConfig {
  /** Case-insensitive substring of the PC/SC reader's name (`pcsc_scan` shows it). */
  cardReaderPattern: string | null;
  receiptPrinter: SerialIdentity | null;
  /** The ccTalk line of the coin acceptor and hoppers. */
  cashBus: SerialIdentity | null;
  coinAcceptorAddress: number;
  hoppers: HopperConfig[];
  /** The A4 printer's CUPS queue URI. */
  documentPrinterUri: string | null;
  barcodeScanner: HidIdentity | null;
  pinPad: HidIdentity | null;
}

/** The usual ccTalk addresses: acceptor 2, hoppers from 3 (one per coin value the kiosk gives as change). */
export const DEFAULT_COIN_ACCEPTOR_ADDRESS = 2;
export const DEFAULT_HOPPERS: HopperConfig[] = [
  { coinYen: 10, address: 3 },
  { coinYen: 50, address: 4 },
  { coinYen: 100, address: 5 },
];

export class HardwareConfigError extends Error {
  constructor(readonly issue: ErrorIssue) {
    super(`${issue.path}: ${issue.message}`);
  }
}

/**
 * Pure: a serial device's stable identity from its setting: a path (`/dev/serial/by-id/...`, by-path) or
 * `usb:VVVV:PPPP[:SERIAL]` in hex (matched in sysfs). Never `ttyUSB0`-style names, which change with plug
 * order: `/dev/tty*` is refused with a hint.
 */
export function parseSerialIdentity(variable: string, value: string): SerialIdentity {
  const usb = /^usb:([0-9a-f]{4}):([0-9a-f]{4})(?::([\x21-\x7e]{1,64}))?$/i.exec(value);
  if (usb) {
    const [, vendor = '', product = '', serialNumber] = usb;
    return { usb: { vendorId: Number.parseInt(vendor, 16), productId: Number.parseInt(product, 16), ...(serialNumber ? { serialNumber } : {}) } };
  }
  if (/^\/dev\/tty[^/]*$/.test(value)) {
    throw new HardwareConfigError({
      path: variable,
      message: 'kernel tty names change with plug order: use /dev/serial/by-id/..., /dev/serial/by-path/... or usb:VVVV:PPPP[:SERIAL]',
    });
  }
  if (value.startsWith('/') && !value.includes('\0')) return { path: value };
  throw new HardwareConfigError({ path: variable, message: 'expected an absolute device path or usb:VVVV:PPPP[:SERIAL]' });
}

/** Pure: `10@3,50@4,100@5` (coin value @ ccTalk address), one hopper per coin value; `none` for no hoppers. */
export function parseHoppers(variable: string, value: string): HopperConfig[] {
  if (value.trim() === 'none') return [];
  const hoppers = value.split(',').map((part): HopperConfig => {
    const match = /^\s*(\d+)@(\d+)\s*$/.exec(part);
    const coin = CoinYenSchema.safeParse(Number(match?.[1]));
    const address = Number(match?.[2]);
    if (!match || !coin.success || !Number.isInteger(address) || address < 1 || address > 255) {
      throw new HardwareConfigError({ path: variable, message: 'expected coin@address pairs like 10@3,50@4,100@5 (coins 10/50/100/500, addresses 1-255)' });
    }
    return { coinYen: coin.data, address };
  });
  if (new Set(hoppers.map((hopper) => hopper.coinYen)).size !== hoppers.length || new Set(hoppers.map((hopper) => hopper.address)).size !== hoppers.length) {
    throw new HardwareConfigError({ path: variable, message: 'one hopper per coin value, each at its own address' });
  }
  return hoppers;
}

/** Pure: a HID device's identity from `hid:VVVV:PPPP[:SERIAL]` (hex vendor and product, as `lsusb` shows them). */
export function parseHidIdentity(variable: string, value: string): HidIdentity {
  const match = /^hid:([0-9a-f]{4}):([0-9a-f]{4})(?::([\x21-\x7e]{1,64}))?$/i.exec(value);
  if (!match) throw new HardwareConfigError({ path: variable, message: 'expected hid:VVVV:PPPP[:SERIAL] (hex vendor and product ids)' });
  const [, vendor = '', product = '', serialNumber] = match;
  return { vendorId: Number.parseInt(vendor, 16), productId: Number.parseInt(product, 16), ...(serialNumber ? { serialNumber } : {}) };
}
