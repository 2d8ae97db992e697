import { z } from 'zod';
import { CertificateTypeSchema, type CertificateType } from '@kiosk/protocols';
import type { CertificateFacts } from './facts';

/**
 * Each municipality on the hub has its own catalogue: which certificates its kiosks issue, at what fee,
 * the title of its mayor (printed on the certificate), the prefix of its serial numbers and its rule for
 * tax certificates. Facts (types, names, standard kiosk fees, hours) come from the facts file; a profile
 * says what differs for one municipality.
 */
const MonthDaySchema = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'MM-DD');

export const MunicipalityProfileSchema = z.strictObject({
  /** As in the facts file's participants, e.g. 豊中市. */
  municipality: z.string().min(1),
  mayorTitle: z.string().min(1),
  serialPrefix: z.string().regex(/^[0-9A-Z]{2,8}$/, '2-8 of 0-9, A-Z'),
  /** Default: every certificate of the facts file. */
  offered: z.array(CertificateTypeSchema).min(1).optional(),
  /** Fees that differ from the facts file's kiosk fees. */
  kioskFeesYen: z.partialRecord(CertificateTypeSchema, z.int().nonnegative()).optional(),
  /** The day (JST) a new fiscal year's tax certificate becomes available; earlier, the previous year is the latest. */
  taxCertificateReleasedOn: MonthDaySchema.default('06-01'),
  /** How many fiscal years back (the latest included) a tax certificate can be ordered. */
  taxYearsOffered: z.int().min(1).max(10).default(5),
});
export type MunicipalityProfile = z.input<typeof MunicipalityProfileSchema>;

/** Toyonaka, the municipality this project is seeded with. 27203 is its local-government code. */
export const TOYONAKA: MunicipalityProfile = { municipality: '豊中市', mayorTitle: '豊中市長', serialPrefix: '27203' };

export interface CatalogueEntry {
  type: CertificateType;
  nameJa: string;
  nameEn: string;
  unitFeeYen: number;
}

export interface TaxCertificateRule {
  releasedOn: string;
  years: number;
}

export interface MunicipalityCatalogue {
  municipality: string;
  mayorTitle: string;
  serialPrefix: string;
  entries: readonly CatalogueEntry[];
  taxRule: TaxCertificateRule;
  hours: { open: string; close: string; closedDays: readonly string[] };
}

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
  constructor(
    readonly municipality: string,
    message: string,
  ) {
    super(`${municipality}: ${message}`);
  }
}

/** The prefecture takes part in the facility system but issues none of these certificates. */
const NOT_ISSUING = new Set(['大阪府']);

/** Builds every municipality's catalogue; a profile that does not fit the facts is a start-up error. */
export function buildCatalogues(facts: CertificateFacts, profiles: readonly MunicipalityProfile[]): Map<string, MunicipalityCatalogue> {
  const issuance = facts.certificateIssuance;
  const participants = new Set(facts.sportsFacilityTerminals.participants);
  const catalogues = new Map<string, MunicipalityCatalogue>();
  const prefixes = new Set<string>();
  for (const input of profiles) {
    const parsed = MunicipalityProfileSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CatalogueError(input.municipality, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid profile'}`);
    }
    const profile = parsed.data;
    const name = profile.municipality;
    if (!participants.has(name) || NOT_ISSUING.has(name)) throw new CatalogueError(name, 'not a municipality of the shared system');
    if (catalogues.has(name)) throw new CatalogueError(name, 'profile given twice');
    if (prefixes.has(profile.serialPrefix)) throw new CatalogueError(name, `serial prefix ${profile.serialPrefix} already used`);
    prefixes.add(profile.serialPrefix);
    const offered = new Set(profile.offered ?? issuance.certificates.map((c) => c.code));
    for (const type of offered) {
      if (!issuance.certificates.some((c) => c.code === type)) throw new CatalogueError(name, `${type} is not in the facts file`);
    }
    const entries = issuance.certificates
      .filter((c) => offered.has(c.code))
      .map((c) => ({ type: c.code, nameJa: c.ja, nameEn: c.en, unitFeeYen: profile.kioskFeesYen?.[c.code] ?? c.kioskFeeYen }));
    catalogues.set(name, {
      municipality: name,
      mayorTitle: profile.mayorTitle,
      serialPrefix: profile.serialPrefix,
      entries,
      taxRule: { releasedOn: profile.taxCertificateReleasedOn, years: profile.taxYearsOffered },
      hours: { open: issuance.serviceHours.open, close: issuance.serviceHours.close, closedDays: issuance.closedDays },
    });
  }
  return catalogues;
}

export function catalogueEntry(catalogue: MunicipalityCatalogue, type: CertificateType): CatalogueEntry | undefined {
  return catalogue.entries.find((e) => e.type === type);
}
