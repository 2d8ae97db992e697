import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApduTimeoutError, DriverStoppedError, PcscUnavailableError } from '../errors';
import { type CardLogger, errorText } from '../logger';
import { type HostEvent, type HostRequest, parseHostEvent } from './host-messages';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type HostCall = DistributiveOmit<HostRequest, 'id'>;
export type HostReply = Extract<HostEvent, { type: 'reply'; ok: true }>;
export type HostFailure = Extract<HostEvent, { type: 'reply'; ok: false }>;

/** A failed PC/SC call as the host reported it; PcscCardReader maps it to a typed CardError. */
export class HostCallError extends Error {
  constructor(readonly failure: HostFailure) {
    super(failure.message);
    this.name = 'HostCallError';
  }
}

export type HostExitReason = 'timeout' | 'crash' | 'stopped';

interface Pending {
  resolve: (reply: HostReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface HostClientOptions {
  /** PCSCLITE_CSOCK_NAME for the host; absent: libpcsclite's default (the system pcscd). */
  pcscSocketPath?: string;
  logger: CardLogger;
  onEvent: (event: HostEvent) => void;
  onExit: (reason: HostExitReason) => void;
}

/**
 * Runs pcsc-host in a child process and turns its IPC into promises, one per PC/SC call, each with a
 * timeout. A call that times out kills the host: the only way to get a wedged native call back.
 */
export class PcscHostClient {
  private child: ChildProcess | null = null;
  private exited: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exitReason: HostExitReason = 'crash';

  constructor(private readonly options: HostClientOptions) {}

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    if (this.child) return;
    const entry = hostEntry();
    const env = { ...process.env };
    if (this.options.pcscSocketPath) env.PCSCLITE_CSOCK_NAME = this.options.pcscSocketPath;
    const child = fork(entry.modulePath, [], {
      execArgv: entry.execArgv,
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    this.exitReason = 'crash';
    child.stderr?.on('data', (chunk: Buffer) => {
      this.options.logger.warn({ host: chunk.toString('utf8').trim().slice(0, 500) }, 'PC/SC host wrote to stderr');
    });
    child.on('message', (message: unknown) => {
      let event: HostEvent;
      try {
        event = parseHostEvent(message);
      } catch (error) {
        this.options.logger.error({ err: errorText(error) }, 'PC/SC host sent a malformed message');
        return;
      }
      if (event.type === 'reply') this.settle(event);
      else this.options.onEvent(event);
    });
    this.exited = new Promise((resolve) => {
      let done = false;
      const ended = (detail: object): void => {
        if (done) return;
        done = true;
        const reason = this.exitReason;
        this.child = null;
        this.options.logger.info({ ...detail, reason }, 'PC/SC host exited');
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          this.pending.delete(id);
          pending.reject(reason === 'stopped' ? new DriverStoppedError() : new PcscUnavailableError('the PC/SC client process exited'));
        }
        resolve();
        this.options.onExit(reason);
      };
      child.once('exit', (code, signal) => ended({ code, signal }));
      // A process that could not be started emits 'error' and no 'exit'.
      child.on('error', (error) => {
        this.options.logger.error({ err: errorText(error) }, 'PC/SC host process error');
        if (child.pid === undefined) ended({ spawnFailed: true });
      });
    });
  }

  /** One PC/SC call. Rejects with ApduTimeoutError (and restarts the host) after `timeoutMs`. */
  call(request: HostCall, timeoutMs: number, operation: string): Promise<HostReply> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new PcscUnavailableError('the PC/SC client process is not running'));
    const id = this.nextId++;
    return new Promise<HostReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApduTimeoutError(operation, timeoutMs));
        this.options.logger.warn({ operation, timeoutMs }, 'PC/SC call timed out; restarting the PC/SC client');
        this.exitReason = 'timeout';
        child.kill('SIGKILL');
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ ...request, id } satisfies HostRequest, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new PcscUnavailableError(`cannot reach the PC/SC client process: ${error.message}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.exitReason = 'stopped';
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  private settle(reply: Extract<HostEvent, { type: 'reply' }>): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return; // an answer after its timeout
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new HostCallError(reply));
  }
}

/** dist/: the compiled host next to this file. src/ (jest): the TypeScript host through ts-register.cjs. */
function hostEntry(): { modulePath: string; execArgv: string[] } {
  const built = path.join(__dirname, 'pcsc-host.js');
  if (existsSync(built)) return { modulePath: built, execArgv: [] };
  const source = path.join(__dirname, 'pcsc-host.ts');
  if (existsSync(source)) return { modulePath: source, execArgv: ['--require', path.join(__dirname, 'ts-register.cjs')] };
  throw new PcscUnavailableError(`the PC/SC host program is missing next to ${__filename}`);
}
