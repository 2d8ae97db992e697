import { z } from 'zod';
import { provisionalReference } from './ui-values';
import { CARD_CHECK_FAILURES, CardSignedChallengeSchema } from './card-auth';
import { InstantSchema, YenSchema } from './common';
import { FacilityUserNumberSchema } from './device-panel';
import { ProtocolErrorSchema, resultSchema } from './errors';

/**
 * Facility lottery and booking: what street terminals (and later the internet channel) exchange with
 * the hub, and the public document of a draw that anyone can re-run. Dates and times of day are Japan
 * time (no daylight saving), instants are ISO-8601 with an offset.
 */

/** The prefecture and the municipalities that share the facility system (toyonaka-facts.json `participants`). */
export const MUNICIPALITIES = [
  '大阪府', '豊中市', '茨木市', '堺市', '高石市', '大阪狭山市', '熊取町', '池田市', '東大阪市',
  '吹田市', '和泉市', '高槻市', '河内長野市', '大阪市', '富田林市', '河南町', '太子町', '千早赤阪村',
] as const;
export const MunicipalitySchema = z.enum(MUNICIPALITIES);
export type Municipality = z.infer<typeof MunicipalitySchema>;

/** One lottery round per month and facility type. */
export const FacilityTypeSchema = z.enum(['gym', 'budo', 'sports-room', 'tennis', 'pool', 'baseball']);
export type FacilityType = z.infer<typeof FacilityTypeSchema>;

export const SportSchema = z.enum([
  'badminton', 'basketball', 'volleyball', 'table-tennis', 'futsal', 'dance', 'gymnastics',
  'judo', 'kendo', 'karate', 'aikido', 'kyudo', 'tennis', 'soft-tennis', 'swimming', 'baseball', 'softball',
]);
export type Sport = z.infer<typeof SportSchema>;

/** A calendar date in Japan, `YYYY-MM-DD`. */
export const LocalDateSchema = z.iso.date();
/** A time of day in Japan, `HH:MM`; `24:00` is the end of the day. */
export const LocalTimeSchema = z.string().regex(/^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'time: HH:MM (00:00-24:00)');
/** The month a round's slots are used in, `YYYY-MM`. */
export const UseMonthSchema = z.string().regex(/^[0-9]{4}-(?:0[1-9]|1[0-2])$/, 'month: YYYY-MM');

const slug = /^[a-z0-9][a-z0-9-]{2,47}$/;
export const FacilityIdSchema = z.string().regex(slug, 'facility id: 3-48 of a-z, 0-9, -');
export const UnitIdSchema = z.string().regex(slug, 'unit id: 3-48 of a-z, 0-9, -');
/** `<unitId>@<date>T<HHMM>`: readable, unique, and the same on every hub, so published draws can name slots. */
export const SlotIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{2,47}@[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{4}$/, 'slot id: <unit>@YYYY-MM-DDTHHMM');
export const RoundIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'round id: 3-64 of a-z, 0-9, -');
/** Printed on the receipt; also the entry's public reference in the published draw. */
export const EntryNumberSchema = z.string().regex(/^[0-9]{10}$/, 'entry number: 10 digits');
export const BookingNumberSchema = z.string().regex(/^[0-9]{10}$/, 'booking number: 10 digits');
/** The facility user's own 4-digit PIN (not the My Number card's). */
export const FacilityPinSchema = z.string().regex(/^[0-9]{4}$/, 'PIN: 4 digits');
/** 32 random bytes, base64url without padding. */
export const SessionTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'session token: 43 base64url characters');
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256: 64 lowercase hex digits');
/** SHA-256 of the DER of a My Number card's user-authentication certificate. */
export const CertificateFingerprintSchema = Sha256HexSchema;
/** Chosen by the terminal for each entry or booking attempt, so a retry or an offline re-send is the same request. */
export const ClientRequestIdSchema = z.uuid();

export const FacilityUnitViewSchema = z.strictObject({
  unitId: UnitIdSchema,
  name: z.string().min(1).max(100),
  nameEn: z.string().min(1).max(100),
  sports: z.array(SportSchema).min(1),
});
export const FacilityViewSchema = z.strictObject({
  facilityId: FacilityIdSchema,
  municipality: MunicipalitySchema,
  name: z.string().min(1).max(100),
  nameEn: z.string().min(1).max(100),
  facilityType: FacilityTypeSchema,
  /** A booking can be cancelled free of charge until the end of the day this many days before use. */
  cancelDeadlineDays: z.int().nonnegative(),
  units: z.array(FacilityUnitViewSchema).min(1),
});
export type FacilityView = z.infer<typeof FacilityViewSchema>;

