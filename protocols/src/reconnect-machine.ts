/**
 * The connection loop of a hub client (the edge agent, and the simulated kiosks of the tests and
 * benches), as a pure transition function. Its one promise: at every instant the client is either
 * connected or on its way to a next attempt with a timer running, whatever the hub does in between.
 *
 * Why its own machine: socket.io-client reports a hub that vanishes after the websocket opened but
 * before the namespace handshake finished with `disconnect` only (no `connect_error`), and its connect
 * `timeout` covers the websocket opening only. A loop that waits for `connect` / `connect_error` alone
 * waits forever there (issue 12). Here one deadline covers the whole connect (websocket, namespace,
 * the session's own greeting such as the agent's hello ack) and any `disconnect` before the session is
 * established is a failure like any other.
 *
 *   idle ─start→ connecting ─connected→ authenticating ─established→ connected
 *                  │ refused / disconnected / deadline │ (same, or the session gave up) │ disconnected / session over
 *                  ▼                                   ▼                                ▼
 *               backoff ←──────── ending (socket closed, waiting for the session handler to return)
 *                  └─retry→ connecting                              any state ─stop→ stopped
 *
 * Every event names the attempt it belongs to; an event of an older attempt (a late `disconnect` from
 * a socket already closed) changes nothing.
 */

export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential ceiling min·2^(attempt-1), capped at
 * max, with the delay drawn uniformly between min and that ceiling. Always within [min, max], so a
 * fleet that lost its hub at the same moment spreads its reconnects instead of arriving in one wave.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const { minMs, maxMs } = policy;
  // The first retry already spreads over [min, 2·min]: after a hub restart a whole fleet fails at the
  // same instant, and a fixed first delay would bring it back in one wave.
  const exponent = Math.min(Math.max(attempt, 1), 30);
  const ceiling = Math.min(maxMs, minMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(minMs + jitter * (ceiling - minMs));
}

export interface LinkTiming {
  /** Whole connect, from opening the socket to the session saying it is established. */
  connectDeadlineMs: number;
  backoff: BackoffPolicy;
}

/** Why an attempt failed. `refused` carries the `connect_error` as received (the hub's refusal is in its `data`). */
export type LinkFailureCause =
  | { kind: 'refused'; error: unknown }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'deadline' }
  | { kind: 'session_failed' };

export type LinkState =
  | { phase: 'idle' }
  | { phase: 'connecting'; attempt: number; failures: number }
  | { phase: 'authenticating'; attempt: number; failures: number }
  | { phase: 'connected'; attempt: number }
  /** The socket is closed; the session handler still runs and must return before the next attempt. */
  | { phase: 'ending'; attempt: number; failures: number; retryInMs: number }
  | { phase: 'backoff'; attempt: number; failures: number }
  | { phase: 'stopped' };

export type LinkEvent =
  | { type: 'start' }
  /** The namespace handshake finished (`connect`). */
  | { type: 'connected'; attempt: number }
  | { type: 'refused'; attempt: number; error: unknown }
  | { type: 'disconnected'; attempt: number; reason: string }
  | { type: 'deadline'; attempt: number }
  /** The session's greeting succeeded (the agent's hello was acked): the connect is over. */
  | { type: 'established'; attempt: number }
  /** The session handler returned (or threw). */
  | { type: 'session_ended'; attempt: number }
  /** The backoff timer fired. */
  | { type: 'retry'; attempt: number }
  | { type: 'stop' };

export type LinkEffect =
  /** Make a fresh socket, listen to it, connect it, and arm the deadline timer. */
  | { type: 'open'; attempt: number; deadlineMs: number }
  | { type: 'clear_deadline'; attempt: number }
  /** Hand the connected socket to the session handler (it runs until it returns). */
  | { type: 'run_session'; attempt: number }
  /** Stop listening, close the socket, clear the deadline. Idempotent. */
  | { type: 'close'; attempt: number }
  | { type: 'report_failure'; attempt: number; failures: number; retryInMs: number; cause: LinkFailureCause }
  | { type: 'wait'; attempt: number; ms: number }
  | { type: 'cancel_wait'; attempt: number };

export interface LinkTransition {
  state: LinkState;
  effects: LinkEffect[];
}

