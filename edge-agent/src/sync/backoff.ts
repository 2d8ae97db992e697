export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential ceiling min·2^(attempt-1), capped at
 * max, with the delay drawn uniformly between min and that ceiling. Always within [min, max], so a
 * fleet that lost its hub at the same moment spreads its reconnects instead of arriving in one wave.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const { minMs, maxMs } = policy;
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(maxMs, minMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(minMs + jitter * (ceiling - minMs));
}
