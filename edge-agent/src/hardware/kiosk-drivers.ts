import {
  createPeripherals,
  PcscCardReader,
  type BarcodeScanner,
  type CardReaderDriver,
  type CoinAcceptor,
  type CoinDispenser,
  type DocumentPrinter,
  type PinPad,
  type ReceiptPrinter,
} from '@kiosk/devices';
import type { Logger } from '../logger';
import { CardReaderDevice } from './card-reader-device';
import type { ManagedDevice } from './device-manager';
import { CARD_READER_ID, type DeviceWiring } from './device-wiring';

/** The kiosk's real drivers, each pointed where the wiring says (a real device or a virtual one). */
export interface KioskDrivers {
  cardReader: CardReaderDriver | null;
  receiptPrinter: ReceiptPrinter | null;
  documentPrinter: DocumentPrinter | null;
  coinAcceptor: CoinAcceptor | null;
  coinDispenser: CoinDispenser | null;
  barcodeScanner: BarcodeScanner | null;
  pinPad: PinPad | null;
  /** What the registry holds: one entry per fitted device, in a stable order. */
  managed: ManagedDevice[];
  stop(): Promise<void>;
}

export interface DriverDeps {
  logger: Logger;
  now: () => Date;
}

/**
 * Constructs and starts the real drivers for `wiring`. A driver that cannot reach its device still starts
 * (health `missing`, retrying on its own): a kiosk with an unplugged printer must still boot and say so.
 * If a start throws anyway, whatever was started is stopped before the error goes up.
 */
export async function startDrivers(wiring: DeviceWiring, deps: DriverDeps): Promise<KioskDrivers> {
  const cardReader = wiring.cardReader
    ? new PcscCardReader({
        deviceId: CARD_READER_ID,
        readerPattern: wiring.cardReader.readerPattern,
        ...(wiring.cardReader.pcscSocketPath ? { pcscSocketPath: wiring.cardReader.pcscSocketPath } : {}),
        logger: deps.logger.child({ module: 'card-reader' }),
        now: deps.now,
      })
    : null;
  const peripherals = createPeripherals(wiring.peripherals, {
    logger: deps.logger.child({ module: 'peripherals' }),
    clock: { now: deps.now },
  });
  const stop = async (): Promise<void> => {
    const results = await Promise.allSettled([peripherals.stop(), cardReader?.stop()]);
    for (const result of results) {
      if (result.status === 'rejected') deps.logger.error({ err: result.reason }, 'a device driver did not stop cleanly');
    }
  };
  try {
    await Promise.all([cardReader?.start(), peripherals.start()]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    cardReader,
    receiptPrinter: peripherals.receiptPrinter ?? null,
    documentPrinter: peripherals.documentPrinter ?? null,
    coinAcceptor: peripherals.coinAcceptor ?? null,
    coinDispenser: peripherals.coinDispenser ?? null,
    barcodeScanner: peripherals.scanner ?? null,
    pinPad: peripherals.pinPad ?? null,
    managed: [...(cardReader ? [new CardReaderDevice(cardReader)] : []), ...peripherals.all()],
    stop,
  };
}
