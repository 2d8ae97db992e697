import { z } from 'zod';
import { CARD_CHECK_FAILURES, CardSignedChallengeSchema } from './card-auth';
import { InstantSchema, KioskIdSchema, YenSchema } from './common';
import { ErrorCodeSchema, ErrorIssueSchema } from './errors';
import { TransactionIdSchema } from './outbox-events';
import { CERTIFICATE_TYPES, MAX_COPIES, MAX_SELECTED_MEMBERS } from './ui-values';

export { MAX_COPIES, MAX_SELECTED_MEMBERS };

/**
 * Certificate issuance between the edge agent and the hub (socket.io `/agent`, acked requests) and the
 * public verification lookup. The agent never sends personal data to the hub: it names the resident
 * only through the card session the hub opened after checking the card's signature.
 */

export const CertificateTypeSchema = z.enum(CERTIFICATE_TYPES);
export type CertificateType = z.infer<typeof CertificateTypeSchema>;

export const CopiesSchema = z.int().min(1).max(MAX_COPIES);

/** A person in the resident's household or family register, as the hub identifies them (opaque). */
export const MemberIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'member id: 1-64 of a-z, 0-9, -');

export const FiscalYearSchema = z.int().min(1989).max(2200);

/** What the resident chose for each certificate type (住民票: whole household or selected members, …). */
export const CertificateOptionsSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('juminhyo'),
    scope: z.enum(['household', 'selected']),
    /** Required with `selected`, forbidden with `household`. */
    memberIds: z.array(MemberIdSchema).min(1).max(MAX_SELECTED_MEMBERS).optional(),
    /** 本籍・筆頭者 */
    includeDomicile: z.boolean(),
    /** 続柄 */
    includeRelationship: z.boolean(),
  }),
  z.strictObject({ type: z.literal('inkan') }),
  z.strictObject({
    type: z.literal('koseki'),
    /** 全部事項 (everyone in the register) or 個人事項 (one person: `memberId`, default the card holder). */
    scope: z.enum(['full', 'individual']),
    memberId: MemberIdSchema.optional(),
  }),
  z.strictObject({ type: z.literal('koseki-fuhyo'), includeDomicile: z.boolean() }),
  z.strictObject({ type: z.literal('kazei'), fiscalYear: FiscalYearSchema }),
]);
export type CertificateOptions = z.infer<typeof CertificateOptionsSchema>;

export const CertificateOrderSchema = z
  .strictObject({ options: CertificateOptionsSchema, copies: CopiesSchema })
  .superRefine((order, ctx) => {
    const options = order.options;
    if (options.type !== 'juminhyo') return;
    if (options.scope === 'selected' && !options.memberIds) {
      ctx.addIssue({ code: 'custom', path: ['options', 'memberIds'], message: 'selected members need memberIds' });
    }
    if (options.scope === 'household' && options.memberIds) {
      ctx.addIssue({ code: 'custom', path: ['options', 'memberIds'], message: 'memberIds only with scope "selected"' });
    }
    if (options.memberIds && new Set(options.memberIds).size !== options.memberIds.length) {
      ctx.addIssue({ code: 'custom', path: ['options', 'memberIds'], message: 'memberIds must not repeat' });
    }
  });
export type CertificateOrder = z.infer<typeof CertificateOrderSchema>;

/** Why the service is closed right now (06:30–23:00 JST, Dec 29–Jan 3, operator maintenance days). */
export const ServiceClosedReasonSchema = z.enum(['before-hours', 'after-hours', 'year-end-holidays', 'maintenance']);
export type ServiceClosedReason = z.infer<typeof ServiceClosedReasonSchema>;

export const ServiceAvailabilitySchema = z.discriminatedUnion('open', [
  z.strictObject({ open: z.literal(true), closesAt: InstantSchema }),
  z.strictObject({ open: z.literal(false), reason: ServiceClosedReasonSchema, reopensAt: InstantSchema.nullable() }),
]);
export type ServiceAvailability = z.infer<typeof ServiceAvailabilitySchema>;

/** Why a card was not accepted: the card check's reasons, or no resident of this municipality behind a valid card. */
export const CardAuthFailureReasonSchema = z.enum([...CARD_CHECK_FAILURES, 'unknown-resident']);
export type CardAuthFailureReason = z.infer<typeof CardAuthFailureReasonSchema>;

/** Why this resident cannot have this certificate (shown on the kiosk before any money). */
export const EligibilityReasonSchema = z.enum([
  'certificate-not-offered',
  'no-seal-registration',
  'no-family-register',
  'no-tax-record',
  'fiscal-year-unavailable',
  'member-not-in-household',
  'member-not-in-register',
]);
export type EligibilityReason = z.infer<typeof EligibilityReasonSchema>;

