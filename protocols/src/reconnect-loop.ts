import { transition, type LinkEffect, type LinkEvent, type LinkFailureCause, type LinkState, type LinkTiming } from './reconnect-machine';

/**
 * What the loop uses of a socket.io-client socket; a typed `Socket<…>` fits as it is. Created with
 * `autoConnect: false` and socket.io's own reconnection off: this loop owns every retry.
 */
export interface LinkSocket {
  connect(): unknown;
  close(): unknown;
  removeAllListeners(): unknown;
  on(event: 'connect', listener: () => void): unknown;
  on(event: 'connect_error', listener: (error: Error) => void): unknown;
  on(event: 'disconnect', listener: (reason: string) => void): unknown;
}

/** Runs `callback` after `ms`; the returned function cancels it. Injected so tests drive time themselves. */
export type Schedule = (ms: number, callback: () => void) => () => void;

export const systemSchedule: Schedule = (ms, callback) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

export interface LinkFailure {
  attempt: number;
  /** Consecutive failed attempts, this one included. */
  failures: number;
  retryInMs: number;
  cause: LinkFailureCause;
}

/** How a connection attempt ended: the session was established, or the attempt failed (or the loop stopped). */
export type ConnectAttemptOutcome = 'established' | 'failed';

export interface ReconnectLoopDeps<S extends LinkSocket> {
  timing: LinkTiming;
  schedule: Schedule;
  random: () => number;
  /** A fresh, not yet connected socket for each attempt (a fresh signed handshake each time). */
  openSocket(): S;
  /**
   * One session on a socket whose namespace handshake finished: greet the hub, call `established()`
   * once the greeting succeeded (until then the connect deadline runs), then work until the socket
   * goes. Must return once its socket is closed: the next attempt waits for it, so two sessions never
   * overlap. A rejection counts as the session ending; the caller logs its own errors.
   */
  runSession(socket: S, established: () => void): Promise<unknown>;
  /** Every failed attempt; must not throw. */
  onFailure?(failure: LinkFailure): void;
  /** Every state change (observability, tests). */
  onState?(state: LinkState): void;
}

/**
 * Applies `transition` (reconnect-machine.ts): owns the one socket of the current attempt, the deadline
 * and backoff timers, and the running session. On every failure the socket is closed and its listeners
 * removed, so nothing of a failed attempt lingers.
 */
export class ReconnectLoop<S extends LinkSocket> {
  private state: LinkState = { phase: 'idle' };
  private readonly queue: LinkEvent[] = [];
  private dispatching = false;
  private current: { attempt: number; socket: S } | null = null;
  private cancelDeadline: (() => void) | null = null;
  private cancelWait: (() => void) | null = null;
  private session: Promise<void> = Promise.resolve();
  /** The outcome of the attempt under way (connecting or authenticating), settled by the transition that ends it. */
  private outcome: { settled: Promise<ConnectAttemptOutcome>; settle: (outcome: ConnectAttemptOutcome) => void } | null = null;

  constructor(private readonly deps: ReconnectLoopDeps<S>) {}

  get phase(): LinkState['phase'] {
    return this.state.phase;
  }

  /** Whether a connection attempt is under way (its socket opening, or the session greeting the hub). */
  get attemptUnderWay(): boolean {
    return this.state.phase === 'connecting' || this.state.phase === 'authenticating';
  }

  /**
   * The outcome of the connection attempt under way, settled by the machine's transition out of it:
   * `established` when its session was, `failed` when it failed or the loop stopped. With no attempt
   * under way, the last one's (resolved at once: connected means established, else failed).
   */
  attemptOutcome(): Promise<ConnectAttemptOutcome> {
    if (this.outcome) return this.outcome.settled;
    return Promise.resolve(this.state.phase === 'connected' ? 'established' : 'failed');
  }

  start(): void {
    this.dispatch({ type: 'start' });
  }

  /** Closes the socket, cancels the timers and resolves once the running session handler (if any) returned. */
  async stop(): Promise<void> {
    this.dispatch({ type: 'stop' });
    await this.session;
  }

  /**
   * Events raised while applying effects (a socket's `disconnect` fires inside `close()`) are queued and
   * handled after the current one, so every transition sees the state the previous one left.
   */
  private dispatch(event: LinkEvent): void {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const { state, effects } = transition(this.state, next, { timing: this.deps.timing, jitter: this.deps.random() });
        if (state !== this.state) {
          this.state = state;
          this.trackAttempt();
          this.deps.onState?.(state);
        }
        for (const effect of effects) this.apply(effect);
      }
    } finally {
      this.dispatching = false;
    }
  }

  private apply(effect: LinkEffect): void {
    const { attempt } = effect;
    switch (effect.type) {
      case 'open':
        this.cancelDeadline = this.deps.schedule(effect.deadlineMs, () => this.dispatch({ type: 'deadline', attempt }));
        try {
          const socket = this.deps.openSocket();
          this.current = { attempt, socket };
          socket.on('connect', () => this.dispatch({ type: 'connected', attempt }));
          socket.on('connect_error', (error) => this.dispatch({ type: 'refused', attempt, error }));
          socket.on('disconnect', (reason) => this.dispatch({ type: 'disconnected', attempt, reason }));
          socket.connect();
        } catch (error) {
          // A factory that cannot even build a socket is one more failed attempt, never the end of the loop.
          this.dispatch({ type: 'refused', attempt, error });
        }
        return;
      case 'clear_deadline':
        this.clearDeadline();
        return;
      case 'run_session': {
        const socket = this.current?.attempt === attempt ? this.current.socket : null;
        if (!socket) return;
        const established = (): void => this.dispatch({ type: 'established', attempt });
        this.session = Promise.resolve()
          .then(() => this.deps.runSession(socket, established))
          .then(
            () => undefined,
            () => undefined,
          )
          .then(() => this.dispatch({ type: 'session_ended', attempt }));
        return;
      }
      case 'close': {
        this.clearDeadline();
        const open = this.current;
        if (open?.attempt !== attempt) return;
        this.current = null;
        // Close first, so the session's own `disconnect` listener still hears it; then drop every listener.
        open.socket.close();
        open.socket.removeAllListeners();
        return;
      }
      case 'report_failure':
        this.deps.onFailure?.({ attempt, failures: effect.failures, retryInMs: effect.retryInMs, cause: effect.cause });
        return;
      case 'wait':
        this.cancelWait = this.deps.schedule(effect.ms, () => this.dispatch({ type: 'retry', attempt }));
        return;
      case 'cancel_wait':
        this.cancelWait?.();
        this.cancelWait = null;
        return;
    }
  }

  /** Opens the outcome of a new attempt, and settles it once the state leaves the attempt. */
  private trackAttempt(): void {
    if (this.attemptUnderWay) {
      if (this.outcome) return;
      let settle: (outcome: ConnectAttemptOutcome) => void = () => undefined;
      const settled = new Promise<ConnectAttemptOutcome>((resolve) => (settle = resolve));
      this.outcome = { settled, settle };
      return;
    }
    const outcome = this.outcome;
    this.outcome = null;
    outcome?.settle(this.state.phase === 'connected' ? 'established' : 'failed');
  }

  private clearDeadline(): void {
    this.cancelDeadline?.();
    this.cancelDeadline = null;
  }
}
