/**
 * TEST-ONLY fault injection, switched on by the KIOSK_CHAOS environment variable and never set in
 * production. It lets the cross-package tests crash the agent at the one instant that matters for
 * exactly-once delivery: after the hub committed a batch and acked it, before the agent deleted the rows.
 *
 *   KIOSK_CHAOS=agent-crash-on-ack:N   on the N-th successful batch ack, SIGKILL this process before
 *                                      deleting the acked rows.
 *
 * Values that do not start with `agent-` belong to other processes (the hub has its own) and are ignored.
 */
import type { Logger } from './logger';

export type ChaosMode = { kind: 'agent-crash-on-ack'; ackNumber: number };

export class ChaosConfigError extends Error {
  readonly code = 'bad_chaos_mode';
}

export function parseChaos(value: string | undefined): ChaosMode | null {
  if (value === undefined || value.trim() === '' || !value.startsWith('agent-')) return null;
  const crash = /^agent-crash-on-ack:([1-9][0-9]{0,8})$/.exec(value.trim());
  if (crash?.[1] !== undefined) return { kind: 'agent-crash-on-ack', ackNumber: Number(crash[1]) };
  throw new ChaosConfigError(`KIOSK_CHAOS: unknown agent fault "${value}" (known: agent-crash-on-ack:N)`);
}

/** The points in the agent where a fault can be injected. The default does nothing. */
export interface ChaosHooks {
  /** Called with the running count of successful batch acks, before the acked rows are deleted. */
  batchAcked(ackNumber: number): void;
}

export const noChaos: ChaosHooks = { batchAcked: () => undefined };

export function chaosHooks(
  mode: ChaosMode | null,
  logger: Logger,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): ChaosHooks {
  if (mode === null) return noChaos;
  logger.warn({ chaos: mode }, 'KIOSK_CHAOS fault injection is on (test only)');
  return {
    batchAcked(ackNumber) {
      if (ackNumber !== mode.ackNumber) return;
      logger.warn({ ackNumber }, 'chaos: SIGKILL before deleting acked rows');
      kill();
    },
  };
}