/**
 * What a person may do with a slot right now: `upcoming-lottery` (the round's entry window has not
 * opened), `lottery-open`, `lottery-closed` (between entry close and first-come opening), `held` (won,
 * awaiting its winner's confirmation), `booked`, `available` (first-come), `past`.
 */
export const SlotStateSchema = z.enum(['upcoming-lottery', 'lottery-open', 'lottery-closed', 'held', 'booked', 'available', 'past']);
export type SlotState = z.infer<typeof SlotStateSchema>;
export const SlotViewSchema = z.strictObject({
  slotId: SlotIdSchema,
  unitId: UnitIdSchema,
  date: LocalDateSchema,
  start: LocalTimeSchema,
  end: LocalTimeSchema,
  feeYen: YenSchema,
  state: SlotStateSchema,
});
export type SlotView = z.infer<typeof SlotViewSchema>;

export const RoundPhaseSchema = z.enum([
  'announced', 'entry', 'awaiting-draw', 'awaiting-results', 'confirmation', 'release-hold', 'first-come', 'finished',
]);
export type RoundPhase = z.infer<typeof RoundPhaseSchema>;
export const RoundCapsSchema = z.strictObject({
  maxEntries: z.int().positive(),
  maxHours: z.int().positive(),
  maxWins: z.int().positive(),
});
export type RoundCaps = z.infer<typeof RoundCapsSchema>;
export const RoundViewSchema = z.strictObject({
  roundId: RoundIdSchema,
  municipality: MunicipalitySchema,
  facilityType: FacilityTypeSchema,
  useMonth: UseMonthSchema,
  /** `first-come-only`: created too late for a lottery (e.g. the current month at first start). */
  kind: z.enum(['lottery', 'first-come-only']),
  phase: RoundPhaseSchema,
  entryOpensAt: InstantSchema,
  entryClosesAt: InstantSchema,
  drawAt: InstantSchema,
  resultsAt: InstantSchema,
  confirmClosesAt: InstantSchema,
  firstComeOpensAt: InstantSchema,
  endsAt: InstantSchema,
  caps: RoundCapsSchema,
  /** SHA-256 of the seed, public from the round's creation (null for first-come-only rounds). */
  commitment: Sha256HexSchema.nullable(),
  /** The committed seed, revealed with the results (`resultsAt`), as is the draw document. */
  seed: Sha256HexSchema.nullable(),
  resultDigest: Sha256HexSchema.nullable(),
});
export type RoundView = z.infer<typeof RoundViewSchema>;

export const EntryResultSchema = z.enum(['pending', 'won-first', 'won-second', 'lost', 'void']);
export const ConfirmationStateSchema = z.enum(['none', 'pending', 'confirmed', 'declined', 'released', 'cancelled']);
export const EntryViewSchema = z.strictObject({
  entryId: z.uuidv7(),
  entryNumber: EntryNumberSchema,
  clientEntryId: ClientRequestIdSchema,
  roundId: RoundIdSchema,
  firstSlotId: SlotIdSchema,
  secondSlotId: SlotIdSchema.nullable(),
  status: z.enum(['active', 'cancelled', 'void']),
  channel: z.enum(['online', 'offline']),
  occurredAt: InstantSchema,
  acceptedAt: InstantSchema,
  /** `pending` until the round's results are published. */
  result: EntryResultSchema,
  wonSlotId: SlotIdSchema.nullable(),
  confirmation: ConfirmationStateSchema,
  confirmBy: InstantSchema.nullable(),
  /**
   * The result changed after it was published: an alternate promoted to a win when a winner declined or
   * let the deadline pass (absent: the result is the draw's). Whoever saw "lost" before must be told.
   */
  promoted: z.boolean().optional(),
});
export type EntryView = z.infer<typeof EntryViewSchema>;

export { provisionalReference };

export const BookingViewSchema = z.strictObject({
  bookingId: z.uuidv7(),
  bookingNumber: BookingNumberSchema,
  slotId: SlotIdSchema,
  source: z.enum(['lottery', 'first-come']),
  status: z.enum(['held', 'confirmed', 'declined', 'released', 'cancelled']),
  feeYen: YenSchema,
  createdAt: InstantSchema,
});
export type BookingView = z.infer<typeof BookingViewSchema>;

