/**
 * TEST-ONLY fault injection, switched on by the KIOSK_CHAOS environment variable and never set in
 * production. It lets the cross-package tests crash the agent at the one instant that matters for
 * exactly-once delivery: after the hub committed a batch and acked it, before the agent deleted the rows.
 *
 *   KIOSK_CHAOS=agent-crash-on-ack:N   on the N-th successful batch ack, SIGKILL this process before
 *                                      deleting the acked rows.
 *   KIOSK_CHAOS=agent-crash-after-payment   SIGKILL once a certificate fee is recorded paid (before issue).
 *   KIOSK_CHAOS=agent-crash-before-print    SIGKILL once a certificate is issued (before printing).
 *   KIOSK_CHAOS=agent-crash-after-credit:N  SIGKILL right after the N-th coin's commit (its outbox event and
 *                                      ledger credit), before any flow is told of it.
 *   KIOSK_CHAOS=agent-crash-at-money-step:N  SIGKILL right after the N-th money step of this process (any
 *                                      commit of the certificate ledger or the cash desk, or a hub answer,
 *                                      print or receipt not yet recorded: `MoneyStep`), wherever it falls:
 *                                      a payment, its issue and print, a refund, or the recovery at start.
 *   KIOSK_CHAOS=agent-crash-after-enrol     SIGKILL once the hub redeemed the enrolment code, before
 *                                      identity.json is saved (issue 15: the enrolment must be recoverable).
 *
 * Values that do not start with `agent-` belong to other processes (the hub has its own) and are ignored.
 * An agent fault is refused at start-up unless KIOSK_TEST_HOOKS=1 and the devices are not real
 * (config.ts `chaosRefusal`, issue 15).
 */
import type { LedgerEventType } from './certificates/ledger-rules';
import type { Logger } from './logger';

export type ChaosMode =
  | { kind: 'agent-crash-on-ack'; ackNumber: number }
  /** SIGKILL once a certificate fee is recorded as paid, before it is issued (certificates/certificate-flow.ts). */
  | { kind: 'agent-crash-after-payment' }
  /** SIGKILL once a certificate is issued, before it is printed. */
  | { kind: 'agent-crash-before-print' }
  /** SIGKILL right after the N-th coin of this process was committed (cash/cash-desk.ts), before a flow hears of it. */
  | { kind: 'agent-crash-after-credit'; coinNumber: number }
  /** SIGKILL right after the N-th money step of this process (certificates' ledger, cash desk, issue and print). */
  | { kind: 'agent-crash-at-money-step'; stepNumber: number }
  /** SIGKILL once the hub answered the enrolment, before the identity is saved (identity/ensure-identity.ts). */
  | { kind: 'agent-crash-after-enrol' };

export class ChaosConfigError extends Error {
  readonly code = 'bad_chaos_mode';
}

export function parseChaos(value: string | undefined): ChaosMode | null {
  if (value === undefined || value.trim() === '' || !value.startsWith('agent-')) return null;
  const crash = /^agent-crash-on-ack:([1-9][0-9]{0,8})$/.exec(value.trim());
  if (crash?.[1] !== undefined) return { kind: 'agent-crash-on-ack', ackNumber: Number(crash[1]) };
  const afterCredit = /^agent-crash-after-credit:([1-9][0-9]{0,8})$/.exec(value.trim());
  if (afterCredit?.[1] !== undefined) return { kind: 'agent-crash-after-credit', coinNumber: Number(afterCredit[1]) };
  const atMoneyStep = /^agent-crash-at-money-step:([1-9][0-9]{0,8})$/.exec(value.trim());
  if (atMoneyStep?.[1] !== undefined) return { kind: 'agent-crash-at-money-step', stepNumber: Number(atMoneyStep[1]) };
  if (value.trim() === 'agent-crash-after-payment') return { kind: 'agent-crash-after-payment' };
  if (value.trim() === 'agent-crash-before-print') return { kind: 'agent-crash-before-print' };
  if (value.trim() === 'agent-crash-after-enrol') return { kind: 'agent-crash-after-enrol' };
  throw new ChaosConfigError(
    `KIOSK_CHAOS: unknown agent fault "${value}" (known: agent-crash-on-ack:N, agent-crash-after-payment, agent-crash-before-print, agent-crash-after-credit:N, agent-crash-at-money-step:N, agent-crash-after-enrol)`,
  );
}

