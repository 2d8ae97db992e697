import { z } from 'zod';
import { InstantSchema, LanguageSchema, YenSchema } from './common';
import { ErrorCodeSchema, ErrorIssueSchema } from './errors';
import {
  BookingViewSchema,
  CancellationQuoteSchema,
  EntryViewSchema,
  FacilityIdSchema,
  FacilityUserViewSchema,
  FacilityViewSchema,
  LotteryCardRefusalSchema,
  ProvisionalEntryPayloadSchema,
  ProvisionalEntryViewSchema,
  RoundViewSchema,
  SlotIdSchema,
  SlotViewSchema,
  UseMonthSchema,
} from './lottery';

/**
 * The street-terminal lottery flow between the kiosk UI and its agent on `/ui`. The agent is the only
 * party that talks to the hub: it holds the scanned user number, the PIN digits and the hub session
 * token, and the UI never sees any of them. The UI sends each PIN key as it is pressed and is told only
 * how many digits are held. Everything the agent knows about the person is wiped on sign-out, on
 * `session.end` and when a new session begins.
 */

/** Where data shown to the person came from: the hub now, or the agent's cache (hub unreachable). */
export const LotteryDataSourceSchema = z.enum(['hub', 'cache']);
export type LotteryDataSource = z.infer<typeof LotteryDataSourceSchema>;

/** Keys of the 12-key pad on screen (the hardware pad feeds the same digits inside the agent). */
export const LotteryPinKeySchema = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', 'enter']);
export type LotteryPinKey = z.infer<typeof LotteryPinKeySchema>;

/**
 * Refusals on this boundary: the hub's codes, plus what only the terminal can say.
 * `hub_unreachable`: the action needs the hub now (booking, confirmation, cancellation) and it cannot be
 * reached. `not_signed_in`: no signed-in person in this session. `no_card`: Enter before a card was read.
 */
export const LotteryUiErrorCodeSchema = z.enum([
  ...ErrorCodeSchema.options,
  'hub_unreachable',
  'not_signed_in',
  'no_card',
  // Sign-in with a linked My Number card (the card PIN is the JPKI user-authentication PIN, 4 digits, 3 tries):
  /** The card check needs the hub now (the user card still works offline). */
  'card_needs_hub',
  /** Wrong card PIN: `attemptsLeft` says how many tries the card still allows. */
  'card_pin_wrong',
  /** The card's PIN is locked: it is reset at the municipal office. */
  'card_pin_locked',
  /** Not a My Number card, or it could not be read (taken out too early). */
  'card_unreadable',
  /** The hub refused the card: `cardRefusal` says why (`not-linked`, revoked, expired, ...). */
  'card_refused',
]);
export type LotteryUiErrorCode = z.infer<typeof LotteryUiErrorCodeSchema>;
export const LotteryUiErrorSchema = z.strictObject({
  code: LotteryUiErrorCodeSchema,
  message: z.string(),
  issues: z.array(ErrorIssueSchema).optional(),
});
export type LotteryUiError = z.infer<typeof LotteryUiErrorSchema>;
export const LotteryUiFailureSchema = z.strictObject({ ok: z.literal(false), error: LotteryUiErrorSchema });
export type LotteryUiFailure = z.infer<typeof LotteryUiFailureSchema>;

function uiResult<T extends z.ZodRawShape>(shape: T) {
  return z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), ...shape }), LotteryUiFailureSchema]);
}

/**
 * The sign-in state the agent pushes (`lottery.state`) on every change and answers `lottery.state.get`
 * with. `awaiting-card`: scan the user card; `awaiting-pin`: a card was read, type the PIN;
 * `signing-in`: the PIN was submitted; `signed-in`: `mode` says whether the hub verified the PIN
 * (`online`) or the terminal took it sealed for the hub to verify later (`offline`: only lottery entries,
 * confirmed when the terminal reconnects).
 */
/**
 * With a My Number card instead of the user card: `reading-card` (a card was placed on the reader),
 * `awaiting-card-pin` (type the card's PIN, `cardPinTriesLeft`), then `signing-in`; taking the card out
 * goes back to `awaiting-card`.
 */
