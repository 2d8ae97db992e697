// Peripherals: receipt and A4 printers, coin acceptor and hoppers, barcode scanner and PIN pad. Each is a
// small interface (contracts.ts), a real driver, and a virtual device on the same OS stack (virtual/, exported
// only through `@kiosk/devices/virtual`).
// Explicit exports, with protocol prefixes on generic names, so this never collides with card/.

// Contracts, errors, health, wiring
export type {
  BarcodeScanner,
  CoinAcceptor,
  CoinCredit,
  CoinDispenser,
  CoinRejection,
  DocumentPrinter,
  PayoutReason,
  PayoutResult,
  Peripheral,
  PinPad,
  PinPadKey,
  PrintJobResult,
  PrintPdfOptions,
  ReceiptPrinter,
} from './contracts';
export {
  DeviceDisconnectedError,
  DeviceRefusedError,
  DeviceTimeoutError,
  FrameParseError,
  InvalidArgumentError,
  IppStatusError,
  LostCreditError,
  PaperOutError,
  PayoutIncompleteError,
  PeripheralError,
  PrinterNotReadyError,
  PrintJobFailedError,
  ReceiptEncodingError,
  VirtualDeviceError,
  type FailedJobState,
  type FrameParseReason,
  type FrameProtocol,
  type PeripheralErrorCode,
} from './errors';
export { silentLogger, type Clock as PeripheralClock, type PeripheralLogger } from './logger';
export { HealthTracker, deriveStatus, normaliseReasons, type HealthUpdate } from './health/health';
export { createPeripherals, type PeripheralConfig, type PeripheralSet } from './setup';

// Serial identity, hot-plug, inventory
export { SysfsSerialLocator, describeSerialIdentity, type SerialIdentity, type SerialLocator, type UsbTty } from './serial/identity';
export { serialPortFactory, type SerialLink, type SerialLinkFactory } from './serial/serial-link';
export { SerialConnection, type ConnectionState, type SerialConnectionOptions } from './serial/serial-connection';
export { classifyDevices, scanPeripherals, type ConfiguredDevice, type DetectedDevice, type InventoryEntry, type InventoryOptions } from './serial/inventory';

// ESC/POS receipt printer
export { encodeReceipt, encodeReceiptText, escpos, type Alignment, type Receipt, type ReceiptLine, type ReceiptText, type StatusKind } from './escpos/commands';
export { decodeRealtimeStatus, encodeRealtimeStatus, statusReasons, type FullStatus, type RealtimeStatus } from './escpos/status';
export { EscPosResponseDecoder, encodeProcessIdResponse, type EscPosResponse } from './escpos/responses';
export { EscPosParser, type EscPosToken } from './escpos/stream-parser';
export { ReceiptRenderer, renderEscPos } from './escpos/render';
export { EscPosReceiptPrinter, type EscPosPrinterOptions } from './escpos/receipt-printer';

// ccTalk coin acceptor and hoppers
export {
  CcTalkFrameDecoder,
  HOST_ADDRESS as CCTALK_HOST_ADDRESS,
  checksum as ccTalkChecksum,
  encodeFrame as encodeCcTalkFrame,
  parseFrame as parseCcTalkFrame,
  type CcTalkFrame,
} from './cctalk/frame';
export { COIN_VALUES, CoinEventCode, FaultCode as CcTalkFaultCode, Header as CcTalkHeader, type CreditBuffer, type HopperStatus } from './cctalk/headers';
export { eventsBetween, interpretCreditBuffer, type CreditEvent, type CreditPoll } from './cctalk/credit';
export { nextDispense, type HopperAvailability } from './cctalk/payout-plan';
export { CcTalkBus, type CcTalkBusOptions } from './cctalk/bus';
export { CcTalkCoinAcceptor, type CoinAcceptorOptions } from './cctalk/coin-acceptor';
export { CcTalkCoinDispenser, type CoinDispenserOptions, type HopperConfig } from './cctalk/coin-dispenser';

// IPP document printer
export {
  decodeMessage as decodeIppMessage,
  encodeMessage as encodeIppMessage,
  findAttribute as findIppAttribute,
  GroupTag as IppGroupTag,
  ValueTag as IppValueTag,
  type IppAttribute,
  type IppCollection,
  type IppGroup,
  type IppMessage,
  type IppValue,
} from './ipp/codec';
export {
  IppClient,
  JobState as IppJobState,
  Operation as IppOperation,
  PrinterState as IppPrinterState,
  httpTransport as ippHttpTransport,
  type IppJobStatus,
  type IppPrinterStatus,
  type IppTransport,
} from './ipp/client';
export { interpretPrinter, type InterpretedPrinter } from './ipp/printer-reasons';
export { IppDocumentPrinter, type IppDocumentPrinterOptions } from './ipp/document-printer';
export { minimalPdf } from './ipp/test-page';

// HID barcode scanner and PIN pad
export { charToUsage, usageToChar } from './hid/usage';
export { BarcodeAssembler, KeyboardReportDecoder, encodeTextReports, splitReports, type KeyPress } from './hid/keyboard';
export { encodePinPadKey, pinPadKey } from './hid/pinpad-keys';
export { NodeHidSource, describeHidIdentity, matchesHid, type HidConnection, type HidDeviceInfo, type HidDeviceSource, type HidIdentity } from './hid/hid-source';
export { HidBarcodeScanner } from './hid/barcode-scanner';
export { HidPinPad } from './hid/pin-pad';
export type { HidKeyboardOptions } from './hid/hid-keyboard-device';

// The virtual devices on the real stacks (simulators, private CUPS, socat, umockdev) are not exported here:
// `@kiosk/devices/virtual` (src/virtual.ts), which production code cannot import (lint).
