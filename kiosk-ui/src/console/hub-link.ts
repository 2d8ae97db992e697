import {
  AlertAckResultSchema,
  AlertListResultSchema,
  AuditPageResultSchema,
  CommandSendResultSchema,
  CONSOLE_NAMESPACE,
  FailureSchema,
  hubToConsoleSchemas,
  KioskDetailResultSchema,
  KioskSummarySchema,
  MeResultSchema,
  OverviewResultSchema,
  type Alert,
  type AlertAckRequest,
  type AlertQuery,
  type AuditEntry,
  type AuditPage,
  type AuditPageQuery,
  type CommandView,
  type ConsoleAuth,
  type ConsoleCommandRequest,
  type ConsoleToHubEvents,
  type Failure,
  type FleetOverview,
  type HubToConsoleEvents,
  type KioskDetail,
  type KioskSummary,
  type ProtocolError,
  type UserView,
} from '@kiosk/protocols';
import { io, type Socket } from 'socket.io-client';
import type { ReportProblem } from '../shared/background';
import { asLinkError, LinkError } from '../shared/link-errors';
import { SocketLink, type Parser } from '../shared/socket-link';
import type { Timers } from '../shared/timers';
import { applySnapshot } from './fleet';

export type ConsoleSocket = Socket<HubToConsoleEvents, ConsoleToHubEvents>;
export type HubLinkState = 'connecting' | 'up' | 'down';

/** Why the hub will not talk to this session any more. `refused`: the handshake's token was not accepted. */
export type SessionEndReason = 'expired' | 'logged-out' | 'refused';

export interface HubLinkEvents {
  link(state: HubLinkState): void;
  /** The full list, replacing whatever was shown. */
  snapshot(kiosks: KioskSummary[]): void;
  updated(kiosk: KioskSummary): void;
  // The other pushes are optional, so a list-only listener need not handle them.
  overview?(overview: FleetOverview): void;
  alertUpdated?(alert: Alert): void;
  commandUpdated?(command: CommandView): void;
  auditAppended?(entry: AuditEntry): void;
  /** Called once; the link does not reconnect after it. */
  sessionEnded?(reason: SessionEndReason): void;
}

/** The hub refused a well-formed request (`forbidden`, `not_found`, `conflict`, ...). */
export class RequestRefusedError extends Error {
  override readonly name = 'RequestRefusedError';
  readonly code: ProtocolError['code'];
  constructor(
    readonly what: string,
    readonly error: ProtocolError,
  ) {
    super(`${what}: ${error.code}: ${error.message}`);
    this.code = error.code;
  }
}

/** The console's requests to the hub (the controller depends on this, not on socket.io). */
export interface ConsolePort {
  readonly connected: boolean;
  me(): Promise<UserView>;
  overview(): Promise<FleetOverview>;
  detail(kioskId: string): Promise<KioskDetail>;
  alerts(query: AlertQuery): Promise<Alert[]>;
  acknowledge(request: AlertAckRequest): Promise<Alert>;
  sendCommand(request: ConsoleCommandRequest): Promise<string>;
  auditPage(query: AuditPageQuery): Promise<AuditPage>;
}

/**
 * The console page is served by the hub, so the hub is the page's own origin. `auth` carries the session
 * token of the signed-in technician (the hub refuses a connection without one).
 */
export function consoleSocket(url: string = CONSOLE_NAMESPACE, auth?: ConsoleAuth): ConsoleSocket {
  return io(url, {
    autoConnect: false,
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    ...(auth ? { auth } : {}),
  });
}

type TimedSocket = ReturnType<ConsoleSocket['timeout']>;

/** What `#ask` needs of a result schema: zod's `safeParse`, typed by the value it yields. */
type ResultParser<T> = Parser<T | Failure>;

/**
 * The console's socket to the hub. On every (re)connect it fetches the whole kiosk list and applies live
 * `kiosk.updated` pushes on top; pushes that arrive while the list is in flight are held back and
 * applied after it, so an older snapshot never overwrites a newer update. Every row, push and answer is
 * parsed with its protocol schema; a malformed one is reported and left out. Requests are refused at
 * once while disconnected rather than buffered by socket.io and sent later, out of context.
 */
export class HubLink implements ConsolePort {
  #fetching = false;
  #heldBack: KioskSummary[] = [];
  #retry: unknown = null;
  #ended = false;
  readonly #link: SocketLink<TimedSocket>;