export const LotteryStageSchema = z.enum(['inactive', 'awaiting-card', 'awaiting-pin', 'reading-card', 'awaiting-card-pin', 'signing-in', 'signed-in']);
export type LotteryStage = z.infer<typeof LotteryStageSchema>;
export const LotterySignInRefusalSchema = z.strictObject({
  code: LotteryUiErrorCodeSchema,
  attemptsLeft: z.int().nonnegative().optional(),
  lockedUntil: InstantSchema.optional(),
  /** With `card_refused`: why the hub refused the My Number card. */
  cardRefusal: LotteryCardRefusalSchema.optional(),
});
export type LotterySignInRefusal = z.infer<typeof LotterySignInRefusalSchema>;
export const LotteryUiStateSchema = z.strictObject({
  stage: LotteryStageSchema,
  /** How many PIN digits the agent holds (never which). */
  pinDigits: z.int().nonnegative().max(8),
  /** The last two digits of the card read, so the person sees it was their card (`null` before one). */
  cardHint: z.string().regex(/^[0-9]{2}$/).nullable(),
  mode: z.enum(['online', 'offline']).nullable(),
  user: FacilityUserViewSchema.nullable(),
  /** Why the last sign-in was refused (cleared by the next card or key). */
  refusal: LotterySignInRefusalSchema.nullable(),
  /** Offline entry needs the hub's PIN-sealing key, cached while online. */
  offlineEntryAvailable: z.boolean(),
  /** In `awaiting-card-pin`: how many wrong card PINs the card still allows (JPKI: 3 at most). */
  cardPinTriesLeft: z.int().nonnegative().max(3).nullable().optional(),
  /**
   * `false`: the receipt printer cannot print now (none, paper out, cover open, ...). Said before the
   * person starts; entries and bookings still work and their numbers are shown on screen.
   */
  receiptPrinterReady: z.boolean().optional(),
  /**
   * The hub's public address (the agent's `HUB_PUBLIC_URL`), which the 抽選結果の検証 screen shows in full
   * so that a citizen can type it on another device to read the public draw record.
   */
  hubPublicUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type LotteryUiState = z.infer<typeof LotteryUiStateSchema>;

export const LotteryPinPressSchema = z.strictObject({ key: LotteryPinKeySchema });
export type LotteryPinPress = z.infer<typeof LotteryPinPressSchema>;
export const LotteryUiOkAckSchema = uiResult({});
export type LotteryUiOkAck = z.infer<typeof LotteryUiOkAckSchema>;

export const LotteryUiEmptySchema = z.strictObject({});
export type LotteryUiEmpty = z.infer<typeof LotteryUiEmptySchema>;

const fresh = { source: LotteryDataSourceSchema, asOf: InstantSchema };

/** `lotteryNow`: the hub's lottery clock (not the browser's), which decides the months the calendar offers. */
export const LotteryUiFacilitiesAckSchema = uiResult({ ...fresh, lotteryNow: InstantSchema, facilities: z.array(FacilityViewSchema) });
export type LotteryUiFacilitiesAck = z.infer<typeof LotteryUiFacilitiesAckSchema>;
export const LotteryUiRoundsAckSchema = uiResult({ ...fresh, rounds: z.array(RoundViewSchema) });
export type LotteryUiRoundsAck = z.infer<typeof LotteryUiRoundsAckSchema>;

/** One month of one facility's calendar (the UI pages by month). */
export const LotteryUiAvailabilityRequestSchema = z.strictObject({ facilityId: FacilityIdSchema, month: UseMonthSchema });
export type LotteryUiAvailabilityRequest = z.infer<typeof LotteryUiAvailabilityRequestSchema>;
export const LotteryUiAvailabilityAckSchema = uiResult({ ...fresh, facilityId: FacilityIdSchema, month: UseMonthSchema, slots: z.array(SlotViewSchema) });
export type LotteryUiAvailabilityAck = z.infer<typeof LotteryUiAvailabilityAckSchema>;

/**
 * The languages the receipt printer can print (Shift_JIS: Japanese and ASCII). A Korean or Chinese
 * session's receipt is printed in English, with the facilities' official Japanese names.
 */
export const ReceiptLanguageSchema = z.enum(['ja', 'en']);
export type ReceiptLanguage = z.infer<typeof ReceiptLanguageSchema>;

/** What became of printing the receipt: the entry or booking stands either way. */
export const LotteryReceiptOutcomeSchema = z.strictObject({
  printed: z.boolean(),
  /** The language it was printed in, when printed (the screen says so when it is not the session's). */
  language: ReceiptLanguageSchema.optional(),
  /** Why it was not printed (no printer, paper out, ...), for the screen to say "note this number". */
  problem: z.string().max(200).optional(),
});
export type LotteryReceiptOutcome = z.infer<typeof LotteryReceiptOutcomeSchema>;

/**
 * An entry taken while the hub was unreachable and still in this terminal's outbox (not yet sent): the
 * `lottery.entry.provisional` event's payload without the user number and the sealed PIN. Once the hub
 * has it, the hub's `ProvisionalEntryView` (in `lottery.entries`) is the truth, at any terminal.
 */
export const UnsentEntrySchema = ProvisionalEntryPayloadSchema.omit({ userNumber: true, sealedPin: true }).extend({
  /** The event's `occurredAt`. (Its `clientEntryId` is printed on the provisional receipt as its reference.) */
  occurredAt: InstantSchema,
});
export type UnsentEntry = z.infer<typeof UnsentEntrySchema>;

/** `language`: the screen's language, which the receipt is printed in (Japanese when absent). */
const receiptIn = { language: LanguageSchema.optional() };
export const LotteryUiEntrySubmitSchema = z.strictObject({ firstSlotId: SlotIdSchema, secondSlotId: SlotIdSchema.optional(), ...receiptIn });
export type LotteryUiEntrySubmit = z.infer<typeof LotteryUiEntrySubmitSchema>;
export const LotteryUiEntrySubmitAckSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    outcome: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('accepted'), entry: EntryViewSchema }),
      z.strictObject({ kind: z.literal('provisional'), entry: UnsentEntrySchema }),
    ]),
    receipt: LotteryReceiptOutcomeSchema,
    /** When the entry's round announces its results, for the done screen (null: the round is not known here). */
    resultsAt: InstantSchema.nullable().optional(),
  }),
  LotteryUiFailureSchema,
]);
export type LotteryUiEntrySubmitAck = z.infer<typeof LotteryUiEntrySubmitAckSchema>;