/** Shown before a cancellation: free until `freeUntil`, after it the fee is still charged. */
export const CancellationQuoteSchema = z.strictObject({
  bookingId: z.uuidv7(),
  feeYen: YenSchema,
  freeUntil: InstantSchema,
  chargeYen: YenSchema,
  cancellable: z.boolean(),
});
export type CancellationQuote = z.infer<typeof CancellationQuoteSchema>;

export const FacilityUserViewSchema = z.strictObject({
  municipality: MunicipalitySchema,
  expiresOn: LocalDateSchema,
  certificateLinked: z.boolean(),
});
export type FacilityUserView = z.infer<typeof FacilityUserViewSchema>;

// Requests from a terminal. Everything a person does carries the session from `lottery.signIn`.
const session = { sessionToken: SessionTokenSchema };

export const LotterySignInSchema = z.strictObject({ userNumber: FacilityUserNumberSchema, pin: FacilityPinSchema });
export type LotterySignIn = z.infer<typeof LotterySignInSchema>;
/** A refused sign-in may say how many tries are left, or until when the account is locked. */
export const LotterySignInAckSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), sessionToken: SessionTokenSchema, expiresAt: InstantSchema, user: FacilityUserViewSchema }),
  z.strictObject({
    ok: z.literal(false),
    error: ProtocolErrorSchema,
    attemptsLeft: z.int().nonnegative().optional(),
    lockedUntil: InstantSchema.optional(),
  }),
]);
export type LotterySignInAck = z.infer<typeof LotterySignInAckSchema>;

/**
 * Sign-in with a linked My Number card: a one-time challenge from the hub (the same card check as
 * certificate issuance: CardAuthService), the card's user-authentication certificate and its signature
 * of the challenge. The hub checks the card (chain, validity, CRL, signature) and finds the user card
 * of the terminal's municipality linked to the certificate's SHA-256 fingerprint. The card PIN never
 * leaves the terminal.
 */
export const LotteryCardChallengeRequestSchema = z.strictObject({});
export const LotteryCardChallengeAckSchema = resultSchema({ challenge: z.base64(), expiresAt: InstantSchema });
export type LotteryCardChallengeAck = z.infer<typeof LotteryCardChallengeAckSchema>;
/** The same signed challenge as `certificates.verify` (card-auth.ts). */
export const LotteryCardSignInSchema = CardSignedChallengeSchema;
export type LotteryCardSignIn = z.infer<typeof LotteryCardSignInSchema>;
/** Why a card was refused: `not-linked` (valid card, no user of this municipality linked to it) or the card check's reason. */
export const LotteryCardRefusalSchema = z.enum(['not-linked', ...CARD_CHECK_FAILURES]);
export type LotteryCardRefusal = z.infer<typeof LotteryCardRefusalSchema>;
/**
 * As `lottery.signIn`'s ack; a refused card also says why (`error.code`: `invalid_credentials` or `unauthorized`).
 * A signed-in card also gives the linked user card's number (printed on that person's own card, which the
 * card just proved they hold), so the terminal can show its own not-yet-sent offline entries taken with the
 * user card. It stays in the agent: never in the UI state, a log line or a receipt. Absent from older hubs.
 */
export const LotteryCardSignInAckSchema = z.discriminatedUnion('ok', [
  LotterySignInAckSchema.options[0].extend({ userNumber: FacilityUserNumberSchema.optional() }),
  z.strictObject({ ok: z.literal(false), error: ProtocolErrorSchema, cardRefusal: LotteryCardRefusalSchema.optional() }),
]);
export type LotteryCardSignInAck = z.infer<typeof LotteryCardSignInAckSchema>;

export const LotterySessionSchema = z.strictObject(session);
export type LotterySession = z.infer<typeof LotterySessionSchema>;
export const LotteryOkAckSchema = resultSchema({});
export type LotteryOkAck = z.infer<typeof LotteryOkAckSchema>;

export const LotteryFacilitiesRequestSchema = z.strictObject({ municipality: MunicipalitySchema });
export const LotteryFacilitiesAckSchema = resultSchema({ facilities: z.array(FacilityViewSchema) });
export type LotteryFacilitiesAck = z.infer<typeof LotteryFacilitiesAckSchema>;

