import type { PeripheralConfig } from '@kiosk/devices';

/**
 * Where each real driver finds its device: the only thing that differs between a production kiosk and the
 * demo (style.md: the agent is handed the binding; the one line that picks real or virtual is the only
 * difference). `real-wiring.ts` reads it from the configuration, the virtual bench from the stacks it
 * started. A device that is absent (null / not in `peripherals`) is not fitted on this kiosk.
 */
export interface DeviceWiring {
  cardReader: CardReaderWiring | null;
  /** Printers, cash, scanner and PIN pad, as the devices package's `createPeripherals` takes them. */
  peripherals: PeripheralConfig;
}

export interface CardReaderWiring {
  /** Which PC/SC reader to use (case-insensitive substring of its name). */
  readerPattern: string;
  /** PCSCLITE_CSOCK_NAME of a private pcscd; absent: the system pcscd. */
  pcscSocketPath?: string;
}

/** A kiosk with no devices (`AGENT_DEVICES=none`: tests, and a development agent without hardware). */
export const NO_DEVICES: DeviceWiring = { cardReader: null, peripherals: {} };

/** The card reader's device id; the peripherals keep the devices package's ids (`receipt-printer`, ...). */
export const CARD_READER_ID = 'card-reader';
