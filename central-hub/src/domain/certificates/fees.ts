import { CertificateOrderSchema, MAX_COPIES, type CertificateOrder, type FeeTableEntry } from '@kiosk/protocols';
import { catalogueEntry, type CatalogueEntry, type MunicipalityCatalogue } from './catalogue';

export type Quote = { ok: true; unitFeeYen: number; copies: number; feeYen: number } | { ok: false; reason: 'certificate-not-offered' };

/**
 * The fee of an order: unit fee × copies, from the issuing municipality's catalogue. The order is parsed
 * again here (1–10 copies, valid options) so no caller can price something the wire would refuse.
 */
export function quoteFee(catalogue: MunicipalityCatalogue, order: CertificateOrder): Quote {
  const parsed = CertificateOrderSchema.parse(order);
  const entry = catalogueEntry(catalogue, parsed.options.type);
  if (!entry) return { ok: false, reason: 'certificate-not-offered' };
  return { ok: true, unitFeeYen: entry.unitFeeYen, copies: parsed.copies, feeYen: feeOf(entry, parsed.copies) };
}

function feeOf(entry: CatalogueEntry, copies: number): number {
  return entry.unitFeeYen * copies;
}

/** The fee table operators read: each certificate the municipality offers, and its fee for 1 … MAX_COPIES copies. */
export function feeTable(catalogue: MunicipalityCatalogue): FeeTableEntry[] {
  return catalogue.entries.map((entry) => ({
    type: entry.type,
    nameJa: entry.nameJa,
    nameEn: entry.nameEn,
    unitFeeYen: entry.unitFeeYen,
    feesYen: Array.from({ length: MAX_COPIES }, (_, i) => feeOf(entry, i + 1)),
  }));
}