/** At most 62 days per request, so one answer stays small. */
export const LotteryAvailabilityRequestSchema = z.strictObject({
  facilityId: FacilityIdSchema,
  from: LocalDateSchema,
  to: LocalDateSchema,
});
export type LotteryAvailabilityRequest = z.infer<typeof LotteryAvailabilityRequestSchema>;
export const LotteryAvailabilityAckSchema = resultSchema({
  facilityId: FacilityIdSchema,
  asOf: InstantSchema,
  slots: z.array(SlotViewSchema),
});
export type LotteryAvailabilityAck = z.infer<typeof LotteryAvailabilityAckSchema>;

export const LotteryRoundsRequestSchema = z.strictObject({ municipality: MunicipalitySchema });
/** `now`: the lottery's clock (the demo clock may run ahead of real time); the terminal's lottery screens use it. */
export const LotteryRoundsAckSchema = resultSchema({ rounds: z.array(RoundViewSchema), now: InstantSchema.optional() });
export type LotteryRoundsAck = z.infer<typeof LotteryRoundsAckSchema>;

export const LotteryEntrySubmitSchema = z.strictObject({
  ...session,
  clientEntryId: ClientRequestIdSchema,
  firstSlotId: SlotIdSchema,
  secondSlotId: SlotIdSchema.optional(),
  // No `offlineOccurredAt` (issue 15): an online entry is judged at the hub's time. An entry taken while
  // the terminal was offline reaches the hub only as a `lottery.entry.provisional` outbox event (OFFLINE.md).
});
export type LotteryEntrySubmit = z.infer<typeof LotteryEntrySubmitSchema>;
export const LotteryEntryAckSchema = resultSchema({ entry: EntryViewSchema });
export type LotteryEntryAck = z.infer<typeof LotteryEntryAckSchema>;

export const LotteryEntryRefSchema = z.strictObject({ ...session, entryId: z.uuidv7() });
export type LotteryEntryRef = z.infer<typeof LotteryEntryRefSchema>;
/**
 * Offline (provisional) entries. While the hub is unreachable a street terminal takes an entry with
 * the scanned user number and the person's facility PIN, and commits a `lottery.entry.provisional`
 * outbox event (outbox-events.ts). The PIN is never stored in clear on the terminal: it is sealed to
 * the hub with RSA-OAEP (SHA-256) under the hub's offline-entry key, which the terminal fetched with
 * `lottery.offlineKey` while online. The sealed plaintext binds the PIN to the user number and the
 * client entry id, so it cannot be replayed into another entry. The hub checks everything (PIN and
 * lock-out, registration, window by the event's `occurredAt` within the round's grace, caps,
 * duplicates) when the event arrives; the outcome appears in `lottery.entries` for that person at any
 * terminal. Contract: central-hub/src/domain/lottery/OFFLINE.md.
 */
export const OFFLINE_PIN_SEAL_ALGORITHM = 'RSA-OAEP-SHA256' as const;
export const OfflineEntryKeySchema = z.strictObject({
  /** Lowercase hex SHA-256 of the public key's SPKI DER: names the key a PIN was sealed under. */
  keyId: Sha256HexSchema,
  algorithm: z.literal(OFFLINE_PIN_SEAL_ALGORITHM),
  /** RSA public key, SPKI DER in standard base64 (with padding). */
  publicKey: z.base64().min(300).max(1200),
});
export type OfflineEntryKey = z.infer<typeof OfflineEntryKeySchema>;
export const LotteryOfflineKeyRequestSchema = z.strictObject({});
export const LotteryOfflineKeyAckSchema = resultSchema({ key: OfflineEntryKeySchema });
export type LotteryOfflineKeyAck = z.infer<typeof LotteryOfflineKeyAckSchema>;

/** What is sealed: `JSON.stringify` of exactly these members, UTF-8 encoded. */
/**
 * What a sealed PIN holds (OFFLINE.md §2). v1: sealed for one entry (older terminals). v2: sealed once per
 * offline sign-in, bound to its `offlineSessionId`, so the hub counts one PIN attempt per sign-in, not
 * per entry (issue 15).
 */