export const LotteryUiEntryRefSchema = z.strictObject({ entryId: z.uuidv7(), ...receiptIn });
export type LotteryUiEntryRef = z.infer<typeof LotteryUiEntryRefSchema>;
/** `receipt`: after a confirmation, which prints a receipt (marked 繰り上げ当選 for a promoted alternate). */
export const LotteryUiEntryAckSchema = uiResult({ entry: EntryViewSchema, receipt: LotteryReceiptOutcomeSchema.optional() });
export type LotteryUiEntryAck = z.infer<typeof LotteryUiEntryAckSchema>;

/**
 * The person's entries and offline entries as the hub judged them (`source: 'hub'`; both empty when the
 * hub is unreachable, `source: 'cache'`), plus the offline entries this terminal has not delivered yet.
 */
export const LotteryUiEntriesAckSchema = uiResult({
  source: LotteryDataSourceSchema,
  entries: z.array(EntryViewSchema),
  provisional: z.array(ProvisionalEntryViewSchema),
  unsent: z.array(UnsentEntrySchema),
});
export type LotteryUiEntriesAck = z.infer<typeof LotteryUiEntriesAckSchema>;

export const LotteryUiBookingCreateSchema = z.strictObject({ slotId: SlotIdSchema, ...receiptIn });
export type LotteryUiBookingCreate = z.infer<typeof LotteryUiBookingCreateSchema>;
export const LotteryUiBookingAckSchema = uiResult({ booking: BookingViewSchema, receipt: LotteryReceiptOutcomeSchema.optional() });
export type LotteryUiBookingAck = z.infer<typeof LotteryUiBookingAckSchema>;
export const LotteryUiBookingsAckSchema = uiResult({ bookings: z.array(BookingViewSchema) });
export type LotteryUiBookingsAck = z.infer<typeof LotteryUiBookingsAckSchema>;
export const LotteryUiBookingRefSchema = z.strictObject({ bookingId: z.uuidv7() });
export type LotteryUiBookingRef = z.infer<typeof LotteryUiBookingRefSchema>;
export const LotteryUiCancelQuoteAckSchema = uiResult({ quote: CancellationQuoteSchema });
export type LotteryUiCancelQuoteAck = z.infer<typeof LotteryUiCancelQuoteAckSchema>;
export const LotteryUiBookingCancelSchema = z.strictObject({ bookingId: z.uuidv7(), acceptedChargeYen: YenSchema });
export type LotteryUiBookingCancel = z.infer<typeof LotteryUiBookingCancelSchema>;

type Ack<T> = (result: T) => void;

