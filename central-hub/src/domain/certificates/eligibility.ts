import type { CertificateMenuItem, CertificateOptions, EligibilityReason } from '@kiosk/protocols';
import { catalogueEntry, type MunicipalityCatalogue } from './catalogue';
import { availableFiscalYears } from './options';
import type { ResidentDossier } from './resident';

export type Eligibility = { ok: true } | { ok: false; reason: EligibilityReason };

const refuse = (reason: EligibilityReason): Eligibility => ({ ok: false, reason });
const OK: Eligibility = { ok: true };

/**
 * May this resident order this certificate with these options? Refusals carry the reason the kiosk shows
 * (no seal registration, no family register held here, no tax record for that year, …).
 */
export function checkEligibility(dossier: ResidentDossier, catalogue: MunicipalityCatalogue, options: CertificateOptions, now: Date): Eligibility {
  if (!catalogueEntry(catalogue, options.type)) return refuse('certificate-not-offered');
  switch (options.type) {
    case 'juminhyo': {
      if (options.scope === 'household') return OK;
      const household = new Set(dossier.household.members.map((m) => m.memberId));
      return (options.memberIds ?? []).every((id) => household.has(id)) ? OK : refuse('member-not-in-household');
    }
    case 'inkan':
      return dossier.seal ? OK : refuse('no-seal-registration');
    case 'koseki': {
      const register = dossier.familyRegister;
      if (!register) return refuse('no-family-register');
      if (options.scope === 'full') return OK;
      const memberId = options.memberId ?? dossier.residentId;
      return register.members.some((m) => m.memberId === memberId) ? OK : refuse('member-not-in-register');
    }
    case 'koseki-fuhyo':
      return dossier.familyRegister ? OK : refuse('no-family-register');
    case 'kazei': {
      if (!availableFiscalYears(now, catalogue.taxRule).includes(options.fiscalYear)) return refuse('fiscal-year-unavailable');
      return dossier.taxRecords.some((r) => r.fiscalYear === options.fiscalYear) ? OK : refuse('no-tax-record');
    }
  }
}

/** The kiosk's menu for this resident: every certificate the municipality offers, with why not where not. */
export function buildMenu(dossier: ResidentDossier, catalogue: MunicipalityCatalogue, now: Date): CertificateMenuItem[] {
  return catalogue.entries.map((entry) => {
    const base = { type: entry.type, nameJa: entry.nameJa, nameEn: entry.nameEn, unitFeeYen: entry.unitFeeYen };
    const verdict = (eligibility: Eligibility) =>
      eligibility.ok ? { available: true } : { available: false, refusal: eligibility.reason };
    switch (entry.type) {
      case 'juminhyo':
        return { ...base, available: true };
      case 'inkan':
        return { ...base, ...verdict(checkEligibility(dossier, catalogue, { type: 'inkan' }, now)) };
      case 'koseki': {
        const members = dossier.familyRegister?.members.map((m) => ({ memberId: m.memberId, nameJa: m.nameJa }));
        const eligibility = checkEligibility(dossier, catalogue, { type: 'koseki', scope: 'full' }, now);
        return { ...base, ...verdict(eligibility), ...(members ? { registerMembers: members } : {}) };
      }
      case 'koseki-fuhyo':
        return { ...base, ...verdict(checkEligibility(dossier, catalogue, { type: 'koseki-fuhyo', includeDomicile: false }, now)) };
      case 'kazei': {
        const years = availableFiscalYears(now, catalogue.taxRule).filter((y) => dossier.taxRecords.some((r) => r.fiscalYear === y));
        return years.length > 0 ? { ...base, available: true, fiscalYears: years } : { ...base, available: false, refusal: 'no-tax-record' as const };
      }
    }
  });
}
