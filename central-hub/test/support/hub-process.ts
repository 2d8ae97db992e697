import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const hubRoot = path.resolve(__dirname, '..', '..');

export interface ProcessLogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** The hub's real entry point (src/main.ts) as its own process, its JSON log lines collected. */
export class HubProcess {
  readonly lines: ProcessLogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private stderr = '';

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['-r', path.join(__dirname, 'register-ts.cjs'), path.join(hubRoot, 'src', 'main.ts')], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    let buffered = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          this.lines.push(JSON.parse(line) as ProcessLogLine);
        } catch {
          // Not a log line; ignored.
        }
      }
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-5000);
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForLog(msg: string, timeoutMs = 20_000): Promise<ProcessLogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => l.msg === msg);
      if (line) return line;
      if (!this.running || Date.now() > deadline) {
        throw new Error(`hub: no "${msg}" log line (running: ${this.running})\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL if still running, and wait for the exit: tests leave no process behind. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}