export const SealedPinPlaintextSchema = z.discriminatedUnion('v', [
  z.strictObject({
    v: z.literal(1),
    pin: FacilityPinSchema,
    userNumber: FacilityUserNumberSchema,
    clientEntryId: ClientRequestIdSchema,
  }),
  z.strictObject({
    v: z.literal(2),
    pin: FacilityPinSchema,
    userNumber: FacilityUserNumberSchema,
    offlineSessionId: ClientRequestIdSchema,
  }),
]);
export type SealedPinPlaintext = z.infer<typeof SealedPinPlaintextSchema>;
export const SealedPinSchema = z.strictObject({
  keyId: Sha256HexSchema,
  /** RSA-OAEP ciphertext (as long as the key's modulus), standard base64 with padding. */
  ciphertext: z.base64().min(340).max(700),
});
export type SealedPin = z.infer<typeof SealedPinSchema>;

/** The payload of a `lottery.entry.provisional` outbox event; the event's `occurredAt` is when the person made it. */
export const ProvisionalEntryPayloadSchema = z.strictObject({
  clientEntryId: ClientRequestIdSchema,
  /** From the scanned user card, in clear (it is printed on the card); also inside the sealed PIN. */
  userNumber: FacilityUserNumberSchema,
  roundId: RoundIdSchema,
  firstSlotId: SlotIdSchema,
  secondSlotId: SlotIdSchema.nullable(),
  sealedPin: SealedPinSchema,
  /** The offline sign-in this entry was made in: its entries carry one PIN sealed for it (v2). */
  offlineSessionId: ClientRequestIdSchema.optional(),
});
export type ProvisionalEntryPayload = z.infer<typeof ProvisionalEntryPayloadSchema>;

/** Why the hub rejected a provisional entry (OFFLINE.md lists what each means). */
export const ProvisionalRejectionSchema = z.enum([
  'sealed-pin-invalid',
  'unknown-user',
  'wrong-pin',
  'account-locked',
  'registration-expired',
  'window-not-open',
  'window-closed',
  'clock-ahead',
  'no-lottery',
  'invalid-choice',
  'duplicate-slot',
  'entry-cap',
  'hours-cap',
  'client-id-conflict',
]);
export type ProvisionalRejection = z.infer<typeof ProvisionalRejectionSchema>;
export const ProvisionalEntryViewSchema = z.strictObject({
  clientEntryId: ClientRequestIdSchema,
  roundId: RoundIdSchema,
  firstSlotId: SlotIdSchema,
  secondSlotId: SlotIdSchema.nullable(),
  /** The terminal's time of the entry (the event's `occurredAt`). */
  occurredAt: InstantSchema,
  receivedAt: InstantSchema,
  /** `pending`: received, not judged yet (normally a moment); then `accepted` or `rejected`, never changed again. */
  status: z.enum(['pending', 'accepted', 'rejected']),
  /** When accepted: the entry it became (also listed in `entries`, channel `offline`). */
  entryId: z.uuidv7().nullable(),
  entryNumber: EntryNumberSchema.nullable(),
  rejection: z.strictObject({ reason: ProvisionalRejectionSchema, message: z.string().min(1).max(300) }).nullable(),
  decidedAt: InstantSchema.nullable(),
});
export type ProvisionalEntryView = z.infer<typeof ProvisionalEntryViewSchema>;

/** `provisional`: the person's offline entries as the hub judged them (every card of their identity), newest first. */
export const LotteryEntriesAckSchema = resultSchema({
  entries: z.array(EntryViewSchema),
  provisional: z.array(ProvisionalEntryViewSchema),
});
export type LotteryEntriesAck = z.infer<typeof LotteryEntriesAckSchema>;

export const LotteryBookingCreateSchema = z.strictObject({ ...session, clientBookingId: ClientRequestIdSchema, slotId: SlotIdSchema });
export type LotteryBookingCreate = z.infer<typeof LotteryBookingCreateSchema>;
export const LotteryBookingAckSchema = resultSchema({ booking: BookingViewSchema });
export type LotteryBookingAck = z.infer<typeof LotteryBookingAckSchema>;
export const LotteryBookingRefSchema = z.strictObject({ ...session, bookingId: z.uuidv7() });
export type LotteryBookingRef = z.infer<typeof LotteryBookingRefSchema>;
export const LotteryCancelQuoteAckSchema = resultSchema({ quote: CancellationQuoteSchema });
export type LotteryCancelQuoteAck = z.infer<typeof LotteryCancelQuoteAckSchema>;
/** `acceptedChargeYen` is what the person was shown; a different charge now refuses the cancellation. */
export const LotteryBookingCancelSchema = z.strictObject({ ...session, bookingId: z.uuidv7(), acceptedChargeYen: YenSchema });
export type LotteryBookingCancel = z.infer<typeof LotteryBookingCancelSchema>;
export const LotteryBookingsAckSchema = resultSchema({ bookings: z.array(BookingViewSchema) });
export type LotteryBookingsAck = z.infer<typeof LotteryBookingsAckSchema>;

