/**
 * A minimal but real hub for the agent's tests: node:http + socket.io on 127.0.0.1, speaking the
 * protocols contract honestly (handshake signatures checked, nonces single-use, batches validated with
 * the protocols schema, events stored by id, the highest contiguous seq acked, gaps reported). Tests can
 * make it misbehave the ways a real network and a real hub do: hold an ack, drop the connection before
 * or after "committing", refuse an event, refuse a handshake, restart on the same port.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import {
  AGENT_NAMESPACE,
  EnrolRequestSchema,
  EventBatchSchema,
  HelloSchema,
  KioskAuthSchema,
  PROTOCOL_VERSION,
  TelemetrySchema,
  failure,
  kioskAuthMessage,
  parseMessage,
  type AgentToHubEvents,
  type BatchAck,
  type CommandReceipt,
  type EventBatch,
  type Failure,
  type HubCommand,
  type HubToAgentEvents,
  type OutboxEvent,
  type Telemetry,
} from '@kiosk/protocols';

export type HubSocket = Socket<AgentToHubEvents, HubToAgentEvents>;

/** What the hub does with a valid batch. */
export type BatchBehaviour =
  | 'ack'
  /** Drop the connection without storing or acking (the hub died before its commit). */
  | 'drop-before-commit'
  /** Store, then drop the connection without acking (the hub died between commit and ack). */
  | 'commit-then-drop'
  /** Store, and keep the ack until the test calls `releaseHeldAcks()`. */
  | 'hold';

/**
 * A hub that goes away (or freezes) at one point of an accepted kiosk's connect. Each connection
 * attempt with a valid handshake takes the next fault of `handshakeFaults`; once they are used up the
 * hub behaves.
 */
export type HandshakeFault =
  /** The transport closes while the namespace handshake runs: socket.io-client emits only `disconnect`. */
  | 'vanish-in-namespace'
  /** The namespace handshake never finishes (a frozen hub): only the agent's deadline moves it on. */
  | 'freeze-in-namespace'
  /** Connected, then the transport closes when the hello arrives, before its ack. */
  | 'vanish-before-hello-ack'
  /** Connected, and the hello is never acked. */
  | 'ignore-hello'
  /** The hello is acked, then the transport closes. */
  | 'vanish-after-hello-ack';

export class MiniHub {
  readonly events = new Map<string, OutboxEvent>();
  readonly seqToId = new Map<number, string>();
  readonly telemetry: Telemetry[] = [];
  readonly results: OutboxEvent[] = [];
  readonly batchSizes: number[] = [];
  readonly connections: string[] = [];
  readonly handshakeRefusals: string[] = [];
  /** Protocol violations by the agent (e.g. a seq reused); every test expects none. */
  readonly violations: string[] = [];
  duplicatesSeen = 0;
  hellos = 0;
  /** Decides per batch; default acks everything. */
  behaviour: (batch: EventBatch, index: number) => BatchBehaviour = () => 'ack';
  /** Events with these ids are refused as malformed (with the batch they are in). */
  readonly refuseEventIds = new Set<string>();
  /** Hello reports ackedThroughSeq 0 whatever it holds (a hub whose view lags), forcing resends. */
  staleHello = false;
  /** When set, every handshake is refused with this failure. */
  refuseHandshakesWith: Failure | null = null;
  /** Consumed one per accepted handshake (see HandshakeFault). */
  readonly handshakeFaults: HandshakeFault[] = [];
  /** Handshakes that passed the signature check, faulted or not. */
  acceptedHandshakes = 0;
  /** Told of every accepted agent connection, to answer more of the contract (update tests: release chunks). */
  onAgentSocket: ((socket: HubSocket) => void) | null = null;

