import { z } from 'zod';
import { CoinYenSchema, InstantSchema, YenSchema } from './common';
import { resultSchema } from './errors';
import {
  CardAuthFailureReasonSchema,
  CertificateErrorCodeSchema,
  CertificateFailureSchema,
  CertificateMenuItemSchema,
  CertificateOrderSchema,
  CertificateTypeSchema,
  CopiesSchema,
  EligibilityReasonSchema,
  HouseholdMemberSchema,
  ServiceClosedReasonSchema,
} from './certificates';

/**
 * Certificate issuance between the kiosk screen and its agent (socket.io `/ui`, loopback only).
 *
 * The agent owns the flow: it pushes one view state, `certificates.state`, after every change (and
 * answers `certificates.state.get`); the screen draws exactly that state and sends the person's choices
 * as acked commands. The screen never holds the PIN: it sends one key at a time (`certificates.pinKey`)
 * and learns only how many digits were typed. The agent's flow runs inside the kiosk session
 * (`session.begin` with service `certificates`); ending the session ends the flow (coins inserted so far
 * are returned) and wipes its data. See /tmp/contracts/certificates-ui.md for the screen order.
 */

/** One check that failed before any card or money was asked for. */
export const CertificatePreflightProblemSchema = z.discriminatedUnion('kind', [
  /** The hub said the service is closed now (06:30–23:00 JST, Dec 29–Jan 3, maintenance days). */
  z.strictObject({ kind: z.literal('service-closed'), reason: ServiceClosedReasonSchema, reopensAt: InstantSchema.nullable() }),
  /** The hub cannot be reached (no connection, or it did not answer). */
  z.strictObject({ kind: z.literal('hub-unreachable') }),
  /** The hub does not issue certificates at this kiosk (wrong kind of terminal, municipality not served). */
  z.strictObject({ kind: z.literal('not-offered') }),
  /** A technician took the kiosk out of service. */
  z.strictObject({ kind: z.literal('out-of-service') }),
  /** A device the flow needs is not ready; `reasons` are its health reasons (e.g. `paper-end`, `cover-open`). */
  z.strictObject({
    kind: z.literal('device'),
    device: z.enum(['card-reader', 'document-printer', 'receipt-printer', 'coin-acceptor', 'coin-hopper']),
    status: z.enum(['missing', 'error', 'absent']),
    reasons: z.array(z.string().max(64)).max(16),
  }),
]);
export type CertificatePreflightProblem = z.infer<typeof CertificatePreflightProblemSchema>;

/** Why the card step failed without the card being refused by the hub. */
export const CardTroubleSchema = z.enum([
  /** The card was taken out while it was being read or signed. */
  'card-removed',
  /** The reader or card did not answer properly; try again or ask staff. */
  'card-unreadable',
]);
export type CardTrouble = z.infer<typeof CardTroubleSchema>;

/** Why money went back after payment. */
export const CertificateRefundReasonSchema = z.enum(['print-failed', 'issue-failed', 'recovered-after-restart']);
export type CertificateRefundReason = z.infer<typeof CertificateRefundReasonSchema>;

/** The order as the screen shows it on the confirmation and payment screens. */
export const CertificateQuoteViewSchema = z.strictObject({
  order: CertificateOrderSchema,
  certificateType: CertificateTypeSchema,
  nameJa: z.string(),
  nameEn: z.string(),
  unitFeeYen: YenSchema,
  copies: CopiesSchema,
  feeYen: YenSchema,
});
export type CertificateQuoteView = z.infer<typeof CertificateQuoteViewSchema>;

/**
 * What an `error` screen says went wrong (for its translation): a certificate code from the hub (e.g.
 * `session-expired`, `internal`) or one of the agent's own: `hub-unreachable` (lost mid-flow, before any
 * money), `card-reader` (the reader is gone), `coin-acceptor` (it could not be opened for the payment;
 * no money was taken).
 */
export const CertificateFlowErrorCodeSchema = z.enum([...CertificateErrorCodeSchema.options, 'hub-unreachable', 'card-reader', 'coin-acceptor']);
export type CertificateFlowErrorCode = z.infer<typeof CertificateFlowErrorCodeSchema>;

const screen = <S extends string, T extends z.ZodRawShape>(name: S, shape: T) => z.strictObject({ screen: z.literal(name), ...shape });

/**
 * Everything the certificate screens show, one variant per screen. `idle`: no flow (before `start`, and
 * after the flow ended and was wiped).
 */