/**
 * The public record of one draw: with it anyone can check SHA-256(seed) = commitment and re-run the
 * draw (central-hub/src/domain/lottery/DRAW.md specifies the algorithm byte for byte). Entrants are
 * per-round pseudonyms; no name, user number or card appears.
 *
 * v1: the committed seed alone decided (rounds drawn before the witness existed; still re-runnable).
 * v2: the draw's randomness is `drawSeed = SHA-256(seed || UTF-8(witness.value))`, the witness value
 * being entered by the round's draw officer at the draw, so nobody holding the seed (a hub insider)
 * knows the result while entries are open (issue 15, item 8).
 */
export const PUBLISHED_DRAW_FORMAT_V1 = 'kiosk-lottery-draw/v1' as const;
export const PUBLISHED_DRAW_FORMAT_V2 = 'kiosk-lottery-draw/v2' as const;

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A witness value as the officer types it: 1 to 200 characters (a public value fixed after entries
 * closed, e.g. the winning numbers of a public lottery), no control characters, no white space at either
 * end, in Unicode NFC, so that the same text typed again gives the same bytes.
 */
export const DrawWitnessValueSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((v) => !CONTROL_CHARACTER.test(v), 'witness: no control characters')
  .refine((v) => v.trim() === v, 'witness: no white space at either end')
  .refine((v) => v.normalize('NFC') === v, 'witness: Unicode NFC');
/** Where the witness value comes from, so anyone can check it (e.g. "ロト6 第1950回 本数字"). */
export const DrawWitnessSourceSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((v) => v.trim() === v && !CONTROL_CHARACTER.test(v), 'source: one trimmed line, no control characters');
export const DrawWitnessSchema = z.strictObject({
  value: DrawWitnessValueSchema,
  source: DrawWitnessSourceSchema,
  /** When the officer entered it (ISO-8601, UTC, lottery clock): never before the round's `drawAt`. */
  enteredAt: InstantSchema,
});
export type DrawWitness = z.infer<typeof DrawWitnessSchema>;

const drawnRoundFields = {
  roundId: RoundIdSchema,
  municipality: MunicipalitySchema,
  facilityType: FacilityTypeSchema,
  useMonth: UseMonthSchema,
  commitment: Sha256HexSchema,
  /** The committed seed: SHA-256(seed) = commitment. */
  seed: Sha256HexSchema,
  drawnAt: InstantSchema,
  rules: z.strictObject({ maxWinsPerEntrant: z.int().positive().nullable() }),
  slots: z.array(
    z.strictObject({
      slotId: SlotIdSchema,
      unitId: UnitIdSchema,
      date: LocalDateSchema,
      start: LocalTimeSchema,
      end: LocalTimeSchema,
      capacity: z.int().positive(),
    }),
  ),
  entries: z.array(
    z.strictObject({
      ref: EntryNumberSchema,
      entrant: z.string().regex(/^[0-9a-f]{32}$/, 'entrant: 32 hex digits'),
      first: SlotIdSchema,
      second: SlotIdSchema.nullable(),
    }),
  ),
  /** SHA-256 of the draw's canonical text output (DRAW.md), so a re-run can be compared bit for bit. */
  resultDigest: Sha256HexSchema,
};
export const PublishedDrawV1Schema = z.strictObject({ format: z.literal(PUBLISHED_DRAW_FORMAT_V1), ...drawnRoundFields });
export const PublishedDrawV2Schema = z.strictObject({
  format: z.literal(PUBLISHED_DRAW_FORMAT_V2),
  ...drawnRoundFields,
  witness: DrawWitnessSchema,
  /** SHA-256(seed bytes || UTF-8(witness.value)): what the draw's random numbers are keyed by. */
  drawSeed: Sha256HexSchema,
});
export const PublishedDrawSchema = z.discriminatedUnion('format', [PublishedDrawV1Schema, PublishedDrawV2Schema]);
export type PublishedDrawV1 = z.infer<typeof PublishedDrawV1Schema>;
export type PublishedDrawV2 = z.infer<typeof PublishedDrawV2Schema>;
export type PublishedDraw = z.infer<typeof PublishedDrawSchema>;

