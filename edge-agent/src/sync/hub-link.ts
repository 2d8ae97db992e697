import { FailureSchema, type Failure } from '@kiosk/protocols';
import { sleep } from '../clock';
import type { Logger } from '../logger';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { HubSession } from './hub-session';
import type { HubSocketFactory } from './socket-factory';

export type ConnectOutcome =
  | { kind: 'connected'; session: HubSession }
  | { kind: 'failed'; refusal: Failure | null; message: string }
  | { kind: 'stopped' };

export interface HubLinkDeps {
  socketFactory: HubSocketFactory;
  backoff: BackoffPolicy;
  ackTimeoutMs: number;
  logger: Logger;
  random?: () => number;
  /**
   * Runs one connected session; resolves when it is over (the link then reconnects). `failed` when the
   * hub took the connection but refused the session (e.g. hello), so retries keep backing off.
   */
  onSession(session: HubSession): Promise<'established' | 'failed'>;
  /** Every failed attempt, with the hub's structured refusal when it gave one. */
  onConnectFailed?(refusal: Failure | null): void;
}

/**
 * Our own reconnect loop around socket.io-client: one fresh socket per attempt, bounded jittered
 * backoff between attempts, reset after a successful connection. socket.io's reconnection and
 * connection-state recovery are not used: after every reconnect the outbox is the source of truth.
 */
export class HubLink {
  private stopped = false;
  private readonly abort = new AbortController();
  private current: { close(): void } | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly deps: HubLinkDeps) {}

  start(): void {
    if (this.loop) return;
    this.loop = this.run().catch((error: unknown) => {
      this.deps.logger.fatal({ err: error }, 'hub link loop crashed');
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.current?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const outcome = await this.connectOnce();
      if (outcome.kind === 'stopped') break;
      if (outcome.kind === 'connected') {
        let result: 'established' | 'failed' = 'failed';
        try {
          result = await this.deps.onSession(outcome.session);
        } catch (error) {
          this.deps.logger.error({ err: error }, 'hub session ended with an error');
        } finally {
          outcome.session.close('session ended');
        }
        failures = result === 'established' ? 0 : failures + 1;
      } else {
        failures += 1;
        this.deps.onConnectFailed?.(outcome.refusal);
      }
      if (this.stopped) break;
      const delay = backoffDelay(Math.max(failures, 1), this.deps.backoff, this.deps.random ?? Math.random);
      if (outcome.kind === 'failed') {
        // Loud for the first failures, then once in a while: a long outage must not flood the log.
        const level = failures <= 3 || failures % 20 === 0 ? 'warn' : 'debug';
        this.deps.logger[level](
          { attempt: failures, retryInMs: delay, code: outcome.refusal?.error.code, reason: outcome.message },
          'hub connection failed',
        );
      }
      await sleep(delay, this.abort.signal);
    }
  }

  private connectOnce(): Promise<ConnectOutcome> {
    const socket = this.deps.socketFactory();
    return new Promise<ConnectOutcome>((resolve) => {
      const finish = (outcome: ConnectOutcome): void => {
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
        this.abort.signal.removeEventListener('abort', onAbort);
        if (outcome.kind !== 'connected') {
          socket.removeAllListeners();
          socket.close();
          this.current = null;
        }
        resolve(outcome);
      };
      const onConnect = (): void => {
        const session = new HubSession(socket, this.deps.ackTimeoutMs);
        this.current = session;
        finish({ kind: 'connected', session });
      };
      const onError = (error: Error & { data?: unknown }): void => {
        const refusal = FailureSchema.safeParse(error.data);
        finish({ kind: 'failed', refusal: refusal.success ? refusal.data : null, message: error.message });
      };
      const onAbort = (): void => finish({ kind: 'stopped' });
      socket.once('connect', onConnect);
      socket.once('connect_error', onError);
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      this.current = socket;
      if (this.stopped) return finish({ kind: 'stopped' });
      socket.connect();
    });
  }
}