export const CertificateViewStateSchema = z.discriminatedUnion('screen', [
  screen('idle', {}),
  /** Preflight: service hours (hub), hub reachable, printers, coin acceptor and hopper. */
  screen('checking', {}),
  /** One or more checks failed: nothing was asked of the person yet. Leave with `finish` or `cancel`. */
  screen('unavailable', { problems: z.array(CertificatePreflightProblemSchema).min(1) }),
  /** "Place your My Number card on the reader." */
  screen('insert-card', {}),
  screen('reading-card', {}),
  /** The card has no JPKI application. Taking it out returns to `insert-card`. */
  screen('not-a-my-number-card', {}),
  /** The card could not be read or was removed too early. Taking it out returns to `insert-card`. */
  screen('card-trouble', { trouble: CardTroubleSchema }),
  /**
   * The 4-digit PIN (利用者証明用電子証明書 暗証番号). `digitsEntered`: how many digits are typed (show
   * that many dots). `triesLeft`: null until a wrong PIN was entered, then what the card says is left.
   * `wrongLength`: Enter was pressed with other than 4 digits (nothing reached the card).
   */
  screen('pin', {
    digitsEntered: z.int().min(0).max(8),
    pinLength: z.literal(4),
    triesLeft: z.int().min(1).max(15).nullable(),
    wrongLength: z.boolean(),
  }),
  /** The card's PIN is locked: only the municipal office can reset it. Leave with `finish`. */
  screen('card-locked', { resetAt: z.literal('municipal-office'), municipality: z.string().nullable() }),
  /** PIN checked; the card signs the hub's challenge and the hub checks the card. */
  screen('verifying', {}),
  /** The hub did not accept the card (revoked, expired, unknown resident, …). Leave with `finish`. */
  screen('card-refused', { reason: CardAuthFailureReasonSchema }),
  /**
   * Choose type, options and copies. `refusal`: the last `quote` was refused for this resident (e.g.
   * `no-seal-registration`); the menu says the same per item (`available`, `refusal`).
   */
  screen('choose', {
    municipality: z.string(),
    household: z.array(HouseholdMemberSchema),
    menu: z.array(CertificateMenuItemSchema),
    refusal: z.strictObject({ certificateType: CertificateTypeSchema, reason: EligibilityReasonSchema }).nullable(),
  }),
  /** The fee for the chosen order. `confirm` goes on; `back` returns to `choose`. */
  screen('confirm', { quote: CertificateQuoteViewSchema }),
  /**
   * "Take your card": payment and printing start only once the reader is empty. `quote` null: the flow
   * was cancelled (or the session ended) with the card in the reader; it ends (`done`) once the card is out.
   */
  screen('remove-card', { quote: CertificateQuoteViewSchema.nullable() }),
  /**
   * A card of an earlier visit is still in the reader (that visit ended and was wiped: nothing of its
   * owner is known here). "A card was left in the reader: please take it out, or call staff." The flow
   * goes on by itself (`checking`) once the reader is empty.
   */
  screen('card-left-behind', {}),
  /**
   * Insert coins. `insertedYen` is live; change is paid when it reaches `feeYen`. `acceptedCoins`: the
   * coins the acceptor takes now (the others drop back to the tray). `exactAmountOnly`: the hoppers cannot
   * give change (or not for every coin): "no change, please insert the exact amount", with `acceptedCoins`.
   */
  screen('pay', {
    quote: CertificateQuoteViewSchema,
    insertedYen: YenSchema,
    acceptedCoins: z.array(CoinYenSchema).min(1).max(4),
    exactAmountOnly: z.boolean(),
  }),
  /** Cancelled during payment: the hopper is returning `amountYen`. */
  screen('returning-coins', { amountYen: YenSchema }),
  /**
   * Cancelled during payment with coins inserted; they were returned (`returnedYen`). Leave with `finish`.
   * (Cancel before any coin ends in `done`, after `remove-card` while the card is in the reader.)
   */
  screen('cancelled', { returnedYen: YenSchema, unreturnedYen: YenSchema }),
  /** Paid; the hopper pays the change (`changeYen`, 0 when exact): "paying out", never "take your change" yet. */
  screen('paying-change', { changeYen: YenSchema }),
  /** The hub issues and renders the certificate. */
  screen('issuing', { copies: CopiesSchema }),
  /**
   * Printing can take minutes. `stage`: the A4 certificate on the document printer, then the receipt.
   */
  screen('printing', { copies: CopiesSchema, stage: z.enum(['certificate', 'receipt']) }),
  /**
   * "Take your certificate (and your change)". `changeYen`: change the hopper paid out (in the coin tray).
   * `unpaidChangeYen`: change owed that the hopper could not pay (recorded in the ledger): the screen says
   * so and how it is paid, never "take your change" for it. `voucherPrinted`: a printed paper (the receipt,
   * or a separate voucher) covers `unpaidChangeYen` and is to be taken to the municipal office.
   * `receiptPrinted`: false when the receipt printer failed (the certificate is fine). Leave with `finish`.
   */
  screen('take-certificate', {
    copies: CopiesSchema,
    changeYen: YenSchema,
    unpaidChangeYen: YenSchema,
    voucherPrinted: z.boolean(),
    receiptPrinted: z.boolean(),
  }),
  screen('refunding', { amountYen: YenSchema, reason: CertificateRefundReasonSchema }),
  /**
   * The money went back: `amountYen` = `hopperYen` in coins + `voucherYen` on a printed refund voucher
   * (the hopper could not pay it all; staff pay the voucher): the fee, plus change the hopper could not
   * pay earlier. Leave with `finish`.
   */
  screen('refunded', {
    amountYen: YenSchema,
    hopperYen: YenSchema,
    voucherYen: YenSchema,
    method: z.enum(['hopper', 'voucher']),
    reason: CertificateRefundReasonSchema,
  }),
  /** The flow ended and its data was wiped; the screen ends the session (`session.end`). */
  screen('done', {}),
  /** Something the flow cannot continue from. `code`: a certificate error code or `card-*`, `internal`. */
  screen('error', { code: CertificateFlowErrorCodeSchema, message: z.string().max(500) }),
]);
export type CertificateViewState = z.infer<typeof CertificateViewStateSchema>;
export type CertificateScreen = CertificateViewState['screen'];

