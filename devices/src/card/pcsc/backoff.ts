/**
 * Bounded, jittered exponential backoff (style.md: reconnecting clients). Attempt 0 waits about `baseMs`,
 * each failure doubles it up to `maxMs`; the jitter (50–100 %) keeps a fleet of kiosks from retrying a
 * restarted service in lockstep. `random` is injected so tests are exact.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const PCSC_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 5000 };

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitter = 0.5 + 0.5 * Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * jitter);
}
