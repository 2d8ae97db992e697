import type { Peripheral } from './contracts';
import { CcTalkBus } from './cctalk/bus';
import { CcTalkCoinAcceptor } from './cctalk/coin-acceptor';
import { CcTalkCoinDispenser, type HopperConfig } from './cctalk/coin-dispenser';
import { EscPosReceiptPrinter } from './escpos/receipt-printer';
import { HidBarcodeScanner } from './hid/barcode-scanner';
import { NodeHidSource, type HidDeviceSource, type HidIdentity } from './hid/hid-source';
import { HidPinPad } from './hid/pin-pad';
import { IppDocumentPrinter } from './ipp/document-printer';
import type { Clock, PeripheralLogger } from './logger';
import type { SerialIdentity } from './serial/identity';

/**
 * Which peripherals a kiosk has and where they are. Production config names by-id links, USB ids and the
 * CUPS queue; the demo takes `VirtualPeripherals.config`. This is the one line that differs.
 */
export interface PeripheralConfig {
  receiptPrinter?: { id?: string; identity: SerialIdentity; baudRate?: number; pollMs?: number };
  documentPrinter?: { id?: string; printerUri: string; pollMs?: number };
  cash?: {
    busId?: string;
    identity: SerialIdentity;
    baudRate?: number;
    acceptor?: { id?: string; address?: number; pollMs?: number };
    dispenser?: { id?: string; hoppers: HopperConfig[]; pollMs?: number; stallMs?: number };
  };
  scanner?: { id?: string; identity: HidIdentity };
  pinPad?: { id?: string; identity: HidIdentity };
  /** Default: node-hid. */
  hidSource?: HidDeviceSource;
}

export interface PeripheralSet {
  receiptPrinter?: EscPosReceiptPrinter;
  documentPrinter?: IppDocumentPrinter;
  coinAcceptor?: CcTalkCoinAcceptor;
  coinDispenser?: CcTalkCoinDispenser;
  scanner?: HidBarcodeScanner;
  pinPad?: HidPinPad;
  /** Every driver, for health telemetry. */
  all(): Peripheral[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the real drivers for a config. Nothing starts until `start()`. */
export function createPeripherals(config: PeripheralConfig, deps: { logger?: PeripheralLogger; clock?: Clock } = {}): PeripheralSet {
  const common = { ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.clock ? { clock: deps.clock } : {}) };
  const set: Omit<PeripheralSet, 'all' | 'start' | 'stop'> = {};
  if (config.receiptPrinter) {
    const { id, ...rest } = config.receiptPrinter;
    set.receiptPrinter = new EscPosReceiptPrinter({ id: id ?? 'receipt-printer', ...rest, ...common });
  }
  if (config.documentPrinter) {
    const { id, ...rest } = config.documentPrinter;
    set.documentPrinter = new IppDocumentPrinter({ id: id ?? 'document-printer', ...rest, ...common });
  }
  if (config.cash) {
    const { busId, identity, baudRate, acceptor, dispenser } = config.cash;
    const bus = new CcTalkBus({ id: busId ?? 'cash-bus', identity, ...(baudRate ? { baudRate } : {}), ...(deps.logger ? { logger: deps.logger } : {}) });
    if (acceptor) set.coinAcceptor = new CcTalkCoinAcceptor({ id: acceptor.id ?? 'coin-acceptor', bus, ...withoutId(acceptor), ...common });
    if (dispenser) set.coinDispenser = new CcTalkCoinDispenser({ id: dispenser.id ?? 'coin-hopper', bus, ...withoutId(dispenser), ...common });
  }
  const hidSource = config.scanner || config.pinPad ? (config.hidSource ?? new NodeHidSource()) : undefined;
  if (config.scanner && hidSource) set.scanner = new HidBarcodeScanner({ id: config.scanner.id ?? 'barcode-scanner', identity: config.scanner.identity, source: hidSource, ...common });
  if (config.pinPad && hidSource) set.pinPad = new HidPinPad({ id: config.pinPad.id ?? 'pin-pad', identity: config.pinPad.identity, source: hidSource, ...common });

  const all = (): Peripheral[] =>
    [set.receiptPrinter, set.documentPrinter, set.coinAcceptor, set.coinDispenser, set.scanner, set.pinPad].filter((device): device is NonNullable<typeof device> => device !== undefined);
  return {
    ...set,
    all,
    async start() {
      for (const device of all()) await device.start();
    },
    async stop() {
      for (const device of all().reverse()) await device.stop();
    },
  };
}

function withoutId<T extends { id?: string }>(value: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = value;
  return rest;
}
