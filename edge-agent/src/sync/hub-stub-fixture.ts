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
import { AGENT_NAMESPACE } from '@kiosk/protocols';
import type { AgentSocket } from './hub-session';

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
 * A hub client's `tap` driven by hand: `open` makes and connects one attempt's socket, `greeted` sets
 * the link's `ready` (the hub's hello ack); `close` closes every socket opened (afterEach).
 */
export class LinkDriver {
  private ready = false;
  private readonly sockets: AgentSocket[] = [];

  constructor(private readonly url: string) {}

  readonly isReady = (): boolean => this.ready;

  greeted(value: boolean): void {
    this.ready = value;
  }

  open(tap: (factory: () => AgentSocket) => () => AgentSocket): AgentSocket {
    const socket = tap(() => attemptSocket(this.url))();
    this.sockets.push(socket);
    socket.connect();
    return socket;
  }

  close(): void {
    for (const socket of this.sockets.splice(0)) socket.close();
  }
}
