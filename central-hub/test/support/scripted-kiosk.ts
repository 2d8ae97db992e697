import { io } from 'socket.io-client';
import {
  AGENT_NAMESPACE,
  BatchAckSchema,
  HelloAckSchema,
  PROTOCOL_VERSION,
  ReconnectLoop,
  systemSchedule,
  type LinkFailure,
  type OutboxEvent,
} from '@kiosk/protocols';
import { heartbeat, sendHeartbeat, signedAuth, type AgentClientSocket, type EnrolledKiosk } from './agent-client';

/** socket.io-client's reason when the server closed the socket: the agent then moves to the next hub. */
const HUB_CLOSED_REASON = 'io server disconnect';

export interface ScriptedKioskOptions {
  /** The agent's `HUB_URL` list, tried in order. */
  hubUrls: readonly string[];
  kiosk: EnrolledKiosk;
  /** The outbox as the agent holds it: seq ascending, each kept until an ok ack covers it. */
  events: readonly OutboxEvent[];
  batchSize: number;
  heartbeatMs: number;
  ackTimeoutMs: number;
  backoff: { minMs: number; maxMs: number };
}

/**
 * A kiosk that follows the agent's delivery rules (edge-agent sync/outbox-drain.ts, hub-endpoints.ts)
 * without its devices: the protocols package's reconnect loop with its jittered backoff and a fresh
 * signed handshake per attempt; after hello, forgets what the hub already holds (`ackedThroughSeq`); one
 * batch in flight, lowest seq first, rows dropped only through an ok ack's `ackedThroughSeq`; a lost
 * connection or an ack timeout ends the session and everything unacked is sent again on the next one. A
 * failed connect moves to the next hub of the list; an established session that ends is retried on the
 * same hub first, unless the hub itself closed it. Heartbeats as the agent sends them, throughout.
 */
export class ScriptedKiosk {
  private outbox: OutboxEvent[];
  private hubIndex = 0;
  private readonly loop: ReconnectLoop<AgentClientSocket>;
  private drainedWaiters: (() => void)[] = [];
  /** Every established session, in order: the hub it reached and how it ended. */
  readonly sessions: { hubUrl: string; endedBy: string | null }[] = [];
  readonly failures: LinkFailure[] = [];
  /** Batches sent (first sends and resends alike). */
  batchesSent = 0;

  constructor(private readonly options: ScriptedKioskOptions) {
    this.outbox = [...options.events];
    this.loop = new ReconnectLoop<AgentClientSocket>({
      timing: { connectDeadlineMs: 10_000, backoff: options.backoff },
      schedule: systemSchedule,
      random: Math.random,
      openSocket: () => this.openSocket(),
      runSession: (socket, established) => this.runSession(socket, established),
      onFailure: (failure) => {
        this.failures.push(failure);
        this.hubIndex = (this.hubIndex + 1) % this.options.hubUrls.length;
      },
    });
  }

  get kioskId(): string {
    return this.options.kiosk.kioskId;
  }

  /** Events not acked yet. */
  get pending(): number {
    return this.outbox.length;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves once every event has been acked. */
  drained(): Promise<void> {
    if (this.outbox.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  private get hubUrl(): string {
    return this.options.hubUrls[this.hubIndex] ?? '';
  }

  private openSocket(): AgentClientSocket {
    const { kioskId, privateKey } = this.options.kiosk;
    return io(`${this.hubUrl}${AGENT_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      auth: signedAuth(kioskId, privateKey),
    });
  }

  private async runSession(socket: AgentClientSocket, established: () => void): Promise<void> {
    const hubUrl = this.hubUrl;
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const hello = HelloAckSchema.parse(await socket.timeout(this.options.ackTimeoutMs).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: 'scripted' }));
    if (!hello.ok) throw new Error(`hello refused: ${hello.error.code}`);
    this.ackThrough(hello.ackedThroughSeq);
    established();
    const session = { hubUrl, endedBy: null as string | null };
    this.sessions.push(session);
    const beating = setInterval(() => {
      sendHeartbeat(socket, heartbeat(new Date())).catch(() => undefined);
    }, this.options.heartbeatMs);
    try {
      await sendHeartbeat(socket, heartbeat(new Date())).catch(() => undefined);
      await Promise.race([this.drain(socket), closed]);
      session.endedBy = await closed;
    } finally {
      clearInterval(beating);
    }
    if (session.endedBy === HUB_CLOSED_REASON) this.hubIndex = (this.hubIndex + 1) % this.options.hubUrls.length;
  }

  /** Sends batch after batch until the outbox is empty or the session fails (then it closes the socket). */
  private async drain(socket: AgentClientSocket): Promise<void> {
    while (socket.connected && this.outbox.length > 0) {
      const events = this.outbox.slice(0, this.options.batchSize);
      this.batchesSent++;
      let answer: unknown;
      try {
        answer = await socket.timeout(this.options.ackTimeoutMs).emitWithAck('events', { events });
      } catch {
        // No ack in time or the connection went: whether the hub committed is unknown; the next hello tells.
        socket.disconnect();
        return;
      }
      const ack = BatchAckSchema.parse(answer);
      if (!ack.ok) throw new Error(`batch refused: ${ack.error.code}`);
      this.ackThrough(ack.ackedThroughSeq);
    }
  }

  private ackThrough(seq: number): void {
    this.outbox = this.outbox.filter((event) => event.seq > seq);
    if (this.outbox.length > 0) return;
    for (const resolve of this.drainedWaiters.splice(0)) resolve();
  }
}
