import type { InstallState } from './install-state';

/**
 * The A/B switch as pure transitions (issue 19). The agent switches (`switchTo`), the supervisor
 * confirms a healthy trial or rolls a failed one back; what each step writes is one whole state.
 */
export function switchTo(state: InstallState, version: string, now: Date): InstallState {
  if (state.active === version) throw new Error(`${version} is already the active version`);
  return { format: 1, active: version, previous: state.active, trial: { version, since: now.toISOString() }, rolledBack: null };
}

export function confirmTrial(state: InstallState): InstallState {
  return { ...state, trial: null };
}

export function rollBack(state: InstallState, reason: string, now: Date): InstallState {
  if (!state.trial || state.previous === null) throw new Error('nothing on trial to roll back');
  return {
    format: 1,
    active: state.previous,
    previous: null,
    trial: null,
    rolledBack: { version: state.trial.version, reason: reason.slice(0, 400), at: now.toISOString() },
  };
}

/** What the supervisor does when the agent it runs exits. */
export type ExitDecision =
  | { action: 'start-again' }
  | { action: 'roll-back'; reason: string }
  | { action: 'exit'; code: number };

/**
 * Pure: the agent exited with `code` (null: killed by `signal`). On trial, any exit before the new
 * version declared itself healthy is a failed trial. Otherwise the restart code (75) starts the
 * active version again (it may be a new one the agent just switched to); a clean stop or a crash ends
 * the supervisor with the same code, and systemd's Restart=always brings the whole unit back.
 */
export function decideOnExit(options: { onTrial: boolean; stopping: boolean; code: number | null; signal: string | null; restartCode: number }): ExitDecision {
  const { onTrial, stopping, code, signal, restartCode } = options;
  if (stopping) return { action: 'exit', code: 0 };
  if (onTrial) return { action: 'roll-back', reason: `the new version exited (${signal ?? `code ${String(code)}`}) before it reported healthy` };
  if (code === restartCode) return { action: 'start-again' };
  return { action: 'exit', code: code ?? 1 };
}
