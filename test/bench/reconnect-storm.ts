/**
 * The reconnect storm of issue 12: N kiosks connected, the hub SIGKILLed, two events queued on every
 * kiosk while it is gone, the hub started again on the same port. Every simulated kiosk reconnects with
 * the agent's own ReconnectLoop (protocols reconnect-loop.ts) and the agent's default timing, a fresh
 * signed handshake per attempt, then says hello and sends what the hub has not acknowledged, as the
 * agent's outbox does. Prints the seconds until every kiosk is connected and every event acknowledged
 * (the hub acks a batch only after its commit), how many never came back, the failed attempts by cause,
 * and how long `/health` went unanswered. Figures, never assertions.
 */
import { io } from 'socket.io-client';
import {
  AGENT_NAMESPACE,
  BatchAckSchema,
  HelloAckSchema,
  PROTOCOL_VERSION,
  ReconnectLoop,
  systemSchedule,
  type LinkFailureCause,
  type LinkTiming,
  type OutboxEvent,
} from '@kiosk/protocols';
import { signedAuth, type AgentSocket } from '../support/kiosk-client';
import type { TestSystem } from '../support/system';
import { cashCredit, sleep, type SimulatedKiosk } from './fleet-probes';

/** The agent's defaults: AGENT_RECONNECT_MIN_MS / _MAX_MS, and its connect deadline from AGENT_ACK_TIMEOUT_MS. */
const ACK_TIMEOUT_MS = 10_000;
const AGENT_TIMING: LinkTiming = { connectDeadlineMs: 20_000, backoff: { minMs: 500, maxMs: 5_000 } };
const GIVE_UP_MS = Number(process.env.BENCH_STORM_GIVE_UP_MS ?? 240_000);

type FailureKind = LinkFailureCause['kind'];

/**
 * One kiosk's link and outbox, as the agent keeps them. With several hubs (`HUB_URL=a,b`, issue 14) it
 * follows the agent's rule (edge-agent sync/hub-endpoints.ts): a failed attempt moves to the next hub, an
 * established session stays on its hub unless the hub itself closed it.
 */
export class StormKiosk {
  connected = false;
  outbox: OutboxEvent[] = [];
  /** Which of the hubs the current or next attempt goes to. */
  hub = 0;
  private readonly loop: ReconnectLoop<AgentSocket>;

  constructor(
    private readonly hubUrls: readonly string[],
    readonly kiosk: SimulatedKiosk,
    failures: Map<FailureKind, number>,
  ) {
    this.loop = new ReconnectLoop<AgentSocket>({
      timing: AGENT_TIMING,
      schedule: systemSchedule,
      random: Math.random,
      openSocket: () =>
        io(`${this.hubUrls[this.hub] ?? ''}${AGENT_NAMESPACE}`, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          autoConnect: false,
          auth: signedAuth(kiosk.kioskId, kiosk.privateKey),
          timeout: AGENT_TIMING.connectDeadlineMs,
        }),
      runSession: (socket, established) => this.session(socket, established),
      onFailure: ({ cause }) => {
        failures.set(cause.kind, (failures.get(cause.kind) ?? 0) + 1);
        this.nextHub();
      },
    });
  }

  private nextHub(): void {
    this.hub = (this.hub + 1) % this.hubUrls.length;
  }

  get done(): boolean {
    return this.connected && this.outbox.length === 0;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async session(socket: AgentSocket, established: () => void): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      socket.once('disconnect', (reason) => {
        if (reason === 'io server disconnect') this.nextHub();
        resolve();
      }),
    );
    try {
      const hello = HelloAckSchema.parse(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: 'bench' }));
      if (!hello.ok) throw new Error(hello.error.code);
      established();
      this.connected = true;
      this.outbox = this.outbox.filter((event) => event.seq > hello.ackedThroughSeq);
      if (this.outbox.length > 0) {
        const ack = BatchAckSchema.parse(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('events', { events: this.outbox }));
        if (!ack.ok) throw new Error(ack.error.code);
        this.outbox = this.outbox.filter((event) => event.seq > ack.ackedThroughSeq);
      }
    } catch {
      socket.close();
    }
    if (socket.connected) await closed;
    this.connected = false;
  }
}

