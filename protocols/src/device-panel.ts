import { z } from 'zod';
import { CoinYenSchema, InstantSchema } from './common';
import { DeviceHealthSchema } from './devices';
import { resultSchema } from './errors';

/**
 * The demo's virtual device panel: a page the agent serves next to the kiosk (demo mode only, never on a
 * production kiosk) where a person plays the hardware: inserts coins and cards, scans a facility user
 * card, presses PIN-pad keys, opens the printer cover, runs out of paper, and reads what was printed.
 *
 * The agent pushes the whole panel state (`panel.state`) on connect-time request and after every change,
 * whatever caused it (a panel command, a receipt printed by a flow, a payout). Every command is acked
 * with `{ ok: true }` once the virtual device has taken the action (not once the kiosk reacted to it:
 * a coin dropped into a jammed acceptor is still `ok`, and the state shows the jam), or with a Failure:
 * `invalid_message` (payload does not parse), `not_found` (unknown card, or no such virtual device in
 * this demo), `internal` (the simulator failed).
 *
 * PIN-pad keys and scanned numbers stand in for what a person types on real hardware: the agent hands
 * them to the virtual device and never logs them.
 */

/** socket.io namespace of the device panel on the agent's local server (127.0.0.1 only, demo mode only). */
export const DEVICE_PANEL_NAMESPACE = '/panel';

export const PanelPaperStateSchema = z.enum(['ok', 'near-end', 'out']);
export type PanelPaperState = z.infer<typeof PanelPaperStateSchema>;

export const PanelCoverStateSchema = z.enum(['closed', 'open']);
export type PanelCoverState = z.infer<typeof PanelCoverStateSchema>;

/** Keys of the 12-key PIN pad plus its cancel key. */
export const PanelPinKeySchema = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', 'cancel', 'enter']);
export type PanelPinKey = z.infer<typeof PanelPinKeySchema>;

/** A facility user card number: 8 ASCII digits, printed as a barcode on the card. */
export const FacilityUserNumberSchema = z.string().regex(/^[0-9]{8}$/, 'facility user number: 8 digits');

/** Ids of virtual cards: safe in element ids and test ids. */
export const VirtualCardIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'card id: 1-64 of a-z, 0-9, -');

/** Synthetic display text only (e.g. "テスト 太郎 (test resident 1)"); never a real person. */
const LabelSchema = z.string().min(1).max(100);

export const VirtualCardKindSchema = z.enum(['my-number', 'not-my-number']);
export type VirtualCardKind = z.infer<typeof VirtualCardKindSchema>;

/** A card the demo can put into the virtual reader. */
export const VirtualCardSchema = z.strictObject({
  cardId: VirtualCardIdSchema,
  label: LabelSchema,
  kind: VirtualCardKindSchema,
});
export type VirtualCard = z.infer<typeof VirtualCardSchema>;

export const PanelInsertedCardSchema = z.strictObject({ cardId: VirtualCardIdSchema, label: LabelSchema });
export type PanelInsertedCard = z.infer<typeof PanelInsertedCardSchema>;

/** A demo facility user number offered as a one-click scan (seeded test users, never real ones). */
export const BarcodePresetSchema = z.strictObject({ barcode: FacilityUserNumberSchema, label: LabelSchema });
export type BarcodePreset = z.infer<typeof BarcodePresetSchema>;

/** One receipt as the ESC/POS simulator captured it, rendered to text. */
export const PrintedReceiptSchema = z.strictObject({ printedAt: InstantSchema, text: z.string().max(20_000) });
export type PrintedReceipt = z.infer<typeof PrintedReceiptSchema>;

/**
 * One A4 document CUPS reported completed. `jobId` is the CUPS job id. `inTray`: its paper (the PDF the
 * virtual printer wrote, which carries the certificate's personal data) still lies in the output tray;
 * it leaves when someone takes it (`panel.document.take`) or when the session is wiped.
 */
export const PrintedDocumentSchema = z.strictObject({
  printedAt: InstantSchema,
  jobId: z.int().positive(),
  pages: z.int().positive().max(1000),
  inTray: z.boolean(),
});
export type PrintedDocument = z.infer<typeof PrintedDocumentSchema>;

