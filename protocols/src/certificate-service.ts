import { z } from 'zod';
import { CertificateTypeSchema, MAX_COPIES, ServiceAvailabilitySchema, ServiceClosedReasonSchema } from './certificates';
import { InstantSchema, KioskIdSchema, YenSchema } from './common';
import { LocalDateSchema } from './lottery';

/**
 * The certificate service as operators see it over REST (technician console, scripts): the fee table,
 * the service calendar (open hours per JST day, year-end holidays, maintenance days), "open at time T?",
 * and the maintenance days administrators schedule and cancel. The hub answers from the same facts and
 * the same rule the kiosks are judged by.
 */

export const MunicipalityNameSchema = z.string().min(1).max(50);

/** Longest calendar one request may ask for (inclusive days). */
export const MAX_CALENDAR_DAYS = 92;

/** `GET /api/certificates/fees?municipality=`: omitted, every municipality in the caller's scope. */
export const FeeTableQuerySchema = z.strictObject({ municipality: MunicipalityNameSchema.optional() });
export type FeeTableQuery = z.infer<typeof FeeTableQuerySchema>;

export const FeeTableEntrySchema = z.strictObject({
  type: CertificateTypeSchema,
  nameJa: z.string(),
  nameEn: z.string(),
  unitFeeYen: YenSchema,
  /** The fee of 1, 2, … MAX_COPIES copies, as the kiosk quotes it (index 0: one copy). */
  feesYen: z.array(YenSchema).length(MAX_COPIES),
});
export type FeeTableEntry = z.infer<typeof FeeTableEntrySchema>;

export const MunicipalityFeeTableSchema = z.strictObject({
  municipality: z.string(),
  /** Daily hours (JST `HH:MM`) and the closed days of every year (`MM-DD`). */
  hours: z.strictObject({ open: z.string(), close: z.string(), closedDays: z.array(z.string()) }),
  entries: z.array(FeeTableEntrySchema),
});
export type MunicipalityFeeTable = z.infer<typeof MunicipalityFeeTableSchema>;

export const FeeTableSchema = z.strictObject({ municipalities: z.array(MunicipalityFeeTableSchema) });
export type FeeTable = z.infer<typeof FeeTableSchema>;

/** `GET /api/certificates/calendar?municipality=&from=&to=` (JST days, inclusive, at most MAX_CALENDAR_DAYS). */
export const ServiceCalendarQuerySchema = z
  .strictObject({ municipality: MunicipalityNameSchema, from: LocalDateSchema, to: LocalDateSchema })
  .superRefine((query, ctx) => {
    const days = (Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
    else if (days > MAX_CALENDAR_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_CALENDAR_DAYS} days` });
  });
export type ServiceCalendarQuery = z.infer<typeof ServiceCalendarQuerySchema>;

/** Closed all day: the year-end holidays or a maintenance day. */
export const ServiceDayClosedReasonSchema = ServiceClosedReasonSchema.extract(['year-end-holidays', 'maintenance']);
export type ServiceDayClosedReason = z.infer<typeof ServiceDayClosedReasonSchema>;

export const ServiceDaySchema = z.discriminatedUnion('open', [
  z.strictObject({ day: LocalDateSchema, open: z.literal(true), opensAt: InstantSchema, closesAt: InstantSchema }),
  z.strictObject({ day: LocalDateSchema, open: z.literal(false), reason: ServiceDayClosedReasonSchema }),
]);
export type ServiceDay = z.infer<typeof ServiceDaySchema>;

export const ServiceCalendarSchema = z.strictObject({ municipality: z.string(), days: z.array(ServiceDaySchema) });
export type ServiceCalendarView = z.infer<typeof ServiceCalendarSchema>;

/** `GET /api/certificates/availability?municipality=&at=`: the kiosks' answer at `at` (default: now). */
export const ServiceAvailabilityQuerySchema = z.strictObject({ municipality: MunicipalityNameSchema, at: InstantSchema.optional() });
export type ServiceAvailabilityQuery = z.infer<typeof ServiceAvailabilityQuerySchema>;

export const ServiceAvailabilityAtSchema = z.strictObject({ municipality: z.string(), at: InstantSchema, availability: ServiceAvailabilitySchema });
export type ServiceAvailabilityAt = z.infer<typeof ServiceAvailabilityAtSchema>;

/** `GET /api/certificates/maintenance-days?municipality=`: the days from today on (JST), municipality-wide and per kiosk. */
export const MaintenanceDayListQuerySchema = z.strictObject({ municipality: MunicipalityNameSchema });
export type MaintenanceDayListQuery = z.infer<typeof MaintenanceDayListQuerySchema>;

/** `kioskId` null: every kiosk of the municipality closes that day; otherwise only that kiosk. */
export const MaintenanceDaySchema = z.strictObject({ day: LocalDateSchema, kioskId: KioskIdSchema.nullable(), setAt: InstantSchema });
export type MaintenanceDay = z.infer<typeof MaintenanceDaySchema>;

export const MaintenanceDayListSchema = z.strictObject({ municipality: z.string(), days: z.array(MaintenanceDaySchema) });
export type MaintenanceDayList = z.infer<typeof MaintenanceDayListSchema>;

/**
 * `POST /api/certificates/maintenance-days` (schedule) and `DELETE /api/certificates/maintenance-days?municipality=&day=[&kioskId=]`
 * (cancel): administrators of that municipality, audited. Without `kioskId` every kiosk of the
 * municipality closes that day; with it, only that kiosk (one of the municipality's).
 */
export const MaintenanceDayRequestSchema = z.strictObject({ municipality: MunicipalityNameSchema, day: LocalDateSchema, kioskId: KioskIdSchema.optional() });
export type MaintenanceDayRequest = z.infer<typeof MaintenanceDayRequestSchema>;

/** `changed: false`: the day was already scheduled (or, when cancelling, was not). */
export const MaintenanceDayChangeSchema = z.strictObject({
  municipality: z.string(),
  day: LocalDateSchema,
  kioskId: KioskIdSchema.nullable(),
  scheduled: z.boolean(),
  changed: z.boolean(),
});
export type MaintenanceDayChange = z.infer<typeof MaintenanceDayChangeSchema>;