/** Polls `/health`; reports when it first answered and the longest stretch without an answer. */
class HealthWatch {
  private readonly answers: number[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    url: string,
    private readonly started: number,
  ) {
    this.done = (async () => {
      while (this.running) {
        const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
          .then((response) => response.ok)
          .catch(() => false);
        if (ok) this.answers.push(performance.now());
        await sleep(200);
      }
    })();
  }

  async stop(): Promise<{ firstS: number; longestGapS: number }> {
    this.running = false;
    await this.done;
    let previous = this.started;
    let longest = 0;
    for (const at of [...this.answers, performance.now()]) {
      longest = Math.max(longest, at - previous);
      previous = at;
    }
    const first = this.answers[0];
    return { firstS: first === undefined ? NaN : (first - this.started) / 1000, longestGapS: longest / 1000 };
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) return null;
    await sleep(100);
  }
  return (performance.now() - started) / 1000;
}

/**
 * The storm on `system`'s running hub with these (enrolled, not connected) kiosks; `main` is the hub
 * build to start again (another commit's, to compare). The hub is running again when this returns.
 */
export async function reconnectStorm(system: TestSystem, kiosks: readonly SimulatedKiosk[], env: Record<string, string>, main?: string): Promise<void> {
  const failures = new Map<FailureKind, number>();
  const storm = kiosks.map((kiosk) => new StormKiosk([system.hubUrl], kiosk, failures));
  try {
    // Connect the fleet first, in waves (this is not the storm being measured).
    for (let i = 0; i < storm.length; i += 250) {
      const wave = storm.slice(i, i + 250);
      for (const kiosk of wave) kiosk.start();
      await waitFor(() => wave.every((kiosk) => kiosk.connected), 120_000);
    }
    const before = storm.filter((kiosk) => kiosk.connected).length;
    failures.clear();

    const hub = system.hub;
    if (!hub) throw new Error('no hub to kill');
    hub.kill('SIGKILL');
    await hub.exited;
    for (const kiosk of storm) kiosk.outbox.push(cashCredit(kiosk.kiosk), cashCredit(kiosk.kiosk));
    await waitFor(() => storm.every((kiosk) => !kiosk.connected), 10_000);

    const started = performance.now();
    const health = new HealthWatch(system.hubUrl, started);
    const listening = system.startHub(env, main).then(() => performance.now());
    const connectedS = await waitFor(() => storm.every((kiosk) => kiosk.connected), GIVE_UP_MS);
    const doneS = await waitFor(() => storm.every((kiosk) => kiosk.done), Math.max(1000, GIVE_UP_MS - (connectedS ?? GIVE_UP_MS) * 1000));
    const listeningS = ((await listening) - started) / 1000;
    const { firstS, longestGapS } = await health.stop();
    const behind = storm.filter((kiosk) => !kiosk.done);
    const undelivered = storm.reduce((sum, kiosk) => sum + kiosk.outbox.length, 0);
    const causes = [...failures].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
    const storedS = connectedS === null || doneS === null ? null : connectedS + doneS;
    const total = (seconds: number | null) => (seconds === null ? `not within ${GIVE_UP_MS / 1000} s` : `${seconds.toFixed(1)} s`);
    console.log(`reconnect storm: ${storm.length} kiosks (${before} connected before the SIGKILL), 2 events queued each`);
    console.log(`  hub listening again after ${listeningS.toFixed(1)} s; /health first answered after ${firstS.toFixed(1)} s, longest unanswered ${longestGapS.toFixed(1)} s`);
    console.log(`  every kiosk connected: ${total(connectedS)}; every event stored (acked after commit): ${total(storedS)}`);
    console.log(`  never came back: ${behind.length} kiosks, ${undelivered} events undelivered; failed attempts: ${causes}`);
  } finally {
    await Promise.all(storm.map((kiosk) => kiosk.stop()));
  }
}
