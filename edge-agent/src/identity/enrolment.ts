import {
  EnrolRequestSchema,
  EnrolResponseSchema,
  FailureSchema,
  type EnrolRequest,
  type ErrorCode,
} from '@kiosk/protocols';

export type EnrolmentFailure = 'refused' | 'unreachable' | 'bad-response' | 'bad-code';

export class EnrolmentError extends Error {
  constructor(
    readonly reason: EnrolmentFailure,
    message: string,
    readonly hubCode?: ErrorCode,
  ) {
    super(message);
  }

  /** Worth trying again later (hub down or failing), as opposed to a refusal a person must fix. */
  get retryable(): boolean {
    return this.reason === 'unreachable';
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

/** `POST {hub}/api/kiosks/enrol` with a one-time code and our public key; resolves with the kiosk id. */
export async function enrolWithHub(fetchFn: FetchLike, hubUrl: string, request: EnrolRequest, signal?: AbortSignal): Promise<string> {
  const body = EnrolRequestSchema.safeParse(request);
  if (!body.success) throw new EnrolmentError('bad-code', 'AGENT_ENROLMENT_CODE is not a valid enrolment code (8-64 characters)');
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchFn(`${hubUrl}/api/kiosks/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body.data),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw new EnrolmentError('unreachable', `hub at ${hubUrl} unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const json = await response.json().catch(() => null);
  if (response.status === 201 || response.status === 200) {
    const parsed = EnrolResponseSchema.safeParse(json);
    if (!parsed.success) throw new EnrolmentError('bad-response', `hub answered enrolment with an unexpected body (HTTP ${response.status})`);
    return parsed.data.kioskId;
  }
  if (response.status >= 500) throw new EnrolmentError('unreachable', `hub failed to enrol (HTTP ${response.status})`);
  const refusal = FailureSchema.safeParse(json);
  if (refusal.success) {
    throw new EnrolmentError('refused', `hub refused enrolment: ${refusal.data.error.code}: ${refusal.data.error.message}`, refusal.data.error.code);
  }
  throw new EnrolmentError('refused', `hub refused enrolment (HTTP ${response.status})`);
}
