import { HttpException, HttpStatus } from '@nestjs/common';
import {
  CardAuthFailureReasonSchema,
  EligibilityReasonSchema,
  ServiceClosedReasonSchema,
  type CardAuthFailureReason,
  type CertificateErrorCode,
  type CertificateFailure,
  type EligibilityReason,
  type ErrorIssue,
  type IssuanceRefusalReason,
  type ServiceClosedReason,
} from '@kiosk/protocols';
import { toFailure } from '../errors';

export type CertificateRefusalReason = ServiceClosedReason | CardAuthFailureReason | EligibilityReason | IssuanceRefusalReason;

/** What a person is told (in English; the kiosk shows its own translation of the code). */
const MESSAGES: Record<CertificateRefusalReason, string> = {
  'before-hours': 'certificate service opens at 06:30',
  'after-hours': 'certificate service closes at 23:00',
  'year-end-holidays': 'certificate service is closed from December 29 to January 3',
  maintenance: 'certificate service is closed for maintenance today',
  'challenge-unknown': 'the card check was not started here or was already used; please try again',
  'challenge-expired': 'the card check took too long; please try again',
  'malformed-certificate': 'the card certificate could not be read',
  'bad-signature': 'the card signature is not valid',
  'untrusted-chain': 'the card certificate was not issued by a trusted authority',
  'certificate-expired': 'the card certificate has expired; it can be renewed at the municipal office',
  'certificate-not-yet-valid': 'the card certificate is not valid yet',
  revoked: 'the card certificate has been revoked; please ask at the municipal office',
  'revocation-unknown': 'the card cannot be checked right now (no current revocation list)',
  'unknown-resident': 'no resident record is linked to this card in this service',
  'certificate-not-offered': 'this certificate is not issued at kiosks by the municipality',
  'no-seal-registration': 'no seal is registered; register a seal at the municipal office',
  'no-family-register': 'the family register is not held by this municipality',
  'no-tax-record': 'there is no tax record for that fiscal year',
  'fiscal-year-unavailable': 'certificates for that fiscal year are not issued at kiosks',
  'member-not-in-household': 'a selected person is not in the household',
  'member-not-in-register': 'the selected person is not in the family register',
  'not-a-certificate-kiosk': 'this terminal does not issue certificates',
  'municipality-not-served': 'certificates of this municipality are not issued by this service',
  'session-unknown': 'the card session is unknown; please place the card again',
  'session-expired': 'the card session has expired; please place the card again',
  'fee-mismatch': 'the amount paid does not match the fee',
  'idempotency-conflict': 'this transaction id was already used for another request',
  'transaction-refunded': 'this transaction was refunded and cannot be issued',
  'refund-exceeds-payment': 'the refund is larger than what was paid',
};

function statusOf(reason: CertificateRefusalReason): HttpStatus {
  if ((ServiceClosedReasonSchema.options as readonly string[]).includes(reason)) return HttpStatus.SERVICE_UNAVAILABLE;
  if ((CardAuthFailureReasonSchema.options as readonly string[]).includes(reason)) return HttpStatus.UNAUTHORIZED;
  if ((EligibilityReasonSchema.options as readonly string[]).includes(reason)) return HttpStatus.UNPROCESSABLE_ENTITY;
  if (reason === 'session-unknown' || reason === 'session-expired') return HttpStatus.UNAUTHORIZED;
  if (reason === 'not-a-certificate-kiosk') return HttpStatus.FORBIDDEN;
  return HttpStatus.CONFLICT;
}

/**
 * What the certificate services throw: a Nest exception whose body is already the wire
 * `CertificateFailure` (`{ ok: false, error: { code, message } }`), `code` being the reason.
 */
export class CertificateRefusal extends HttpException {
  readonly code: CertificateErrorCode;

  constructor(code: CertificateErrorCode, message: string, status: HttpStatus, issues?: ErrorIssue[]) {
    const body: CertificateFailure = issues ? { ok: false, error: { code, message, issues } } : { ok: false, error: { code, message } };
    super(body, status);
    this.code = code;
    this.message = `${code}: ${message}`;
  }

  get failure(): CertificateFailure {
    return this.getResponse() as CertificateFailure;
  }
}

export const refuse = (reason: CertificateRefusalReason): CertificateRefusal => new CertificateRefusal(reason, MESSAGES[reason], statusOf(reason));

export const invalidRequest = (message: string, issues?: ErrorIssue[]): CertificateRefusal =>
  new CertificateRefusal('invalid_message', message, HttpStatus.BAD_REQUEST, issues);

/** Any error as the wire form, for gateways' acks and the REST filter: refusals keep their reason. */
export function toCertificateFailure(error: unknown): { status: number; body: CertificateFailure } {
  if (error instanceof CertificateRefusal) return { status: error.getStatus(), body: error.failure };
  return toFailure(error);
}