/** `jitter` is one uniform draw in [0, 1) per call, so the function stays pure and the runner owns randomness. */
export interface TransitionInput {
  timing: LinkTiming;
  jitter: number;
}

const stay = (state: LinkState): LinkTransition => ({ state, effects: [] });

function open(attempt: number, failures: number, timing: LinkTiming): LinkTransition {
  return { state: { phase: 'connecting', attempt, failures }, effects: [{ type: 'open', attempt, deadlineMs: timing.connectDeadlineMs }] };
}

function failure(event: LinkEvent): LinkFailureCause | null {
  switch (event.type) {
    case 'refused':
      return { kind: 'refused', error: event.error };
    case 'disconnected':
      return { kind: 'disconnected', reason: event.reason };
    case 'deadline':
      return { kind: 'deadline' };
    case 'session_ended':
      return { kind: 'session_failed' };
    default:
      return null;
  }
}

export function transition(state: LinkState, event: LinkEvent, input: TransitionInput): LinkTransition {
  const retryIn = (failures: number): number => backoffDelay(Math.max(failures, 1), input.timing.backoff, () => input.jitter);

  if (event.type === 'stop') {
    switch (state.phase) {
      case 'connecting':
      case 'authenticating':
      case 'connected':
        return { state: { phase: 'stopped' }, effects: [{ type: 'close', attempt: state.attempt }] };
      case 'backoff':
        return { state: { phase: 'stopped' }, effects: [{ type: 'cancel_wait', attempt: state.attempt }] };
      default:
        return { state: { phase: 'stopped' }, effects: [] };
    }
  }
  if (event.type === 'start') return state.phase === 'idle' ? open(1, 0, input.timing) : stay(state);
  if (state.phase === 'idle' || state.phase === 'stopped' || event.attempt !== state.attempt) return stay(state);
  const { attempt } = state;

  switch (state.phase) {
    case 'connecting': {
      if (event.type === 'connected') {
        return { state: { phase: 'authenticating', attempt, failures: state.failures }, effects: [{ type: 'run_session', attempt }] };
      }
      const cause = failure(event);
      if (!cause) return stay(state);
      const failures = state.failures + 1;
      const retryInMs = retryIn(failures);
      return {
        state: { phase: 'backoff', attempt, failures },
        effects: [
          { type: 'close', attempt },
          { type: 'report_failure', attempt, failures, retryInMs, cause },
          { type: 'wait', attempt, ms: retryInMs },
        ],
      };
    }
    case 'authenticating': {
      if (event.type === 'established') return { state: { phase: 'connected', attempt }, effects: [{ type: 'clear_deadline', attempt }] };
      const cause = failure(event);
      if (!cause) return stay(state);
      const failures = state.failures + 1;
      const retryInMs = retryIn(failures);
      const report: LinkEffect = { type: 'report_failure', attempt, failures, retryInMs, cause };
      if (event.type === 'session_ended') {
        return { state: { phase: 'backoff', attempt, failures }, effects: [{ type: 'close', attempt }, report, { type: 'wait', attempt, ms: retryInMs }] };
      }
      // The session handler is still running on this socket: close it, then wait for the handler to return.
      return { state: { phase: 'ending', attempt, failures, retryInMs }, effects: [{ type: 'close', attempt }, report] };
    }
    case 'connected': {
      // A session that was established resets the backoff: the next attempt comes after the minimum delay.
      if (event.type === 'disconnected') {
        return { state: { phase: 'ending', attempt, failures: 0, retryInMs: retryIn(0) }, effects: [{ type: 'close', attempt }] };
      }
      if (event.type === 'session_ended') {
        const retryInMs = retryIn(0);
        return { state: { phase: 'backoff', attempt, failures: 0 }, effects: [{ type: 'close', attempt }, { type: 'wait', attempt, ms: retryInMs }] };
      }
      return stay(state);
    }
    case 'ending':
      if (event.type !== 'session_ended') return stay(state);
      return { state: { phase: 'backoff', attempt, failures: state.failures }, effects: [{ type: 'wait', attempt, ms: state.retryInMs }] };
    case 'backoff':
      return event.type === 'retry' ? open(attempt + 1, state.failures, input.timing) : stay(state);
  }
}
