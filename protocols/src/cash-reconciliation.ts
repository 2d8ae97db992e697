import { z } from 'zod';
import { MunicipalityNameSchema } from './certificate-service';
import { InstantSchema, KioskIdSchema, YenSchema } from './common';
import { HopperCountSchema } from './hopper-count';
import { LocalDateSchema } from './lottery';

export * from './hopper-count';

/**
 * Cash reconciliation (issue 18): per kiosk and per collection period (the events between two
 * `cash.collected` events of the kiosk, in seq order), the hub's ledger against what the technician
 * counted when emptying the cash box. Yen are integers throughout.
 */

/** Longest range one report may cover (inclusive JST days). */
export const MAX_RECONCILIATION_DAYS = 366;

/**
 * `GET /api/cash/reconciliation?municipality=&from=&to=` (and `.csv`): the periods whose collection fell on
 * those JST days (inclusive), plus each kiosk's open period when `to` is today or later. Municipality
 * omitted: every municipality in the caller's scope.
 */
export const CashReconciliationQuerySchema = z
  .strictObject({ municipality: MunicipalityNameSchema.optional(), from: LocalDateSchema, to: LocalDateSchema })
  .superRefine((query, ctx) => {
    const days = (Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
    else if (days > MAX_RECONCILIATION_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_RECONCILIATION_DAYS} days` });
  });
export type CashReconciliationQuery = z.infer<typeof CashReconciliationQuerySchema>;

/**
 * Why a period needs a look:
 * - `counted-short` / `counted-over`: the technician counted less / more than the ledger's credits;
 * - `recorded-mismatch`: the kiosk's own cash box count differs from the credits the hub received;
 * - `not-counted`: the box was emptied without a count;
 * - `unsettled`: credits not accounted for by fees kept, hopper payouts and vouchers (a transaction
 *   still open, or straddling the collection);
 * - `hoppers-short` / `hoppers-over`: the technician found less / more in the hoppers than the previous
 *   collection left in them minus what the ledger says they paid out.
 */
export const CashFlagSchema = z.enum(['counted-short', 'counted-over', 'recorded-mismatch', 'not-counted', 'unsettled', 'hoppers-short', 'hoppers-over']);
export type CashFlag = z.infer<typeof CashFlagSchema>;

export const CashPeriodSchema = z.strictObject({
  kioskId: KioskIdSchema,
  municipality: z.string(),
  site: z.string(),
  /** `collected`: closed by a `cash.collected` event; `open`: since the last collection, not counted yet. */
  status: z.enum(['collected', 'open']),
  /** The previous collection (null: since the kiosk's first event). */
  startedAt: InstantSchema.nullable(),
  /** When the box was emptied (kiosk time); null for an open period. */
  collectedAt: InstantSchema.nullable(),
  cashBox: z.strictObject({
    coins: z.int().nonnegative(),
    /** What the box should hold: every coin credited in the period. */
    expectedYen: YenSchema,
    /** The kiosk's own count at the collection (null: open period). */
    recordedYen: YenSchema.nullable(),
    /** What the technician counted (null: not counted, or open). */
    countedYen: YenSchema.nullable(),
    /** Counted − expected (null when not counted). */
    differenceYen: z.int().nullable(),
  }),
  hoppers: z.strictObject({
    changePaidYen: YenSchema,
    refundsPaidYen: YenSchema,
    paidYen: YenSchema,
    /** What the previous collection left in the hoppers (null: no previous count). */
    startYen: YenSchema.nullable(),
    /** Start − paid out: what they should hold at this collection (null without a start). */
    expectedYen: z.int().nullable(),
    /** What the technician found in them at this collection (null: not counted, or open). */
    countedYen: YenSchema.nullable(),
    /** Counted − expected (null when either is unknown). */
    differenceYen: z.int().nullable(),
    /** What was left in them after refilling or emptying: the next period's start (null: not counted). */
    leftYen: YenSchema.nullable(),
    /** This collection's counts per hopper ([] when none were given). */
    counts: z.array(HopperCountSchema),
  }),
  /**
   * Issued at the kiosk when the hopper could not pay; redeemed at the office (outside the kiosk's cash):
   * `redeemedYen` of this period's vouchers recorded as paid out at the office so far, the rest outstanding.
   */
  vouchers: z.strictObject({ changeYen: YenSchema, refundYen: YenSchema, issuedYen: YenSchema, redeemedYen: YenSchema, outstandingYen: YenSchema }),
  fees: z.strictObject({ paidYen: YenSchema, refundedYen: YenSchema, earnedYen: YenSchema, issuances: z.int().nonnegative() }),
  /** Credited − fees earned − hopper payouts − vouchers: 0 when every yen taken is accounted for. */
  unsettledYen: z.int(),
  flags: z.array(CashFlagSchema),
});
export type CashPeriod = z.infer<typeof CashPeriodSchema>;

export const CashReconciliationReportSchema = z.strictObject({
  municipality: z.string().nullable(),
  from: LocalDateSchema,
  to: LocalDateSchema,
  generatedAt: InstantSchema,
  /** Per kiosk (by id), oldest period first. */
  periods: z.array(CashPeriodSchema),
});
export type CashReconciliationReport = z.infer<typeof CashReconciliationReportSchema>;

/** `POST /api/cash/vouchers/redemptions`: the office paid a voucher printed at a kiosk (its kiosk and transaction as printed). */
export const VoucherRedemptionRequestSchema = z.strictObject({
  kioskId: KioskIdSchema,
  transactionId: z.uuidv7(),
  /** The amount printed on the voucher: it picks the voucher when a transaction has more than one. */
  amountYen: z.int().positive().max(1_000_000),
  /** The office's own reference (a receipt number), optional. */
  note: z.string().trim().max(200).optional(),
});
export type VoucherRedemptionRequest = z.infer<typeof VoucherRedemptionRequestSchema>;

/** A voucher recorded as redeemed (once: a second redemption of the same voucher is refused, 409). */
export const VoucherRedemptionSchema = z.strictObject({
  kioskId: KioskIdSchema,
  transactionId: z.uuidv7(),
  amountYen: z.int().positive(),
  reason: z.enum(['change', 'refund']),
  /** When the kiosk printed it (kiosk time). */
  issuedAt: InstantSchema,
  redeemedAt: InstantSchema,
  redeemedBy: z.string(),
  note: z.string().nullable(),
});
export type VoucherRedemption = z.infer<typeof VoucherRedemptionSchema>;
