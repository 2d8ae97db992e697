import { z } from 'zod';

/**
 * Every refusal on a socket or REST boundary is one of these codes, with a human-readable message and,
 * for malformed input, the schema issues (paths and messages only: never the offending values, which
 * may be personal data).
 */
export const ErrorCodeSchema = z.enum([
  'invalid_message',
  'unsupported_protocol',
  'unknown_kiosk',
  'bad_signature',
  'replayed_handshake',
  'stale_handshake',
  'invalid_enrolment_code',
  'kiosk_mismatch',
  'not_authenticated',
  'unauthorized',
  'not_found',
  /** Authenticated, but this user's role or municipality does not allow it. */
  'forbidden',
  /** Too many failed attempts (logins): locked for a while. */
  'rate_limited',
  /** The request contradicts the current state (e.g. acknowledging a resolved alert). */
  'conflict',
  /** The kiosk was taken out of service by a technician; sessions are refused until it is back. */
  'out_of_service',
  // Facility lottery and booking (lottery.ts): rules that refused a well-formed request.
  /** Unknown user number or wrong PIN (deliberately not told apart). */
  'invalid_credentials',
  'account_locked',
  'registration_expired',
  'session_expired',
  /** Outside the window for this action (entry, confirmation, booking, cancellation). */
  'outside_window',
  /** A per-round cap (entries, hours); `issues[0].path` names which. */
  'cap_exceeded',
  /** The same person (any of their linked cards) already entered for this slot. */
  'duplicate_entry',
  /** A client request id reused with different content. */
  'idempotency_conflict',
  'slot_unavailable',
  /** The charge shown to the person is no longer the charge. */
  'stale_quote',
  /**
   * The hub is overloaded right now (its database connections are all taken, a statement ran past its
   * timeout): nothing was changed, the same request may be sent again later (REST adds `Retry-After`).
   */
  'busy',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorIssueSchema = z.strictObject({ path: z.string(), message: z.string() });
export type ErrorIssue = z.infer<typeof ErrorIssueSchema>;

export const ProtocolErrorSchema = z.strictObject({
  code: ErrorCodeSchema,
  message: z.string(),
  issues: z.array(ErrorIssueSchema).optional(),
});
export type ProtocolError = z.infer<typeof ProtocolErrorSchema>;

export const FailureSchema = z.strictObject({ ok: z.literal(false), error: ProtocolErrorSchema });
export type Failure = z.infer<typeof FailureSchema>;

/** A result carried in a socket.io ack: `{ ok: true, ...value }` or `{ ok: false, error }`. */
export function resultSchema<T extends z.ZodRawShape>(shape: T) {
  return z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), ...shape }), FailureSchema]);
}

/** Turns a zod failure into the wire form: where and what, without echoing the input. */
export function toIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

export function failure(code: ErrorCode, message: string, issues?: ErrorIssue[]): Failure {
  return issues ? { ok: false, error: { code, message, issues } } : { ok: false, error: { code, message } };
}

/** Parses untrusted input; returns the typed value or an `invalid_message` failure. */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): { ok: true; value: z.infer<S> } | Failure {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return failure('invalid_message', `malformed ${what}`, toIssues(parsed.error));
}
