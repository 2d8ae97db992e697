import {
  DevicePanelStateSchema,
  type BarcodePreset,
  type CoinYen,
  type DeviceHealth,
  type DevicePanelState,
  type PanelInsertedCard,
  type PrintedDocument,
  type VirtualCard,
} from '@kiosk/protocols';

/** What the panel state is made of, as the virtual devices and the drivers report it. */
export interface PanelInputs {
  devices: readonly DeviceHealth[];
  printer: { paper: 'ok' | 'near-end' | 'out'; coverOpen: boolean; jam: boolean };
  coins: { coinJam: boolean; cashBoxCount: number };
  hopper: { empty: boolean; coins: ReadonlyArray<{ coinYen: CoinYen; count: number }> };
  insertedCard: PanelInsertedCard | null;
  cards: readonly VirtualCard[];
  barcodePresets: readonly BarcodePreset[];
  /** Every receipt the simulator captured, oldest first. */
  receipts: ReadonlyArray<{ at: string; text: string; cut: boolean }>;
  /** Completed A4 jobs, newest first. */
  documents: readonly PrintedDocument[];
}

const MAX_LISTED = 10;
const MAX_RECEIPT_TEXT = 20_000;
const NOT_CUT = '\n— 未カット（印刷中に停止）/ not cut (stopped mid-print) —';

/**
 * Pure: the panel's state (protocols/src/device-panel.ts), checked against its schema so a simulator
 * quirk shows up here, not in the browser. Prints are newest first and at most ten; a receipt abandoned
 * mid-way (paper ran out) is shown as what is on the paper, marked as never cut.
 */
export function buildPanelState(input: PanelInputs): DevicePanelState {
  return DevicePanelStateSchema.parse({
    devices: input.devices.slice(0, 32),
    receiptPrinter: { paper: input.printer.paper, cover: input.printer.coverOpen ? 'open' : 'closed', jam: input.printer.jam },
    coinAcceptor: { coinJam: input.coins.coinJam, cashBoxCount: input.coins.cashBoxCount },
    hopper: { empty: input.hopper.empty, coins: input.hopper.coins.map(({ coinYen, count }) => ({ coinYen, count })) },
    insertedCard: input.insertedCard,
    cards: input.cards,
    barcodePresets: input.barcodePresets,
    receipts: input.receipts
      .slice(-MAX_LISTED)
      .reverse()
      .map((receipt) => ({
        printedAt: new Date(receipt.at).toISOString(),
        text: (receipt.cut ? receipt.text : `${receipt.text}${NOT_CUT}`).slice(0, MAX_RECEIPT_TEXT),
      })),
    documents: input.documents.slice(0, MAX_LISTED),
  });
}
