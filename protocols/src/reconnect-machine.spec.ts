import { transition, type LinkEvent, type LinkState, type LinkTiming, type TransitionInput } from './reconnect-machine';

const timing: LinkTiming = { connectDeadlineMs: 3000, backoff: { minMs: 100, maxMs: 1600 } };
const input: TransitionInput = { timing, jitter: 0.5 };

/**
 * What the runner would hold after applying the effects so far: is a socket open, is the deadline or
 * the backoff timer armed, is a session handler running. The invariant under test is issue 12's:
 * the client is always connected, or has a timer that will move it on, or is stopped.
 */
interface World {
  state: LinkState;
  socketOpen: boolean;
  deadline: boolean;
  wait: boolean;
  session: boolean;
  failuresReported: number;
}

function attemptOf(state: LinkState): number | null {
  return 'attempt' in state ? state.attempt : null;
}

function step(world: World, event: LinkEvent): World {
  const { state, effects } = transition(world.state, event, input);
  const next = { ...world, state };
  if (event.type === 'session_ended' && event.attempt === attemptOf(world.state)) next.session = false;
  if (event.type === 'retry' && event.attempt === attemptOf(world.state)) next.wait = false;
  if (event.type === 'deadline' && event.attempt === attemptOf(world.state)) next.deadline = false;
  for (const effect of effects) {
    switch (effect.type) {
      case 'open':
        expect(next.socketOpen).toBe(false);
        expect(next.session).toBe(false);
        next.socketOpen = true;
        next.deadline = true;
        break;
      case 'clear_deadline':
        next.deadline = false;
        break;
      case 'run_session':
        next.session = true;
        break;
      case 'close':
        next.socketOpen = false;
        next.deadline = false;
        break;
      case 'wait':
        expect(next.session).toBe(false);
        expect(effect.ms).toBeGreaterThanOrEqual(timing.backoff.minMs);
        expect(effect.ms).toBeLessThanOrEqual(timing.backoff.maxMs);
        next.wait = true;
        break;
      case 'cancel_wait':
        next.wait = false;
        break;
      case 'report_failure':
        next.failuresReported += 1;
        break;
    }
  }
  return next;
}

/** The events the runner can deliver in this world (socket events only while its socket is open, …), plus stale ones. */
function possibleEvents(world: World): LinkEvent[] {
  const { state } = world;
  if (state.phase === 'idle') return [{ type: 'start' }, { type: 'stop' }];
  if (state.phase === 'stopped') return [{ type: 'stop' }, { type: 'start' }];
  const attempt = state.attempt;
  const events: LinkEvent[] = [{ type: 'stop' }, { type: 'start' }];
  if (world.socketOpen) {
    events.push({ type: 'connected', attempt }, { type: 'refused', attempt, error: new Error('refused') }, { type: 'disconnected', attempt, reason: 'transport close' });
  }
  if (world.deadline) events.push({ type: 'deadline', attempt });
  if (world.session) events.push({ type: 'established', attempt }, { type: 'session_ended', attempt });
  if (world.wait) events.push({ type: 'retry', attempt });
  // Late events of an earlier attempt must change nothing.
  events.push({ type: 'disconnected', attempt: attempt - 1, reason: 'late' }, { type: 'deadline', attempt: attempt - 1 }, { type: 'session_ended', attempt: attempt - 1 });
  return events;
}

function expectNeverStranded(world: World): void {
  const { state } = world;
  switch (state.phase) {
    case 'connecting':
    case 'authenticating':
      // Whatever the hub does (or does not do), the deadline moves this attempt on.
      expect(world).toMatchObject({ socketOpen: true, deadline: true, wait: false });
      break;
    case 'connected':
      expect(world).toMatchObject({ socketOpen: true, deadline: false, wait: false, session: true });
      break;
    case 'ending':
      // The socket is closed, so the session handler returns; its end arms the backoff.
      expect(world).toMatchObject({ socketOpen: false, deadline: false, wait: false, session: true });
      break;
    case 'backoff':
      expect(world).toMatchObject({ socketOpen: false, deadline: false, wait: true, session: false });
      break;
    case 'stopped':
      expect(world).toMatchObject({ socketOpen: false, deadline: false, wait: false });
      break;
    case 'idle':
      expect(world).toMatchObject({ socketOpen: false, deadline: false, wait: false, session: false });
      break;
  }
}