/** UI → agent, merged into `UiToAgentEvents`. Every request is acked; a malformed one with `invalid_message`. */
export interface LotteryUiToAgentEvents {
  'lottery.state.get': (ack: Ack<LotteryUiState>) => void;
  'lottery.pin.press': (request: LotteryPinPress, ack: Ack<LotteryUiOkAck>) => void;
  'lottery.signOut': (request: LotteryUiEmpty, ack: Ack<LotteryUiOkAck>) => void;
  'lottery.facilities': (request: LotteryUiEmpty, ack: Ack<LotteryUiFacilitiesAck>) => void;
  'lottery.rounds': (request: LotteryUiEmpty, ack: Ack<LotteryUiRoundsAck>) => void;
  'lottery.availability': (request: LotteryUiAvailabilityRequest, ack: Ack<LotteryUiAvailabilityAck>) => void;
  'lottery.entry.submit': (request: LotteryUiEntrySubmit, ack: Ack<LotteryUiEntrySubmitAck>) => void;
  'lottery.entries': (request: LotteryUiEmpty, ack: Ack<LotteryUiEntriesAck>) => void;
  'lottery.entry.cancel': (request: LotteryUiEntryRef, ack: Ack<LotteryUiEntryAck>) => void;
  'lottery.entry.confirm': (request: LotteryUiEntryRef, ack: Ack<LotteryUiEntryAck>) => void;
  'lottery.entry.decline': (request: LotteryUiEntryRef, ack: Ack<LotteryUiEntryAck>) => void;
  'lottery.booking.create': (request: LotteryUiBookingCreate, ack: Ack<LotteryUiBookingAck>) => void;
  'lottery.bookings': (request: LotteryUiEmpty, ack: Ack<LotteryUiBookingsAck>) => void;
  'lottery.booking.quote-cancel': (request: LotteryUiBookingRef, ack: Ack<LotteryUiCancelQuoteAck>) => void;
  'lottery.booking.cancel': (request: LotteryUiBookingCancel, ack: Ack<LotteryUiBookingAck>) => void;
}

/** Agent → UI, merged into `AgentToUiEvents`. */
export interface LotteryAgentToUiEvents {
  'lottery.state': (state: LotteryUiState) => void;
}

export type LotteryUiRequest = Exclude<keyof LotteryUiToAgentEvents, 'lottery.state.get'>;

/** What the agent parses each request with. */
export const lotteryUiToAgentSchemas = {
  'lottery.pin.press': LotteryPinPressSchema,
  'lottery.signOut': LotteryUiEmptySchema,
  'lottery.facilities': LotteryUiEmptySchema,
  'lottery.rounds': LotteryUiEmptySchema,
  'lottery.availability': LotteryUiAvailabilityRequestSchema,
  'lottery.entry.submit': LotteryUiEntrySubmitSchema,
  'lottery.entries': LotteryUiEmptySchema,
  'lottery.entry.cancel': LotteryUiEntryRefSchema,
  'lottery.entry.confirm': LotteryUiEntryRefSchema,
  'lottery.entry.decline': LotteryUiEntryRefSchema,
  'lottery.booking.create': LotteryUiBookingCreateSchema,
  'lottery.bookings': LotteryUiEmptySchema,
  'lottery.booking.quote-cancel': LotteryUiBookingRefSchema,
  'lottery.booking.cancel': LotteryUiBookingCancelSchema,
} as const satisfies Record<LotteryUiRequest, z.ZodType>;

/** What the UI parses each answer with. */
export const lotteryAgentUiAckSchemas = {
  'lottery.pin.press': LotteryUiOkAckSchema,
  'lottery.signOut': LotteryUiOkAckSchema,
  'lottery.facilities': LotteryUiFacilitiesAckSchema,
  'lottery.rounds': LotteryUiRoundsAckSchema,
  'lottery.availability': LotteryUiAvailabilityAckSchema,
  'lottery.entry.submit': LotteryUiEntrySubmitAckSchema,
  'lottery.entries': LotteryUiEntriesAckSchema,
  'lottery.entry.cancel': LotteryUiEntryAckSchema,
  'lottery.entry.confirm': LotteryUiEntryAckSchema,
  'lottery.entry.decline': LotteryUiEntryAckSchema,
  'lottery.booking.create': LotteryUiBookingAckSchema,
  'lottery.bookings': LotteryUiBookingsAckSchema,
  'lottery.booking.quote-cancel': LotteryUiCancelQuoteAckSchema,
  'lottery.booking.cancel': LotteryUiBookingAckSchema,
} as const satisfies Record<LotteryUiRequest, z.ZodType>;

export type LotteryUiAck<R extends LotteryUiRequest> = z.infer<(typeof lotteryAgentUiAckSchemas)[R]>;
export type LotteryUiPayload<R extends LotteryUiRequest> = z.infer<(typeof lotteryUiToAgentSchemas)[R]>;

export const lotteryAgentToUiSchemas = {
  'lottery.state': LotteryUiStateSchema,
} as const satisfies Record<keyof LotteryAgentToUiEvents, z.ZodType>;