  /** The fault this connection still has to act out after its namespace handshake. */
  private readonly faultOf = new WeakMap<object, HandshakeFault>();
  private readonly kiosks = new Map<string, KeyObject>();
  private readonly codes = new Map<string, string>();
  private readonly nonces = new Set<string>();
  private readonly held: Array<() => void> = [];
  private http: HttpServer | null = null;
  private io: Server<AgentToHubEvents, HubToAgentEvents> | null = null;
  private socket: HubSocket | null = null;
  private batchIndex = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A one-time enrolment code that will enrol as `kioskId`. */
  createEnrolmentCode(kioskId: string): string {
    const code = `code-${kioskId}-${this.codes.size}`;
    this.codes.set(code, kioskId);
    return code;
  }

  /** Registers a kiosk directly (as if it had enrolled before). */
  addKiosk(kioskId: string, publicKeySpkiBase64: string): void {
    this.kiosks.set(kioskId, createPublicKey({ key: Buffer.from(publicKeySpkiBase64, 'base64'), format: 'der', type: 'spki' }));
  }

  /** Stores events as if an earlier batch had been committed (for the hello-drop test). */
  preload(events: readonly OutboxEvent[]): void {
    for (const event of events) this.store(event);
  }

  ackedThroughSeq(): number {
    let seq = 0;
    while (this.seqToId.has(seq + 1)) seq += 1;
    return seq;
  }

  connected(): boolean {
    return this.socket?.connected ?? false;
  }