/**
 * A money boundary of a certificate transaction: every commit of its ledger or of the cash desk (named for
 * what was committed), and the instants where something happened outside that the ledger does not hold yet
 * (the hub issued, the certificate or the receipt printed). A crash right after any of them must leave the
 * money recoverable: what the drivers took, less what they paid out, is owed, and settled once.
 */
export type MoneyStep =
  | 'cash.credit'
  | 'cash.payout'
  | 'cash.voucher'
  | 'ledger:open'
  | `ledger:${LedgerEventType}`
  | 'ledger:refund-reported'
  | 'hub-issued-unrecorded'
  | 'certificate-printed-unrecorded'
  | 'receipt-printed';

/** The points in the agent where a fault can be injected. The default does nothing. */
export interface ChaosHooks {
  /** Called with the running count of successful batch acks, before the acked rows are deleted. */
  batchAcked(ackNumber: number): void;
  /** A certificate fee was recorded as paid (nothing issued yet). */
  certificatePaid(): void;
  /** A certificate was issued (nothing printed yet). */
  certificateIssued(): void;
  /** The N-th coin of this process was committed (outbox event and ledger credit together). */
  coinCommitted(coinNumber: number): void;
  /** A money step just happened (committed, or done outside and not yet committed). */
  moneyStep(step: MoneyStep): void;
  /** The hub redeemed the enrolment code for our key (identity.json not saved yet). */
  enrolmentRedeemed(): void;
}

export const noChaos: ChaosHooks = {
  batchAcked: () => undefined,
  certificatePaid: () => undefined,
  certificateIssued: () => undefined,
  coinCommitted: () => undefined,
  moneyStep: () => undefined,
  enrolmentRedeemed: () => undefined,
};

export function chaosHooks(
  mode: ChaosMode | null,
  logger: Logger,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): ChaosHooks {
  if (mode === null) return noChaos;
  logger.warn({ chaos: mode }, 'KIOSK_CHAOS fault injection is on (test only)');
  let moneySteps = 0;
  return {
    moneyStep(step) {
      if (mode.kind !== 'agent-crash-at-money-step') return;
      moneySteps += 1;
      if (moneySteps !== mode.stepNumber) return;
      logger.warn({ stepNumber: moneySteps, step }, 'chaos: SIGKILL right after a money step');
      kill();
    },
    certificatePaid() {
      if (mode.kind !== 'agent-crash-after-payment') return;
      logger.warn('chaos: SIGKILL after a certificate fee was paid');
      kill();
    },
    certificateIssued() {
      if (mode.kind !== 'agent-crash-before-print') return;
      logger.warn('chaos: SIGKILL after a certificate was issued, before printing');
      kill();
    },
    coinCommitted(coinNumber) {
      if (mode.kind !== 'agent-crash-after-credit' || coinNumber !== mode.coinNumber) return;
      logger.warn({ coinNumber }, 'chaos: SIGKILL right after a coin was committed');
      kill();
    },
    enrolmentRedeemed() {
      if (mode.kind !== 'agent-crash-after-enrol') return;
      logger.warn('chaos: SIGKILL after the hub redeemed the enrolment code, before the identity is saved');
      kill();
    },
    batchAcked(ackNumber) {
      if (mode.kind !== 'agent-crash-on-ack' || ackNumber !== mode.ackNumber) return;
      logger.warn({ ackNumber }, 'chaos: SIGKILL before deleting acked rows');
      kill();
    },
  };
}