/** The draw officer enters the witness at the draw (`POST /api/lottery/rounds/:roundId/witness`). */
export const DrawWitnessRequestSchema = z.strictObject({ value: DrawWitnessValueSchema, source: DrawWitnessSourceSchema });
export type DrawWitnessRequest = z.infer<typeof DrawWitnessRequestSchema>;
export const DrawWitnessResultSchema = z.strictObject({
  roundId: RoundIdSchema,
  witness: DrawWitnessSchema,
  /** Whether the round is drawn now (false: the draw failed and the scheduler retries with this witness). */
  drawn: z.boolean(),
});
export type DrawWitnessResult = z.infer<typeof DrawWitnessResultSchema>;
export const LotteryDrawRequestSchema = z.strictObject({ roundId: RoundIdSchema });
export const LotteryDrawAckSchema = resultSchema({ draw: PublishedDrawSchema });
export type LotteryDrawAck = z.infer<typeof LotteryDrawAckSchema>;

/**
 * Demo only (a hub started with HUB_SEED_DEMO_USERS=1): the lottery's clock can be moved forward by an
 * administrator, `POST /api/lottery/demo-clock` (central-hub/README.md), to the next milestone of a
 * round: its entry window opening, its results (the draw runs first), the close of its confirmation
 * window, first-come booking.
 */
export const DemoClockTargetSchema = z.enum(['entry-opens', 'results', 'confirmation-closed', 'first-come']);
export type DemoClockTarget = z.infer<typeof DemoClockTargetSchema>;
export const DemoClockAdvanceSchema = z.strictObject({ to: DemoClockTargetSchema });
export type DemoClockAdvance = z.infer<typeof DemoClockAdvanceSchema>;
export const DemoClockViewSchema = z.strictObject({
  /** The lottery's time now. */
  now: InstantSchema,
  /** How far it runs ahead of the hub's real clock. */
  offsetMs: z.int().nonnegative(),
  /** The next instant each target would move to (null: no round has one ahead). */
  next: z.strictObject({
    'entry-opens': z.strictObject({ at: InstantSchema, roundIds: z.array(RoundIdSchema) }).nullable(),
    results: z.strictObject({ at: InstantSchema, roundIds: z.array(RoundIdSchema) }).nullable(),
    'confirmation-closed': z.strictObject({ at: InstantSchema, roundIds: z.array(RoundIdSchema) }).nullable(),
    'first-come': z.strictObject({ at: InstantSchema, roundIds: z.array(RoundIdSchema) }).nullable(),
  }),
});
export type DemoClockView = z.infer<typeof DemoClockViewSchema>;
export const DemoClockAdvanceResultSchema = z.strictObject({
  from: InstantSchema,
  to: InstantSchema,
  /** Rounds drawn by the tick that ran right after the move. */
  drawn: z.array(RoundIdSchema),
  clock: DemoClockViewSchema,
});
export type DemoClockAdvanceResult = z.infer<typeof DemoClockAdvanceResultSchema>;

/**
 * socket.io events a street terminal sends to the hub on `/agent` for the lottery. Kept as their own
 * map so the fleet map stays small; the hub's agent gateway and the agent's client merge it in.
 */
