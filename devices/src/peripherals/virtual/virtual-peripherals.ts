import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PeripheralLogger } from '../logger';
import type { PeripheralConfig } from '../setup';
import { PrivateCups } from './private-cups';
import { DEFAULT_HOPPERS, VirtualCoinMachine, type VirtualHopperSpec } from './virtual-coin-machine';
import { VIRTUAL_PINPAD_ID, VIRTUAL_SCANNER_ID, VirtualHidSource } from './virtual-hid';
import { VirtualReceiptPrinter } from './virtual-receipt-printer';

/** How long the drivers wait on a held virtual hopper (`VirtualCoinMachine.setHoppersHeld`). */
export const HELD_HOPPER_ALLOWANCE_MS = 60_000;

export interface VirtualPeripheralsOptions {
  /** Pty links go in `<dir>/links`, the private CUPS in `<dir>/cups`. */
  dir: string;
  /** Start a private cupsd for the A4 printer (default true). */
  cups?: boolean;
  /** The A4 printer's output tray (its PDFs, 0700); default `<dir>/cups/tray`. The agent keeps it in its data dir. */
  a4TrayDir?: string;
  hoppers?: VirtualHopperSpec[];
  logger?: PeripheralLogger;
}

export interface VirtualPeripherals {
  printer: VirtualReceiptPrinter;
  coins: VirtualCoinMachine;
  hid: VirtualHidSource;
  cups: PrivateCups | undefined;
  /** The config that points the real drivers (createPeripherals) at these devices. */
  config: PeripheralConfig;
  stop(): Promise<void>;
}

/**
 * Everything the demo and the end-to-end tests need: an ESC/POS printer and a ccTalk coin machine on socat
 * pty pairs, a private CUPS with a CUPS-PDF queue, and the in-memory HID scanner and PIN pad. The device
 * panel drives them through the returned handles; the agent runs the real drivers on `config`.
 */
export async function startVirtualPeripherals(options: VirtualPeripheralsOptions): Promise<VirtualPeripherals> {
  const links = path.join(options.dir, 'links');
  await fs.mkdir(links, { recursive: true });
  // The private CUPS's filters run as `lp` and must be able to reach its spool below this directory.
  await fs.chmod(options.dir, 0o755);
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const printer = await VirtualReceiptPrinter.start({ dir: links, ...(options.logger ? { logger: options.logger } : {}) });
    started.push(printer);
    const coins = await VirtualCoinMachine.start({ dir: links, hoppers: options.hoppers ?? DEFAULT_HOPPERS, ...(options.logger ? { logger: options.logger } : {}) });
    started.push(coins);
    const cups = options.cups === false ? undefined : await PrivateCups.start({ dir: path.join(options.dir, 'cups'), ...(options.a4TrayDir ? { trayDir: options.a4TrayDir } : {}) });
    if (cups) started.push(cups);
    const hid = new VirtualHidSource();
    const config: PeripheralConfig = {
      receiptPrinter: { identity: { path: printer.path } },
      ...(cups ? { documentPrinter: { printerUri: cups.printerUri } } : {}),
      // The panel can hold the virtual hoppers' motors (a test looking at the screen shown while money is
      // paid): the driver waits that long for the next coin before it takes the hopper as stuck.
      cash: { identity: { path: coins.path }, acceptor: {}, dispenser: { hoppers: coins.hopperConfigs(), stallMs: HELD_HOPPER_ALLOWANCE_MS } },
      scanner: { identity: VIRTUAL_SCANNER_ID },
      pinPad: { identity: VIRTUAL_PINPAD_ID },
      hidSource: hid,
    };
    return {
      printer,
      coins,
      hid,
      cups,
      config,
      async stop() {
        for (const device of [...started].reverse()) await device.stop();
      },
    };
  } catch (error) {
    for (const device of [...started].reverse()) await device.stop();
    throw error;
  }
}
