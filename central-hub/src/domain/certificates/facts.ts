import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CertificateTypeSchema } from '@kiosk/protocols';

/**
 * The part of the shared facts file (`toyonaka-facts.json`) the certificate service is built from:
 * certificate types and fees, service hours, closed days, and the municipalities of the shared system.
 * Unknown keys elsewhere in the file are ignored; the ones read here are checked.
 */
const HhMmSchema = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM');
const MonthDaySchema = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'MM-DD');

export const CertificateFactsSchema = z.object({
  certificateIssuance: z.object({
    serviceHours: z.object({ open: HhMmSchema, close: HhMmSchema, timezone: z.literal('Asia/Tokyo') }),
    closedDays: z.array(MonthDaySchema),
    certificates: z
      .array(
        z.object({
          code: CertificateTypeSchema,
          ja: z.string().min(1),
          en: z.string().min(1),
          kioskFeeYen: z.int().nonnegative(),
          counterFeeYen: z.int().nonnegative(),
        }),
      )
      .min(1),
  }),
  sportsFacilityTerminals: z.object({ participants: z.array(z.string().min(1)).min(1) }),
});
export type CertificateFacts = z.infer<typeof CertificateFactsSchema>;

export class FactsFileError extends Error {
  override readonly name = 'FactsFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

export function parseCertificateFacts(json: unknown, file = 'facts'): CertificateFacts {
  const parsed = CertificateFactsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FactsFileError(file, `${issue?.path.join('.') ?? '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const facts = parsed.data;
  const codes = facts.certificateIssuance.certificates.map((c) => c.code);
  if (new Set(codes).size !== codes.length) throw new FactsFileError(file, 'a certificate code appears twice');
  const { open, close } = facts.certificateIssuance.serviceHours;
  if (open >= close) throw new FactsFileError(file, 'service hours close before they open');
  return facts;
}

/** Read once at start-up (a missing or malformed file stops the hub with the reason). */
export function loadCertificateFacts(file: string): CertificateFacts {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FactsFileError(file, `cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseCertificateFacts(json, file);
}