/** Refusals of the issuance flow itself. */
export const IssuanceRefusalReasonSchema = z.enum([
  'not-a-certificate-kiosk',
  'municipality-not-served',
  'session-unknown',
  'session-expired',
  'fee-mismatch',
  /** The transaction id was already used for a different request. */
  'idempotency-conflict',
  /** The transaction was refunded: it can never be issued. */
  'transaction-refunded',
  'refund-exceeds-payment',
]);
export type IssuanceRefusalReason = z.infer<typeof IssuanceRefusalReasonSchema>;

/**
 * Every failure of a certificate request: the generic protocol codes (snake_case, e.g. `invalid_message`)
 * plus the certificate reasons above (kebab-case), in the same `{ ok: false, error }` shape as `Failure`.
 */
export const CertificateErrorCodeSchema = z.enum([
  ...ErrorCodeSchema.options,
  ...ServiceClosedReasonSchema.options,
  ...CardAuthFailureReasonSchema.options,
  ...EligibilityReasonSchema.options,
  ...IssuanceRefusalReasonSchema.options,
]);
export type CertificateErrorCode = z.infer<typeof CertificateErrorCodeSchema>;

export const CertificateFailureSchema = z.strictObject({
  ok: z.literal(false),
  error: z.strictObject({ code: CertificateErrorCodeSchema, message: z.string(), issues: z.array(ErrorIssueSchema).optional() }),
});
export type CertificateFailure = z.infer<typeof CertificateFailureSchema>;

function certificateResult<T extends z.ZodRawShape>(shape: T) {
  return z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), ...shape }), CertificateFailureSchema]);
}

/** `certificates.availability`: may the kiosk start a certificate session now? (before any card or money) */
export const AvailabilityRequestSchema = z.strictObject({});
export type AvailabilityRequest = z.infer<typeof AvailabilityRequestSchema>;
export const AvailabilityResponseSchema = certificateResult({ municipality: z.string(), availability: ServiceAvailabilitySchema });
export type AvailabilityResponse = z.infer<typeof AvailabilityResponseSchema>;

/** `certificates.challenge`: a one-time challenge for the card to sign (32 random bytes). */
export const ChallengeRequestSchema = z.strictObject({});
export type ChallengeRequest = z.infer<typeof ChallengeRequestSchema>;
export const ChallengeResponseSchema = certificateResult({ challenge: z.base64(), expiresAt: InstantSchema });
export type ChallengeResponse = z.infer<typeof ChallengeResponseSchema>;

/**
 * `certificates.verify`: the card's user-authentication certificate (DER) and its PKCS#1 v1.5 signature
 * of the SHA-256 DigestInfo of the challenge.
 */
export const CardVerifyRequestSchema = CardSignedChallengeSchema;
export type CardVerifyRequest = z.infer<typeof CardVerifyRequestSchema>;

export const CardSessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'card session id');

export const HouseholdMemberSchema = z.strictObject({
  memberId: MemberIdSchema,
  nameJa: z.string(),
  /** 続柄 in the household (世帯主, 妻, 子, …). */
  relationship: z.string(),
  /** The card holder. */
  self: z.boolean(),
});
export type HouseholdMember = z.infer<typeof HouseholdMemberSchema>;

/** One line of the menu: the certificate, its unit fee, and whether this resident may order it. */
export const CertificateMenuItemSchema = z.strictObject({
  type: CertificateTypeSchema,
  nameJa: z.string(),
  nameEn: z.string(),
  unitFeeYen: YenSchema,
  available: z.boolean(),
  refusal: EligibilityReasonSchema.optional(),
  /** kazei: the fiscal years this resident may order. */
  fiscalYears: z.array(FiscalYearSchema).optional(),
  /** koseki: the people in the family register (for 個人事項). */
  registerMembers: z.array(z.strictObject({ memberId: MemberIdSchema, nameJa: z.string() })).optional(),
});
export type CertificateMenuItem = z.infer<typeof CertificateMenuItemSchema>;

export const CardVerifyResponseSchema = certificateResult({
  cardSessionId: CardSessionIdSchema,
  expiresAt: InstantSchema,
  municipality: z.string(),
  household: z.array(HouseholdMemberSchema),
  menu: z.array(CertificateMenuItemSchema),
});
export type CardVerifyResponse = z.infer<typeof CardVerifyResponseSchema>;

/** `certificates.quote`: the fee for an order (unit fee × copies), after the eligibility rules. */
export const QuoteRequestSchema = z.strictObject({ cardSessionId: CardSessionIdSchema, order: CertificateOrderSchema });
export type QuoteRequest = z.infer<typeof QuoteRequestSchema>;
export const QuoteResponseSchema = certificateResult({ unitFeeYen: YenSchema, copies: CopiesSchema, feeYen: YenSchema });
export type QuoteResponse = z.infer<typeof QuoteResponseSchema>;

/**
 * `certificates.issue`, sent once the fee was paid. `transactionId` is the idempotency key: a retry
 * with the same key and content returns the same issuance (`replayed: true`), never a second one.
 */