export interface LotteryAgentToHubEvents {
  'lottery.signIn': (request: LotterySignIn, ack: (result: LotterySignInAck) => void) => void;
  'lottery.signOut': (request: LotterySession, ack: (result: LotteryOkAck) => void) => void;
  'lottery.cardChallenge': (request: z.infer<typeof LotteryCardChallengeRequestSchema>, ack: (result: LotteryCardChallengeAck) => void) => void;
  'lottery.signInWithCard': (request: LotteryCardSignIn, ack: (result: LotteryCardSignInAck) => void) => void;
  'lottery.facilities': (request: z.infer<typeof LotteryFacilitiesRequestSchema>, ack: (result: LotteryFacilitiesAck) => void) => void;
  'lottery.availability': (request: LotteryAvailabilityRequest, ack: (result: LotteryAvailabilityAck) => void) => void;
  'lottery.rounds': (request: z.infer<typeof LotteryRoundsRequestSchema>, ack: (result: LotteryRoundsAck) => void) => void;
  'lottery.entry.submit': (request: LotteryEntrySubmit, ack: (result: LotteryEntryAck) => void) => void;
  'lottery.entry.cancel': (request: LotteryEntryRef, ack: (result: LotteryEntryAck) => void) => void;
  'lottery.entry.confirm': (request: LotteryEntryRef, ack: (result: LotteryEntryAck) => void) => void;
  'lottery.entry.decline': (request: LotteryEntryRef, ack: (result: LotteryEntryAck) => void) => void;
  'lottery.entries': (request: LotterySession, ack: (result: LotteryEntriesAck) => void) => void;
  'lottery.booking.create': (request: LotteryBookingCreate, ack: (result: LotteryBookingAck) => void) => void;
  'lottery.booking.quote-cancel': (request: LotteryBookingRef, ack: (result: LotteryCancelQuoteAck) => void) => void;
  'lottery.booking.cancel': (request: LotteryBookingCancel, ack: (result: LotteryBookingAck) => void) => void;
  'lottery.bookings': (request: LotterySession, ack: (result: LotteryBookingsAck) => void) => void;
  'lottery.draw.published': (request: z.infer<typeof LotteryDrawRequestSchema>, ack: (result: LotteryDrawAck) => void) => void;
  'lottery.offlineKey': (request: z.infer<typeof LotteryOfflineKeyRequestSchema>, ack: (result: LotteryOfflineKeyAck) => void) => void;
}

/** What the hub parses each request with. */
export const lotteryAgentToHubSchemas = {
  'lottery.signIn': LotterySignInSchema,
  'lottery.signOut': LotterySessionSchema,
  'lottery.cardChallenge': LotteryCardChallengeRequestSchema,
  'lottery.signInWithCard': LotteryCardSignInSchema,
  'lottery.facilities': LotteryFacilitiesRequestSchema,
  'lottery.availability': LotteryAvailabilityRequestSchema,
  'lottery.rounds': LotteryRoundsRequestSchema,
  'lottery.entry.submit': LotteryEntrySubmitSchema,
  'lottery.entry.cancel': LotteryEntryRefSchema,
  'lottery.entry.confirm': LotteryEntryRefSchema,
  'lottery.entry.decline': LotteryEntryRefSchema,
  'lottery.entries': LotterySessionSchema,
  'lottery.booking.create': LotteryBookingCreateSchema,
  'lottery.booking.quote-cancel': LotteryBookingRefSchema,
  'lottery.booking.cancel': LotteryBookingCancelSchema,
  'lottery.bookings': LotterySessionSchema,
  'lottery.draw.published': LotteryDrawRequestSchema,
  'lottery.offlineKey': LotteryOfflineKeyRequestSchema,
} as const satisfies Record<keyof LotteryAgentToHubEvents, z.ZodType>;

/** What the terminal parses each answer with. */
export const lotteryHubAckSchemas = {
  'lottery.signIn': LotterySignInAckSchema,
  'lottery.signOut': LotteryOkAckSchema,
  'lottery.cardChallenge': LotteryCardChallengeAckSchema,
  'lottery.signInWithCard': LotteryCardSignInAckSchema,
  'lottery.facilities': LotteryFacilitiesAckSchema,
  'lottery.availability': LotteryAvailabilityAckSchema,
  'lottery.rounds': LotteryRoundsAckSchema,
  'lottery.entry.submit': LotteryEntryAckSchema,
  'lottery.entry.cancel': LotteryEntryAckSchema,
  'lottery.entry.confirm': LotteryEntryAckSchema,
  'lottery.entry.decline': LotteryEntryAckSchema,
  'lottery.entries': LotteryEntriesAckSchema,
  'lottery.booking.create': LotteryBookingAckSchema,
  'lottery.booking.quote-cancel': LotteryCancelQuoteAckSchema,
  'lottery.booking.cancel': LotteryBookingAckSchema,
  'lottery.bookings': LotteryBookingsAckSchema,
  'lottery.draw.published': LotteryDrawAckSchema,
  'lottery.offlineKey': LotteryOfflineKeyAckSchema,
} as const satisfies Record<keyof LotteryAgentToHubEvents, z.ZodType>;

export type LotteryEvent = keyof LotteryAgentToHubEvents;