/**
 * For specs of the agent's hub clients on a real socket.io connection (loopback): a hub that answers
 * the `/agent` events it is given and tells the spec when an agent's socket has connected, and a socket
 * made the way the agent's link makes one for each attempt (socket-factory.ts). No greeting: the spec
 * plays the link's `ready` itself.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { AGENT_NAMESPACE, type ConnectAttemptOutcome } from '@kiosk/protocols';
import type { AgentSocket } from './hub-session';
import { HubRequests, type ConnectAttempts } from './hub-requests';

/** Answers one request's body (already on the wire) with the ack the hub would send. */
export type StubAnswer = (request: unknown) => unknown;

export class HubStub {
  private readonly http: HttpServer = createServer();
  private readonly io = new Server(this.http, { transports: ['websocket'] });
  private connected: Array<() => void> = [];
  /** How many requests of each event were answered. */
  readonly answered = new Map<string, number>();

  constructor(private readonly answers: Record<string, StubAnswer>) {}

  async start(): Promise<string> {
    this.io.of(AGENT_NAMESPACE).on('connection', (socket) => {
      for (const [event, answer] of Object.entries(this.answers)) {
        socket.on(event as never, ((request: unknown, ack: (reply: unknown) => void) => {
          const reply = answer(request);
          this.answered.set(event, (this.answered.get(event) ?? 0) + 1);
          ack(reply);
        }) as never);
      }
      for (const resolve of this.connected.splice(0)) resolve();
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  nextConnection(): Promise<void> {
    return new Promise((resolve) => this.connected.push(resolve));
  }

  async stop(): Promise<void> {
    await this.io.close();
  }
}

/** A socket the way the agent's link makes one for each attempt (socket-factory.ts), to `url`. */
export const attemptSocket = (url: string): AgentSocket =>
  io(`${url}${AGENT_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false }) as AgentSocket;

/**
 * The hub link played by hand for the agent's request API (`HubRequests`, which it follows): `open` makes
 * and connects one attempt's socket through the requests' `tap`, `greeted` sets the link's `ready` (the
 * hub's hello ack) and settles the attempt as established, `failed` settles it as failed (a refused
 * attempt is failed too, as the reconnect machine does); `close` closes every socket opened (afterEach).
 */
export class LinkDriver implements ConnectAttempts {
  private ready = false;
  private readonly sockets: AgentSocket[] = [];
  private attempt: { settled: Promise<ConnectAttemptOutcome>; settle: (outcome: ConnectAttemptOutcome) => void } | null = null;
  /** The request API the feature clients under test are given, following this link. */
  readonly requests: HubRequests;

  constructor(
    private readonly url: string,
    attemptWaitMs: number,
  ) {
    this.requests = new HubRequests(() => this.ready, attemptWaitMs);
    this.requests.follow(this);
  }

  attemptUnderWay(): boolean {
    return this.attempt !== null;
  }

  attemptOutcome(): Promise<ConnectAttemptOutcome> {
    return this.attempt?.settled ?? Promise.resolve(this.ready ? 'established' : 'failed');
  }

  /** The hub acked the hello: established once the agent's socket is connected (the real hello needs it). */
  greeted(value: boolean): void {
    this.ready = value;
    if (!value) return;
    const socket = this.sockets.at(-1);
    if (socket && !socket.connected) socket.once('connect', () => this.settle('established'));
    else this.settle('established');
  }

  failed(): void {
    this.settle('failed');
  }

  open(): AgentSocket {
    let settle: (outcome: ConnectAttemptOutcome) => void = () => undefined;
    const settled = new Promise<ConnectAttemptOutcome>((resolve) => (settle = resolve));
    this.attempt = { settled, settle };
    const socket = this.requests.tap(() => attemptSocket(this.url))();
    socket.on('connect_error', () => this.failed());
    this.sockets.push(socket);
    socket.connect();
    return socket;
  }

  close(): void {
    this.failed();
    for (const socket of this.sockets.splice(0)) socket.close();
  }

  private settle(outcome: ConnectAttemptOutcome): void {
    const attempt = this.attempt;
    this.attempt = null;
    attempt?.settle(outcome);
  }
}