describe('reconnect machine', () => {
  const idle: World = { state: { phase: 'idle' }, socketOpen: false, deadline: false, wait: false, session: false, failuresReported: 0 };

  function run(...events: LinkEvent[]): World {
    return events.reduce(step, idle);
  }

  it('is never stranded, for every interleaving of up to 12 events', () => {
    let frontier: World[] = [idle];
    const seen = new Set<string>();
    let visited = 0;
    for (let depth = 0; depth < 12; depth++) {
      const next: World[] = [];
      for (const world of frontier) {
        for (const event of possibleEvents(world)) {
          const after = step(world, event);
          expectNeverStranded(after);
          visited += 1;
          const key = JSON.stringify({ ...after, failuresReported: Math.min(after.failuresReported, 3) });
          if (!seen.has(key)) {
            seen.add(key);
            next.push(after);
          }
        }
      }
      frontier = next;
    }
    expect(visited).toBeGreaterThan(seen.size);
    const phases = new Set([...seen].map((key) => (JSON.parse(key) as World).state.phase));
    expect([...phases].sort()).toEqual(['authenticating', 'backoff', 'connected', 'connecting', 'ending', 'stopped']);
  });

  it('counts a disconnect before the namespace handshake finished as a failure (no connect_error ever comes)', () => {
    const world = run({ type: 'start' }, { type: 'disconnected', attempt: 1, reason: 'transport close' });
    expect(world.state).toEqual({ phase: 'backoff', attempt: 1, failures: 1 });
    expect(world.failuresReported).toBe(1);
  });

  it('counts a disconnect before the hello ack as a failure, and waits for the session handler before retrying', () => {
    const ending = run({ type: 'start' }, { type: 'connected', attempt: 1 }, { type: 'disconnected', attempt: 1, reason: 'transport close' });
    expect(ending.state).toMatchObject({ phase: 'ending', failures: 1 });
    expect(step(ending, { type: 'retry', attempt: 1 }).state).toEqual(ending.state);
    expect(step(ending, { type: 'session_ended', attempt: 1 }).state).toEqual({ phase: 'backoff', attempt: 1, failures: 1 });
  });

  it('gives up an attempt at the deadline, before or after the namespace handshake', () => {
    expect(run({ type: 'start' }, { type: 'deadline', attempt: 1 }).state).toEqual({ phase: 'backoff', attempt: 1, failures: 1 });
    expect(run({ type: 'start' }, { type: 'connected', attempt: 1 }, { type: 'deadline', attempt: 1 }).state).toMatchObject({ phase: 'ending', failures: 1 });
  });

  it('clears the deadline once established, and a late deadline of that attempt changes nothing', () => {
    const connected = run({ type: 'start' }, { type: 'connected', attempt: 1 }, { type: 'established', attempt: 1 });
    expect(connected.state).toEqual({ phase: 'connected', attempt: 1 });
    expect(connected.deadline).toBe(false);
    expect(step(connected, { type: 'deadline', attempt: 1 }).state).toEqual(connected.state);
  });

  it('backs off exponentially over consecutive failures and from the first step again after an established session', () => {
    const delays: number[] = [];
    let state: LinkState = { phase: 'idle' };
    const apply = (event: LinkEvent): void => {
      const result = transition(state, event, { timing, jitter: 1 });
      state = result.state;
      for (const effect of result.effects) if (effect.type === 'wait') delays.push(effect.ms);
    };
    apply({ type: 'start' });
    for (let attempt = 1; attempt <= 5; attempt++) {
      apply({ type: 'refused', attempt, error: new Error('no') });
      apply({ type: 'retry', attempt });
    }
    apply({ type: 'connected', attempt: 6 });
    apply({ type: 'established', attempt: 6 });
    apply({ type: 'disconnected', attempt: 6, reason: 'transport close' });
    apply({ type: 'session_ended', attempt: 6 });
    // Jitter 1: each wait at its ceiling, 2·min on the first retry, doubling up to the maximum.
    expect(delays).toEqual([200, 400, 800, 1600, 1600, 200]);
  });

  it('stops from every phase, cancelling what is pending', () => {
    expect(transition({ phase: 'backoff', attempt: 2, failures: 2 }, { type: 'stop' }, input).effects).toEqual([{ type: 'cancel_wait', attempt: 2 }]);
    expect(transition({ phase: 'connecting', attempt: 2, failures: 2 }, { type: 'stop' }, input).effects).toEqual([{ type: 'close', attempt: 2 }]);
    const stopped = run({ type: 'start' }, { type: 'stop' }, { type: 'retry', attempt: 1 }, { type: 'start' });
    expect(stopped.state).toEqual({ phase: 'stopped' });
  });
});