  async start(): Promise<void> {
    const http = createServer((request, response) => {
      if (request.method === 'POST' && request.url === '/api/kiosks/enrol') {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          const answer = this.enrol(body);
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(answer.body));
        });
        return;
      }
      response.writeHead(404).end();
    });
    const io = new Server<AgentToHubEvents, HubToAgentEvents>(http, { transports: ['websocket'], serveClient: false });
    const agents = io.of(AGENT_NAMESPACE);
    agents.use((socket, next) => {
      const refusal = this.checkHandshake(socket.handshake.auth);
      if (refusal === null) {
        this.acceptedHandshakes += 1;
        const fault = this.handshakeFaults.shift();
        if (fault) this.faultOf.set(socket, fault);
        if (fault === 'vanish-in-namespace') return void socket.conn.close();
        if (fault === 'freeze-in-namespace') return;
        return next();
      }
      this.handshakeRefusals.push(refusal.error.code);
      next(Object.assign(new Error(refusal.error.message), { data: refusal }));
    });
    agents.on('connection', (socket) => this.onConnection(socket));
    await new Promise<void>((resolve) => http.listen(this.port, '127.0.0.1', resolve));
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    this.io = io;
  }

  async stop(): Promise<void> {
    const http = this.http;
    if (!http || !this.io) return;
    this.held.splice(0);
    const closed = new Promise<void>((resolve) => http.once('close', () => resolve()));
    await this.io.close();
    http.closeAllConnections();
    await closed;
    this.http = null;
    this.io = null;
    this.socket = null;
  }

  releaseHeldAcks(): number {
    const held = this.held.splice(0);
    for (const release of held) release();
    return held.length;
  }

  heldAcks(): number {
    return this.held.length;
  }

  /** Drops the agent's connection from the hub side. */
  disconnectAgent(): void {
    this.socket?.disconnect(true);
  }

  async sendCommand(command: HubCommand): Promise<CommandReceipt> {
    if (!this.socket?.connected) throw new Error('no agent connected');
    return this.socket.timeout(5000).emitWithAck('command', command);
  }

  private enrol(body: string): { status: number; body: unknown } {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = null;
    }
    const parsed = parseMessage(EnrolRequestSchema, json, 'enrolment');
    if (!parsed.ok) return { status: 400, body: parsed };
    const kioskId = this.codes.get(parsed.value.code);
    if (kioskId === undefined) return { status: 400, body: failure('invalid_enrolment_code', 'unknown or used enrolment code') };
    this.codes.delete(parsed.value.code);
    this.addKiosk(kioskId, parsed.value.publicKey);
    return { status: 201, body: { kioskId } };
  }

  private checkHandshake(auth: unknown): Failure | null {
    if (this.refuseHandshakesWith) return this.refuseHandshakesWith;
    const parsed = parseMessage(KioskAuthSchema, auth, 'handshake');
    if (!parsed.ok) return parsed;
    const { value } = parsed;
    if (value.protocolVersion !== PROTOCOL_VERSION) return failure('unsupported_protocol', 'unsupported protocol version');
    const key = this.kiosks.get(value.kioskId);
    if (!key) return failure('unknown_kiosk', 'unknown kiosk');
    if (!verify(null, Buffer.from(kioskAuthMessage(value)), key, Buffer.from(value.signature, 'base64'))) {
      return failure('bad_signature', 'bad signature');
    }
    if (this.nonces.has(value.nonce)) return failure('replayed_handshake', 'nonce already used');
    this.nonces.add(value.nonce);
    return null;
  }

  private onConnection(socket: HubSocket): void {
    const kioskId = String((socket.handshake.auth as { kioskId?: unknown }).kioskId);
    this.socket = socket;
    this.connections.push(kioskId);
    this.onAgentSocket?.(socket);
    socket.on('hello', (hello, ack) => {
      const parsed = parseMessage(HelloSchema, hello, 'hello');
      if (!parsed.ok) return ack(parsed);
      const fault = this.faultOf.get(socket);
      if (fault === 'vanish-before-hello-ack') return void socket.conn.close();
      if (fault === 'ignore-hello') return;
      this.hellos += 1;
      if (fault === 'vanish-after-hello-ack') setImmediate(() => socket.conn.close());
      ack({ ok: true, kioskId, ackedThroughSeq: this.staleHello ? 0 : this.ackedThroughSeq(), serverTime: new Date().toISOString() });
    });
    socket.on('telemetry', (telemetry, ack) => {
      const parsed = parseMessage(TelemetrySchema, telemetry, 'telemetry');
      if (!parsed.ok) return ack(parsed);
      this.telemetry.push(parsed.value);
      ack({ ok: true });
    });
    socket.on('events', (batch, ack) => this.onBatch(socket, batch, ack));
  }

  private onBatch(socket: HubSocket, input: unknown, ack: (result: BatchAck) => void): void {
    const parsed = parseMessage(EventBatchSchema, input, 'event batch');
    if (!parsed.ok) return ack(parsed);
    const batch = parsed.value;
    const refused = batch.events.findIndex((event) => this.refuseEventIds.has(event.id));
    if (refused >= 0) {
      return ack(failure('invalid_message', 'malformed event batch', [{ path: `events.${refused}.payload`, message: 'refused by test hub' }]));
    }
    const behaviour = this.behaviour(batch, this.batchIndex++);
    this.batchSizes.push(batch.events.length);
    if (behaviour === 'drop-before-commit') {
      socket.disconnect(true);
      return;
    }
    let stored = 0;
    let duplicates = 0;
    for (const event of batch.events) {
      if (this.store(event)) stored += 1;
      else duplicates += 1;
    }
    this.duplicatesSeen += duplicates;
    if (behaviour === 'commit-then-drop') {
      socket.disconnect(true);
      return;
    }
    const ackedThroughSeq = this.ackedThroughSeq();
    const nextHeld = [...this.seqToId.keys()].filter((seq) => seq > ackedThroughSeq + 1).sort((a, b) => a - b)[0];
    const result: BatchAck = {
      ok: true,
      ackedThroughSeq,
      stored,
      duplicates,
      ...(nextHeld === undefined ? {} : { gap: { missingFromSeq: ackedThroughSeq + 1, nextHeldSeq: nextHeld } }),
    };
    if (behaviour === 'hold') this.held.push(() => ack(result));
    else ack(result);
  }

  /** True when new; a known id is a duplicate. A different id under a held seq is a seq reuse: recorded. */
  private store(event: OutboxEvent): boolean {
    if (this.events.has(event.id)) return false;
    const holder = this.seqToId.get(event.seq);
    if (holder !== undefined) {
      this.violations.push(`seq ${event.seq} reused by a different event id`);
      return false;
    }
    this.events.set(event.id, event);
    this.seqToId.set(event.seq, event.id);
    if (event.type === 'command.result') this.results.push(event);
    return true;
  }
}