/** Every screen name, in the order a successful flow meets them (then the others). */
export const CERTIFICATE_SCREENS = CertificateViewStateSchema.options.map((option) => option.shape.screen.value);

/** `certificates.start`: begin the flow in the current `certificates` session (runs the preflight). */
export const CertificatesStartSchema = z.strictObject({});
export type CertificatesStart = z.infer<typeof CertificatesStartSchema>;

/** One key of the on-screen 12-key pad: a digit, clear (erase all), or enter. */
export const CertificatesPinKeySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('digit'), digit: z.int().min(0).max(9) }),
  z.strictObject({ type: z.literal('clear') }),
  z.strictObject({ type: z.literal('enter') }),
]);
export type CertificatesPinKey = z.infer<typeof CertificatesPinKeySchema>;

/** `certificates.quote`: price this order (the screen moves to `confirm`, or stays on `choose` with a refusal). */
export const CertificatesQuoteSchema = z.strictObject({ order: CertificateOrderSchema });
export type CertificatesQuote = z.infer<typeof CertificatesQuoteSchema>;

/** `certificates.confirm`, `.back`, `.cancel`, `.finish`: no payload. */
export const CertificatesEmptySchema = z.strictObject({});
export type CertificatesEmpty = z.infer<typeof CertificatesEmptySchema>;

/**
 * The ack of every command: `{ ok: true }` once the agent took it (the new screen follows as
 * `certificates.state`), or a failure: `invalid_message` (malformed), `conflict` (not possible on the
 * current screen, e.g. `confirm` on `pin`), `not_found` (no certificates session), `out_of_service`.
 */
export const CertificatesCommandAckSchema = resultSchema({});
export type CertificatesCommandAck = z.infer<typeof CertificatesCommandAckSchema>;

/** The ack of `certificates.quote`: the fee, or the hub's refusal (e.g. `no-seal-registration`). */
export const CertificatesQuoteAckSchema = z.union([
  z.strictObject({ ok: z.literal(true), unitFeeYen: YenSchema, copies: CopiesSchema, feeYen: YenSchema }),
  CertificateFailureSchema,
]);
export type CertificatesQuoteAck = z.infer<typeof CertificatesQuoteAckSchema>;

/** The screen's certificate commands, to be merged into `UiToAgentEvents`. */
export interface UiToAgentCertificateEvents {
  'certificates.state.get': (ack: (state: CertificateViewState) => void) => void;
  'certificates.start': (request: CertificatesStart, ack: (result: CertificatesCommandAck) => void) => void;
  'certificates.pinKey': (request: CertificatesPinKey, ack: (result: CertificatesCommandAck) => void) => void;
  'certificates.quote': (request: CertificatesQuote, ack: (result: CertificatesQuoteAck) => void) => void;
  'certificates.confirm': (request: CertificatesEmpty, ack: (result: CertificatesCommandAck) => void) => void;
  'certificates.back': (request: CertificatesEmpty, ack: (result: CertificatesCommandAck) => void) => void;
  'certificates.cancel': (request: CertificatesEmpty, ack: (result: CertificatesCommandAck) => void) => void;
  'certificates.finish': (request: CertificatesEmpty, ack: (result: CertificatesCommandAck) => void) => void;
}

/** What the agent pushes, to be merged into `AgentToUiEvents`. */
export interface AgentToUiCertificateEvents {
  'certificates.state': (state: CertificateViewState) => void;
}

export const uiToAgentCertificateSchemas = {
  'certificates.start': CertificatesStartSchema,
  'certificates.pinKey': CertificatesPinKeySchema,
  'certificates.quote': CertificatesQuoteSchema,
  'certificates.confirm': CertificatesEmptySchema,
  'certificates.back': CertificatesEmptySchema,
  'certificates.cancel': CertificatesEmptySchema,
  'certificates.finish': CertificatesEmptySchema,
} as const satisfies Partial<Record<keyof UiToAgentCertificateEvents, z.ZodType>>;

export const agentToUiCertificateSchemas = {
  'certificates.state': CertificateViewStateSchema,
} as const satisfies Record<keyof AgentToUiCertificateEvents, z.ZodType>;
