// The emulators and simulators, a separate entry point from the drivers (as serialport ships its mock
// binding apart): `@kiosk/devices/virtual`. Tests and the agent's virtual/demo bench import it; production
// code cannot (eslint.config.mjs: no-restricted-imports), so a real kiosk never reaches a virtual device.

// The virtual My Number card: the JPKI emulator, pcscd with vpcd, the test CA's residents.
export { VirtualJpkiCard, type VirtualJpkiCardOptions } from './card/virtual/jpki-emulator';
export { PcscdProcess, type PcscdProcessOptions, VPCD_SLOTS } from './card/virtual/pcscd-process';
export { createForeignCard, createResidentCard, loadVirtualResidents, type VirtualResident, type VirtualResidentsFile } from './card/virtual/residents';
export { VirtualCardStack, type VirtualCardStackOptions } from './card/virtual/virtual-card-stack';
export { type VirtualCard, VirtualCardSlot } from './card/virtual/virtual-card-slot';

// Virtual peripherals on the real stacks (serial ptys, CUPS, uinput/umockdev).
export { SocatPtyPair, type SocatPtyPairOptions } from './peripherals/virtual/socat';
export { SerialDeviceHost, type SerialDeviceHostOptions } from './peripherals/virtual/serial-device-host';
export { VirtualPrinterEngine, type CapturedReceipt, type VirtualPrinterSnapshot, type VirtualPrinterState } from './peripherals/virtual/escpos-engine';
export { VirtualReceiptPrinter, type VirtualReceiptPrinterOptions } from './peripherals/virtual/virtual-receipt-printer';
export { SimCoinAcceptor, SimHopper, type InsertOutcome } from './peripherals/virtual/cctalk-devices';
export { CcTalkBusSimulator } from './peripherals/virtual/cctalk-bus-sim';
export {
  DEFAULT_HOPPERS,
  VirtualCoinMachine,
  type VirtualCoinMachineOptions,
  type VirtualCoinMachineSnapshot,
  type VirtualHopperSpec,
} from './peripherals/virtual/virtual-coin-machine';
export { CUPS_PDF_ANONYMOUS_DIR, PrivateCups, type PrivateCupsOptions } from './peripherals/virtual/private-cups';
export { PaperTray, type TrayDocument } from './peripherals/virtual/paper-tray';
export {
  VIRTUAL_PINPAD_ID,
  VIRTUAL_SCANNER_ID,
  VirtualBarcodeScannerDevice,
  VirtualHidDevice,
  VirtualHidSource,
  VirtualPinPadDevice,
} from './peripherals/virtual/virtual-hid';
export { BOOT_KEYBOARD_DESCRIPTOR, umockdevRunArgs, writeUmockdevScanner, type UmockdevScannerFiles } from './peripherals/virtual/umockdev-scanner';
export { startVirtualPeripherals, type VirtualPeripherals, type VirtualPeripheralsOptions } from './peripherals/virtual/virtual-peripherals';
