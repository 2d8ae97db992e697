import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from '../logger';
import { confirmTrial, decideOnExit, rollBack } from './install-rules';
import type { InstallLayout, InstallState } from './install-state';

export interface SupervisorOptions {
  layout: InstallLayout;
  /** The package the supervisor belongs to: the `base` version's agent is its `dist/main.js`. */
  basePackageRoot: string;
  /** The agent's environment (the supervisor adds AGENT_INSTALL_ROOT). */
  env: NodeJS.ProcessEnv;
  /** How long a switched-to version has to declare itself healthy. */
  healthDeadlineMs: number;
  restartExitCode: number;
  logger: Logger;
  /** How often the health declaration is looked at. */
  pollMs?: number;
}

/**
 * Runs the active agent version and keeps the A/B promise (issue 19): systemd (or `npm start`'s run
 * script) runs this, and this runs the agent. The agent's restart code starts the active version
 * again, which after a switch is the new one, on trial: it must declare itself healthy
 * (`<install root>/health.json` naming its version and pid) within the deadline. If it exits first or
 * misses the deadline, the supervisor flips the state back to the previous version (recording why) and
 * starts it; that version reports `rolled-back` to the hub. SIGTERM/SIGINT stop the agent and then this.
 */
export class UpdateSupervisor {
  private child: ChildProcess | null = null;
  private stopping = false;
  private readonly pollMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.pollMs = options.pollMs ?? 250;
  }

  /** Resolves with the exit code for the supervisor's own process. */
  async run(): Promise<number> {
    const { layout, logger } = this.options;
    for (;;) {
      const state = layout.readState();
      const script = layout.mainScript(state.active, this.options.basePackageRoot);
      logger.info({ active: state.active, trial: state.trial?.version ?? null, script }, 'supervisor starting the agent');
      const child = spawn(process.execPath, [script], {
        env: { ...this.options.env, AGENT_INSTALL_ROOT: layout.root },
        stdio: 'inherit',
      });
      this.child = child;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', () => resolve({ code: 127, signal: null }));
      });
      let onTrial = state.trial !== null;
      if (state.trial) {
        const verdict = await this.watchTrial(state, child, exited);
        if (verdict === 'healthy') {
          layout.writeState(confirmTrial(layout.readState()));
          logger.info({ version: state.trial.version }, 'new version healthy: update confirmed');
          onTrial = false;
        } else if (verdict === 'deadline') {
          logger.error({ version: state.trial.version, deadlineMs: this.options.healthDeadlineMs }, 'new version missed its health deadline: rolling back');
          await this.stopChild(child, exited);
          this.rollBack(state, `the new version did not report healthy within ${Math.round(this.options.healthDeadlineMs / 1000)} s`);
          continue;
        }
      }
      const { code, signal } = await exited;
      this.child = null;
      const decision = decideOnExit({ onTrial, stopping: this.stopping, code, signal, restartCode: this.options.restartExitCode });
      if (decision.action === 'exit') return decision.code;
      if (decision.action === 'roll-back') {
        logger.error({ version: state.trial?.version, code, signal }, 'new version exited before it was healthy: rolling back');
        this.rollBack(state, decision.reason);
      }
    }
  }

  /** SIGTERM to the agent; `run` then resolves 0 once it has exited. */
  stop(): void {
    this.stopping = true;
    this.child?.kill('SIGTERM');
  }

  private rollBack(state: InstallState, reason: string): void {
    this.options.layout.writeState(rollBack(this.options.layout.readState(), reason, new Date()));
    this.options.logger.warn({ version: state.trial?.version, back: state.previous, reason }, 'rolled back to the previous version');
  }

  /** 'healthy' once the child declares it; 'deadline' when time runs out; 'exited' when it ends first. */
  private watchTrial(state: InstallState, child: ChildProcess, exited: Promise<unknown>): Promise<'healthy' | 'deadline' | 'exited'> {
    const version = state.trial?.version;
    return new Promise((resolve) => {
      const deadline = setTimeout(() => finish('deadline'), this.options.healthDeadlineMs);
      const poll = setInterval(() => {
        if (this.declaredHealthy(version, child.pid)) finish('healthy');
      }, this.pollMs);
      const finish = (verdict: 'healthy' | 'deadline' | 'exited'): void => {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve(verdict);
      };
      void exited.then(() => finish(this.declaredHealthy(version, child.pid) ? 'healthy' : 'exited'));
    });
  }

  private declaredHealthy(version: string | undefined, pid: number | undefined): boolean {
    try {
      const declared = JSON.parse(readFileSync(this.options.layout.healthFile, 'utf8')) as { version?: unknown; pid?: unknown };
      return declared.version === version && declared.pid === pid;
    } catch {
      return false;
    }
  }

  private async stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}
