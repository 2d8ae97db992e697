/**
 * The service-hours rule on the kiosk (pure). The hub tells the closing time when the preflight asks
 * (`certificates.availability`: open, closes at …). No payment step starts at or after it: a person who
 * reaches the payment at 23:00:02 is told the service has closed, and nothing is taken. A payment step that
 * began before it runs to its end: the certificate is issued and printed, or the money goes back; a
 * transaction already paid is never left stranded by the clock. The hub holds the same rule where it
 * accepts the issuance (judged at the instant the kiosk's payment step began).
 */
export function paymentMayStart(now: Date, closesAt: string | null): boolean {
  if (closesAt === null) return false; // no open service known: fail closed
  const closing = Date.parse(closesAt);
  return !Number.isNaN(closing) && now.getTime() < closing;
}
