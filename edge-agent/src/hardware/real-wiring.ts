import type { DeviceWiring } from './device-wiring';
import type { HardwareConfig } from './hardware-config';

/**
 * Pure: a production kiosk's wiring from its configuration. The card reader is the system pcscd's (no
 * private socket) reader whose name matches the pattern; serial devices are found by their stable identity;
 * the A4 printer is a CUPS queue; the scanner and PIN pad are HID devices read through node-hid.
 */
export function realWiring(hardware: HardwareConfig): DeviceWiring {
  const { receiptPrinter, cashBus, documentPrinterUri, barcodeScanner, pinPad } = hardware;
  return {
    cardReader: hardware.cardReaderPattern === null ? null : { readerPattern: hardware.cardReaderPattern },
    peripherals: {
      ...(receiptPrinter ? { receiptPrinter: { identity: receiptPrinter } } : {}),
      ...(documentPrinterUri ? { documentPrinter: { printerUri: documentPrinterUri } } : {}),
      ...(cashBus
        ? {
            cash: {
              identity: cashBus,
              acceptor: { address: hardware.coinAcceptorAddress },
              ...(hardware.hoppers.length > 0 ? { dispenser: { hoppers: hardware.hoppers } } : {}),
            },
          }
        : {}),
      ...(barcodeScanner ? { scanner: { identity: barcodeScanner } } : {}),
      ...(pinPad ? { pinPad: { identity: pinPad } } : {}),
    },
  };
}
