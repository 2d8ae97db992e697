import { CertificateOrderSchema, type CertificateOrder } from '@kiosk/protocols';
import { catalogueEntry, type MunicipalityCatalogue } from './catalogue';

export type Quote = { ok: true; unitFeeYen: number; copies: number; feeYen: number } | { ok: false; reason: 'certificate-not-offered' };

/**
 * The fee of an order: unit fee × copies, from the issuing municipality's catalogue. The order is parsed
 * again here (1–10 copies, valid options) so no caller can price something the wire would refuse.
 */
export function quoteFee(catalogue: MunicipalityCatalogue, order: CertificateOrder): Quote {
  const parsed = CertificateOrderSchema.parse(order);
  const entry = catalogueEntry(catalogue, parsed.options.type);
  if (!entry) return { ok: false, reason: 'certificate-not-offered' };
  return { ok: true, unitFeeYen: entry.unitFeeYen, copies: parsed.copies, feeYen: entry.unitFeeYen * parsed.copies };
}
