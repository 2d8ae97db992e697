import { spawn } from 'node:child_process';
import path from 'node:path';
import { NodeProcess, type LogEntry } from '../../../test/support/processes';

const hubRoot = path.resolve(__dirname, '..', '..');

export type ProcessLogLine = LogEntry;

/** The hub's real entry point (src/main.ts) as its own process, its JSON log lines collected. */
export class HubProcess {
  private readonly process: NodeProcess;

  constructor(env: Record<string, string>) {
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'register-ts.cjs'), path.join(hubRoot, 'src', 'main.ts')], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = new NodeProcess('hub', child);
  }

  get lines(): ProcessLogLine[] {
    return this.process.logs;
  }

  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.process.exited;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** The first log line (past or future) whose message is `msg`. */
  waitForLog(msg: string, timeoutMs = 20_000): Promise<ProcessLogLine> {
    return this.process.waitForLog((line) => line.msg === msg, timeoutMs);
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** SIGKILL if still running, and wait for the exit: tests leave no process behind. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}
