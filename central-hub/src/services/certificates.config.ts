import type { MunicipalityCatalogue } from '../domain/certificates/catalogue';

/** What the certificates module was configured with, resolved at start-up (see certificates.module.ts). */
export interface CertificatesConfig {
  catalogues: ReadonlyMap<string, MunicipalityCatalogue>;
  /** How long a card challenge may be answered. */
  challengeTtlMs: number;
  /** How long a verified card session lasts (choice, card removal, payment, issue). */
  sessionTtlMs: number;
  /** Base of the public verify page the certificate's QR code points to (`<base>/verify/<code>`). */
  verifyBaseUrl: string;
  /** Demo only: the Japan time of day the service-hours rule judges (null: now). */
  demoServiceTime: string | null;
}
export const CERTIFICATES_CONFIG = 'CertificatesConfig';

export const DEFAULT_CHALLENGE_TTL_MS = 60_000;
export const DEFAULT_SESSION_TTL_MS = 15 * 60_000;