/** The simulated receipt printer's controllable state. */
export const PanelReceiptPrinterSchema = z.strictObject({
  paper: PanelPaperStateSchema,
  cover: PanelCoverStateSchema,
  jam: z.boolean(),
});
export type PanelReceiptPrinter = z.infer<typeof PanelReceiptPrinterSchema>;

export const PanelCoinAcceptorSchema = z.strictObject({
  coinJam: z.boolean(),
  /** Coins in the cash box. */
  cashBoxCount: z.int().nonnegative(),
});
export type PanelCoinAcceptor = z.infer<typeof PanelCoinAcceptorSchema>;

export const PanelHopperSchema = z
  .strictObject({
    /** The simulated "hopper empty" fault: on, the hopper reports empty whatever it holds. */
    empty: z.boolean(),
    /** Coins left per denomination, one entry per denomination the hopper pays out. */
    coins: z.array(z.strictObject({ coinYen: CoinYenSchema, count: z.int().nonnegative() })).max(4),
  })
  .refine((hopper) => new Set(hopper.coins.map((c) => c.coinYen)).size === hopper.coins.length, {
    message: 'one entry per denomination',
    path: ['coins'],
  });
export type PanelHopper = z.infer<typeof PanelHopperSchema>;

/** Everything the panel shows. Lists of prints are newest first. */
export const DevicePanelStateSchema = z
  .strictObject({
    /** Health of every virtual device, as the agent's drivers see it (what the hub gets as telemetry). */
    devices: z.array(DeviceHealthSchema).max(32),
    receiptPrinter: PanelReceiptPrinterSchema,
    coinAcceptor: PanelCoinAcceptorSchema,
    hopper: PanelHopperSchema,
    /** The card in the virtual reader, or null when the slot is empty. */
    insertedCard: PanelInsertedCardSchema.nullable(),
    cards: z.array(VirtualCardSchema).max(32),
    barcodePresets: z.array(BarcodePresetSchema).max(8),
    /** The last receipts printed (at most 10). */
    receipts: z.array(PrintedReceiptSchema).max(10),
    /** The last A4 documents printed (at most 10). */
    documents: z.array(PrintedDocumentSchema).max(10),
  })
  .superRefine((state, ctx) => {
    const ids = state.cards.map((card) => card.cardId);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'card ids must be unique', path: ['cards'] });
    if (state.insertedCard && !ids.includes(state.insertedCard.cardId)) {
      ctx.addIssue({ code: 'custom', message: 'the inserted card must be one of the listed cards', path: ['insertedCard'] });
    }
  });
export type DevicePanelState = z.infer<typeof DevicePanelStateSchema>;

/** A "set" command must change something: an empty one is a mistake, not a no-op. */
function atLeastOneField(value: Record<string, unknown>): boolean {
  return Object.values(value).some((field) => field !== undefined);
}
const SET_NOTHING = { message: 'set at least one field' };

export const PanelCoinInsertSchema = z.strictObject({ coinYen: CoinYenSchema });
export type PanelCoinInsert = z.infer<typeof PanelCoinInsertSchema>;

export const PanelPrinterSetSchema = z
  .strictObject({ paper: PanelPaperStateSchema.optional(), cover: PanelCoverStateSchema.optional(), jam: z.boolean().optional() })
  .refine(atLeastOneField, SET_NOTHING);
export type PanelPrinterSet = z.infer<typeof PanelPrinterSetSchema>;

export const PanelCoinSetSchema = z.strictObject({ coinJam: z.boolean().optional() }).refine(atLeastOneField, SET_NOTHING);
export type PanelCoinSet = z.infer<typeof PanelCoinSetSchema>;

/**
 * `empty`: the "hopper empty" fault (the hoppers report empty whatever they held). `coins`: put exactly
 * this many coins in a denomination's hopper (a nearly empty hopper, a refill); ends the fault. `held`: the
 * hoppers' motors held, so a payout under way pays nothing more until released (the screens shown while
 * money is paid stay up).
 */
export const PanelHopperSetSchema = z
  .strictObject({
    empty: z.boolean().optional(),
    held: z.boolean().optional(),
    coins: z
      .array(z.strictObject({ coinYen: CoinYenSchema, count: z.int().min(0).max(2000) }))
      .min(1)
      .max(4)
      .refine((coins) => new Set(coins.map((c) => c.coinYen)).size === coins.length, { message: 'one entry per denomination' })
      .optional(),
  })
  .refine(atLeastOneField, SET_NOTHING);
