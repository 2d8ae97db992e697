import type { CommandReceipt } from '@kiosk/protocols';

/** What to do with a command that was just recorded (or found already recorded) in the inbox. */
export type CommandAction = 'execute' | 'expire' | 'none';

export interface CommandPlan {
  receipt: CommandReceipt;
  action: CommandAction;
}

/**
 * Pure rule for a received command. A replay is acked as a duplicate and nothing else happens (its result
 * went, or will go, through the outbox the first time). A command whose expiry has passed on arrival is
 * recorded and answered `expired` without being acted on: a test print queued for hours while the kiosk
 * was offline should not come out in front of a resident.
 */
export function planCommand(recorded: 'new' | 'duplicate', expiresAt: string, now: Date): CommandPlan {
  if (recorded === 'duplicate') return { receipt: { ok: true, duplicate: true }, action: 'none' };
  const expired = Date.parse(expiresAt) <= now.getTime();
  return { receipt: { ok: true, duplicate: false }, action: expired ? 'expire' : 'execute' };
}

/** The wire limit on `command.result` details; longer driver messages are cut, not refused. */
export const MAX_RESULT_DETAIL = 2000;

export function clipDetail(detail: string): string {
  return detail.length <= MAX_RESULT_DETAIL ? detail : `${detail.slice(0, MAX_RESULT_DETAIL - 1)}…`;
}