export const IssueRequestSchema = z.strictObject({
  transactionId: TransactionIdSchema,
  cardSessionId: CardSessionIdSchema,
  order: CertificateOrderSchema,
  /** What the kiosk collected for this order; must equal the quote. */
  paidFeeYen: YenSchema,
  /**
   * When the kiosk's payment step for it began (its clock). The service-hours rule: no payment step starts
   * at or after closing time, and one that began before it is completed (or refunded). The hub judges the
   * hours at this instant, bounded by the card session's opening and its own now; absent, at its now.
   */
  paymentOpenedAt: InstantSchema.optional(),
});
export type IssueRequest = z.infer<typeof IssueRequestSchema>;

export const VerificationCodeSchema = z.string().regex(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/, 'verification code');

export const IssuanceSchema = z.strictObject({
  issuanceId: z.uuidv7(),
  transactionId: TransactionIdSchema,
  certificateType: CertificateTypeSchema,
  copies: CopiesSchema,
  feeYen: YenSchema,
  serial: z.string(),
  verificationCode: VerificationCodeSchema,
  issuedAt: InstantSchema,
  municipality: z.string(),
});
export type Issuance = z.infer<typeof IssuanceSchema>;

export const IssueResponseSchema = certificateResult({
  issuance: IssuanceSchema,
  replayed: z.boolean(),
  /** The A4 certificate, one page per copy (application/pdf, base64). Personal data: print, then wipe. */
  pdf: z.base64(),
});
export type IssueResponse = z.infer<typeof IssueResponseSchema>;

/** `certificates.refund`: the kiosk paid the fee back (printing failed, hub lost mid-issue, …). */
export const RefundRequestSchema = z.strictObject({
  transactionId: TransactionIdSchema,
  amountYen: YenSchema,
  reason: z.enum(['print-failed', 'issue-failed', 'recovered-after-restart']),
  method: z.enum(['hopper', 'voucher']),
});
export type RefundRequest = z.infer<typeof RefundRequestSchema>;
export const RefundResponseSchema = certificateResult({
  duplicate: z.boolean(),
  /** An issuance existed for the transaction and is now void (its verification code says invalid). */
  voidedSerial: z.string().nullable(),
});
export type RefundResponse = z.infer<typeof RefundResponseSchema>;

/** REST `GET /api/verify/:code` (and the `/verify/<code>` page): no personal data, ever. */
export const VerificationResultSchema = z.discriminatedUnion('valid', [
  z.strictObject({
    valid: z.literal(true),
    certificateType: CertificateTypeSchema,
    certificateNameJa: z.string(),
    issuedAt: InstantSchema,
    municipality: z.string(),
    kioskId: KioskIdSchema,
    /** The serial (発行番号) and the number of copies printed, so a checker can match the paper (issue 17). */
    serial: z.string(),
    copies: z.number().int().min(1),
  }),
  z.strictObject({ valid: z.literal(false), reason: z.enum(['unknown', 'voided']) }),
]);
export type VerificationResult = z.infer<typeof VerificationResultSchema>;

/** socket.io events of certificate issuance on `/agent`, to be merged into `AgentToHubEvents`. */
export interface AgentToHubCertificateEvents {
  'certificates.availability': (request: AvailabilityRequest, ack: (result: AvailabilityResponse) => void) => void;
  'certificates.challenge': (request: ChallengeRequest, ack: (result: ChallengeResponse) => void) => void;
  'certificates.verify': (request: CardVerifyRequest, ack: (result: CardVerifyResponse) => void) => void;
  'certificates.quote': (request: QuoteRequest, ack: (result: QuoteResponse) => void) => void;
  'certificates.issue': (request: IssueRequest, ack: (result: IssueResponse) => void) => void;
  'certificates.refund': (request: RefundRequest, ack: (result: RefundResponse) => void) => void;
}

export const agentToHubCertificateSchemas = {
  'certificates.availability': AvailabilityRequestSchema,
  'certificates.challenge': ChallengeRequestSchema,
  'certificates.verify': CardVerifyRequestSchema,
  'certificates.quote': QuoteRequestSchema,
  'certificates.issue': IssueRequestSchema,
  'certificates.refund': RefundRequestSchema,
} as const satisfies Record<keyof AgentToHubCertificateEvents, z.ZodType>;

/** What the hub acks to `certificates.*` request `E`. */
export type CertificateResponseOf<E extends keyof AgentToHubCertificateEvents> = Parameters<Parameters<AgentToHubCertificateEvents[E]>[1]>[0];

/**
 * The schema of each answer, typed by its event (a mapped type, so a request made with a generic event
 * still gets its own answer's type): the agent's client and its test double parse with these.
 */
export const certificateResponseSchemas: { [E in keyof AgentToHubCertificateEvents]: z.ZodType<CertificateResponseOf<E>> } = {
  'certificates.availability': AvailabilityResponseSchema,
  'certificates.challenge': ChallengeResponseSchema,
  'certificates.verify': CardVerifyResponseSchema,
  'certificates.quote': QuoteResponseSchema,
  'certificates.issue': IssueResponseSchema,
  'certificates.refund': RefundResponseSchema,
};