export type PanelHopperSet = z.infer<typeof PanelHopperSetSchema>;

/** Puts the card into the virtual reader; a card already there is taken out first (a person swapping cards). */
export const PanelCardInsertSchema = z.strictObject({ cardId: VirtualCardIdSchema });
export type PanelCardInsert = z.infer<typeof PanelCardInsertSchema>;

/**
 * The reader slot's card faults (the card in it now and every card put in after, until set false):
 * `answersHeld` a slow card, its answers held until set false, as a real JPKI card takes a second or more
 * to be read; `unreadable` a damaged chip, its certificate file answered 65 81 (memory failure).
 */
export const PanelCardSetSchema = z
  .strictObject({ answersHeld: z.boolean().optional(), unreadable: z.boolean().optional() })
  .refine(atLeastOneField, SET_NOTHING);
export type PanelCardSet = z.infer<typeof PanelCardSetSchema>;

/** Takes the card out; `ok` also when the slot was already empty. */
export const PanelCardRemoveSchema = z.strictObject({});
export type PanelCardRemove = z.infer<typeof PanelCardRemoveSchema>;

export const PanelScannerScanSchema = z.strictObject({ barcode: FacilityUserNumberSchema });
export type PanelScannerScan = z.infer<typeof PanelScannerScanSchema>;

export const PanelPinPadPressSchema = z.strictObject({ key: PanelPinKeySchema });
export type PanelPinPadPress = z.infer<typeof PanelPinPadPressSchema>;

/** Takes a printed document out of the A4 printer's tray (its PDF is deleted); `not_found` if it is not there. */
export const PanelDocumentTakeSchema = z.strictObject({ jobId: z.int().positive() });
export type PanelDocumentTake = z.infer<typeof PanelDocumentTakeSchema>;

export const PanelCommandAckSchema = resultSchema({});
export type PanelCommandAck = z.infer<typeof PanelCommandAckSchema>;

type Command<Request> = (request: Request, ack: (result: PanelCommandAck) => void) => void;

export interface PanelToAgentEvents {
  'panel.state.get': (ack: (state: DevicePanelState) => void) => void;
  'panel.coin.insert': Command<PanelCoinInsert>;
  'panel.printer.set': Command<PanelPrinterSet>;
  'panel.coin.set': Command<PanelCoinSet>;
  'panel.hopper.set': Command<PanelHopperSet>;
  'panel.card.insert': Command<PanelCardInsert>;
  'panel.card.remove': Command<PanelCardRemove>;
  'panel.card.set': Command<PanelCardSet>;
  'panel.scanner.scan': Command<PanelScannerScan>;
  'panel.pinpad.press': Command<PanelPinPadPress>;
  'panel.document.take': Command<PanelDocumentTake>;
}
export interface AgentToPanelEvents {
  'panel.state': (state: DevicePanelState) => void;
}

/** The panel's commands: every event but the state request, each acked with a PanelCommandAck. */
export type PanelCommandName = Exclude<keyof PanelToAgentEvents, 'panel.state.get'>;

export const panelToAgentSchemas = {
  'panel.coin.insert': PanelCoinInsertSchema,
  'panel.printer.set': PanelPrinterSetSchema,
  'panel.coin.set': PanelCoinSetSchema,
  'panel.hopper.set': PanelHopperSetSchema,
  'panel.card.insert': PanelCardInsertSchema,
  'panel.card.remove': PanelCardRemoveSchema,
  'panel.card.set': PanelCardSetSchema,
  'panel.scanner.scan': PanelScannerScanSchema,
  'panel.pinpad.press': PanelPinPadPressSchema,
  'panel.document.take': PanelDocumentTakeSchema,
} as const satisfies Record<PanelCommandName, z.ZodType>;

export type PanelCommandPayload<C extends PanelCommandName> = z.infer<(typeof panelToAgentSchemas)[C]>;

export const agentToPanelSchemas = {
  'panel.state': DevicePanelStateSchema,
} as const satisfies Record<keyof AgentToPanelEvents, z.ZodType>;