  constructor(
    private readonly socket: ConsoleSocket,
    private readonly events: HubLinkEvents,
    private readonly report: ReportProblem,
    private readonly timers: Timers,
    private readonly ackTimeoutMs = 10_000,
    private readonly retryMs = 5_000,
    rejoinMs = 1_000,
  ) {
    this.#link = new SocketLink(
      socket,
      'hub',
      {
        link: (state) => this.events.link(state),
        connected: () => this.#fetch(),
        connectError: (error) => {
          // The namespace middleware refused the token: socket.io will not retry, and neither should we.
          const refused = FailureSchema.safeParse((error as Error & { data?: unknown }).data);
          if (refused.success && refused.data.error.code === 'not_authenticated') this.#end('refused');
        },
        // Reconnect after the hub hung up on us, unless it did so because the session is over.
        mayRejoin: () => !this.#ended,
      },
      report,
      timers,
      ackTimeoutMs,
      rejoinMs,
    );
  }

  get connected(): boolean {
    return this.#link.connected;
  }

  start(): void {
    this.#listen('kiosk.updated', hubToConsoleSchemas['kiosk.updated'], (kiosk) => {
      if (this.#fetching) this.#heldBack.push(kiosk);
      else this.events.updated(kiosk);
    });
    // The hub's coalesced pushes (issue 12): every kiosk that changed in the last second, in one message.
    this.#listen('kiosks.updated', hubToConsoleSchemas['kiosks.updated'], (kiosks) => {
      for (const kiosk of kiosks) {
        if (this.#fetching) this.#heldBack.push(kiosk);
        else this.events.updated(kiosk);
      }
    });
    this.#listen('fleet.overview', hubToConsoleSchemas['fleet.overview'], (overview) => this.events.overview?.(overview));
    this.#listen('alert.updated', hubToConsoleSchemas['alert.updated'], (alert) => this.events.alertUpdated?.(alert));
    this.#listen('command.updated', hubToConsoleSchemas['command.updated'], (command) => this.events.commandUpdated?.(command));
    this.#listen('audit.appended', hubToConsoleSchemas['audit.appended'], (entry) => this.events.auditAppended?.(entry));
    // Even a malformed notice ends the session: the hub disconnects right after sending it.
    this.socket.on('session.ended', (raw: unknown) => {
      const ended = hubToConsoleSchemas['session.ended'].safeParse(raw);
      this.#end(ended.success ? ended.data.reason : 'expired');
    });
    this.#link.start();
  }

  stop(): void {
    this.#ended = true;
    if (this.#retry !== null) this.timers.clear(this.#retry);
    this.#retry = null;
    this.#link.stop();
  }

  async me(): Promise<UserView> {
    return (await this.#ask('session.me', (socket) => socket.emitWithAck('session.me'), MeResultSchema)).user;
  }

  async overview(): Promise<FleetOverview> {
    return (await this.#ask('fleet.overview', (socket) => socket.emitWithAck('fleet.overview'), OverviewResultSchema)).overview;
  }

  async detail(kioskId: string): Promise<KioskDetail> {
    return (await this.#ask('kiosk.detail', (socket) => socket.emitWithAck('kiosk.detail', { kioskId }), KioskDetailResultSchema)).detail;
  }

  async alerts(query: AlertQuery): Promise<Alert[]> {
    return (await this.#ask('alerts.list', (socket) => socket.emitWithAck('alerts.list', query), AlertListResultSchema)).alerts;
  }

  async acknowledge(request: AlertAckRequest): Promise<Alert> {
    return (await this.#ask('alert.ack', (socket) => socket.emitWithAck('alert.ack', request), AlertAckResultSchema)).alert;
  }

  async sendCommand(request: ConsoleCommandRequest): Promise<string> {
    return (await this.#ask('command.send', (socket) => socket.emitWithAck('command.send', request), CommandSendResultSchema)).commandId;
  }

  async auditPage(query: AuditPageQuery): Promise<AuditPage> {
    return (await this.#ask('audit.page', (socket) => socket.emitWithAck('audit.page', query), AuditPageResultSchema)).page;
  }

  /** Sends one request and returns its `{ ok: true }` answer; a refusal, a timeout or a malformed answer throws. */
  async #ask<T extends { ok: true }>(what: string, emit: (socket: TimedSocket) => Promise<unknown>, schema: ResultParser<T>): Promise<T> {
    const raw = await this.#link.request(what, emit);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new LinkError('malformed', `${what}: answer does not match its schema`);
    if (!parsed.data.ok) throw new RequestRefusedError(what, parsed.data.error);
    return parsed.data;
  }

  /** A push, parsed with its protocol schema; a malformed one is reported and dropped. */
  #listen<T>(event: Exclude<keyof HubToConsoleEvents, 'session.ended'>, schema: Parser<T>, handle: (value: T) => void): void {
    this.socket.on(event, (raw: unknown) => this.#link.accept(event, schema, 'its schema', raw, handle));
  }

  #end(reason: SessionEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.events.sessionEnded?.(reason);
  }

  #fetch(): void {
    if (this.#fetching) return;
    this.#fetching = true;
    this.#heldBack = [];
    this.socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('kiosks.list')
      .then(
        (raw: unknown) => this.#accept(raw),
        (error: unknown) => this.#failed(asLinkError(error, 'kiosks.list')),
      );
  }

  #accept(raw: unknown): void {
    if (!Array.isArray(raw)) {
      this.#failed(new LinkError('malformed', 'kiosks.list: ack is not an array'));
      return;
    }
    const rows: KioskSummary[] = [];
    let rejected = 0;
    for (const item of raw) {
      const parsed = KioskSummarySchema.safeParse(item);
      if (parsed.success) rows.push(parsed.data);
      else rejected += 1;
    }
    if (rejected > 0) this.report('kiosks.list', new LinkError('malformed', `kiosks.list: ${rejected} malformed row(s) left out`));
    const heldBack = this.#heldBack;
    this.#fetching = false;
    this.#heldBack = [];
    this.events.snapshot(applySnapshot(rows, heldBack));
  }

  #failed(error: LinkError): void {
    this.report('kiosks.list', error);
    const heldBack = this.#heldBack;
    this.#fetching = false;
    this.#heldBack = [];
    for (const kiosk of heldBack) this.events.updated(kiosk);
    // A lost answer while still connected: ask again later (a reconnect asks anyway).
    if (this.socket.connected && this.#retry === null) {
      this.#retry = this.timers.set(() => {
        this.#retry = null;
        if (this.socket.connected) this.#fetch();
      }, this.retryMs);
    }
  }
}
