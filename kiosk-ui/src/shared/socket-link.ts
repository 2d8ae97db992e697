import type { ReportProblem } from './background';
import { asLinkError, LinkError } from './link-errors';
import type { Timers } from './timers';

/**
 * What `SocketLink` needs of a socket.io client socket. Structural, so each link keeps its own typed
 * `Socket<Listen, Emit>` and this module does not depend on any one namespace's event maps.
 */
export interface LinkSocket<Timed> {
  readonly connected: boolean;
  connect(): unknown;
  disconnect(): unknown;
  removeAllListeners(): unknown;
  timeout(ms: number): Timed;
  on(event: 'connect', listener: () => void): unknown;
  on(event: 'disconnect', listener: (reason: string) => void): unknown;
  on(event: 'connect_error', listener: (error: Error) => void): unknown;
}

export interface SocketLinkHooks {
  link(state: 'up' | 'down'): void;
  /** After every (re)connect: pushes sent while we were away are lost, so the link asks again. */
  connected(): void;
  connectError?(error: Error): void;
  /** Whether to reconnect after the server hung up (checked when it does and again when the timer fires). */
  mayRejoin?(): boolean;
}

/** What a push or answer parser needs of a schema: zod's `safeParse`. */
export interface Parser<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false };
}

/**
 * The connection half shared by the kiosk's, panel's and console's links: link state, reconnecting after
 * the server hung up (socket.io reconnects by itself after a network loss, but not then), refusing
 * requests at once while disconnected (instead of socket.io buffering them and delivering them later,
 * out of context) and parsing pushes with their protocol schemas (a malformed one is reported and dropped).
 */
export class SocketLink<Timed> {
  #rejoin: unknown = null;

  constructor(
    private readonly socket: LinkSocket<Timed>,
    /** Named in "not connected to the …" errors. */
    private readonly peer: string,
    private readonly hooks: SocketLinkHooks,
    private readonly report: ReportProblem,
    private readonly timers: Timers,
    private readonly ackTimeoutMs: number,
    private readonly rejoinMs: number,
  ) {}

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Wires the connection events and connects; pushes should be wired before. */
  start(): void {
    this.socket.on('connect', () => {
      this.hooks.link('up');
      this.hooks.connected();
    });
    this.socket.on('disconnect', (reason) => {
      this.hooks.link('down');
      if (reason === 'io server disconnect') this.#rejoinLater();
    });
    this.socket.on('connect_error', (error: Error) => {
      this.hooks.link('down');
      this.hooks.connectError?.(error);
    });
    this.socket.connect();
  }

  stop(): void {
    if (this.#rejoin !== null) this.timers.clear(this.#rejoin);
    this.#rejoin = null;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  /** The socket with the ack timeout applied; throws a `disconnected` LinkError while not connected. */
  timed(what: string): Timed {
    if (!this.socket.connected) throw new LinkError('disconnected', `${what}: not connected to the ${this.peer}`);
    return this.socket.timeout(this.ackTimeoutMs);
  }

  /** Sends one request (refused at once while disconnected); a timeout becomes a LinkError. */
  async request(what: string, emit: (socket: Timed) => Promise<unknown>): Promise<unknown> {
    const socket = this.timed(what);
    try {
      return await emit(socket);
    } catch (error) {
      throw asLinkError(error, what);
    }
  }

  /** Parses a pushed value; a malformed one is reported as `<what>: does not match <schemaName>`. */
  accept<T>(what: string, schema: Parser<T>, schemaName: string, raw: unknown, handle: (value: T) => void): void {
    const parsed = schema.safeParse(raw);
    if (parsed.success) handle(parsed.data);
    else this.report(what, new LinkError('malformed', `${what}: does not match ${schemaName}`));
  }

  #rejoinLater(): void {
    if (this.#rejoin !== null || !this.#mayRejoin()) return;
    this.#rejoin = this.timers.set(() => {
      this.#rejoin = null;
      if (!this.socket.connected && this.#mayRejoin()) this.socket.connect();
    }, this.rejoinMs);
  }

  #mayRejoin(): boolean {
    return this.hooks.mayRejoin?.() ?? true;
  }
}
