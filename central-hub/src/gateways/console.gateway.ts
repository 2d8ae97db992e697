import { Inject } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { z } from 'zod';
import {
  CONSOLE_NAMESPACE,
  ConsoleAuthSchema,
  consoleToHubSchemas,
  failure,
  parseMessage,
  type ConsoleToHubEvents,
  type Failure,
  type KioskSummary,
} from '@kiosk/protocols';
import { toFailure } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import { WebsocketRepository, type ConsoleNamespace, type ConsoleSocket } from '../repositories/websocket.repository';
import type { Principal } from '../services/access.rules';
import { AlertService } from '../services/alert.service';
import { AuditService } from '../services/audit.service';
import { AuthService } from '../services/auth.service';
import { CommandService } from '../services/command.service';
import { FleetService } from '../services/fleet.service';
import { HandshakeRefusedError } from './agent.gateway';
import { SOCKET_SERVER_OPTIONS } from './socket-options';

type Event = keyof ConsoleToHubEvents;

/**
 * `/console`: the technician console. A connection is authenticated in the namespace middleware
 * (handshake `auth.token`: a session token, or the bootstrap admin token) before any message is
 * read, and joins the rooms of what its user may see. Every request is parsed by its protocol schema
 * and answered in its ack, a refusal too; the services decide what the user may do.
 */
@WebSocketGateway({ namespace: CONSOLE_NAMESPACE, ...SOCKET_SERVER_OPTIONS })
export class ConsoleGateway implements OnGatewayInit<ConsoleNamespace>, OnGatewayConnection<ConsoleSocket> {
  private readonly log: Logger;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(AlertService) private readonly alerts: AlertService,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'console-gateway' });
  }

  afterInit(namespace: ConsoleNamespace): void {
    this.sockets.bindConsoles(namespace);
    namespace.use((socket, next) => {
      const refuse = (result: Failure) => {
        this.metrics.handshakeRefused('console', result.error.code);
        this.log.warn({ code: result.error.code, peer: socket.handshake.address }, 'console handshake refused');
        next(new HandshakeRefusedError(result));
      };
      const parsed = ConsoleAuthSchema.safeParse(socket.handshake.auth);
      if (!parsed.success) return refuse(failure('not_authenticated', 'sign in first: handshake auth { token }'));
      this.auth.authenticate(parsed.data.token).then(
        (principal) => {
          if (!principal) return refuse(failure('not_authenticated', 'session unknown or expired; sign in again'));
          socket.data.principal = principal;
          next();
        },
        (error: unknown) => {
          this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'console handshake check failed');
          next(new HandshakeRefusedError(failure('internal', 'internal error')));
        },
      );
    });
  }

  handleConnection(socket: ConsoleSocket): void {
    this.sockets.joinConsole(socket);
    const { username, role, municipality } = socket.data.principal;
    this.log.info({ username, role, municipality }, 'console connected');
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return;
      const ack = args.at(-1);
      this.log.warn({ username, event: String(event), code: 'invalid_message' }, 'unknown console message refused');
      if (typeof ack === 'function') (ack as (result: Failure) => void)(failure('invalid_message', `unknown message ${String(event)}`));
    });
  }

  /** The original list (no failure shape in its ack): scoped, unfiltered. */
  @SubscribeMessage('kiosks.list')
  async onList(@ConnectedSocket() socket: ConsoleSocket, @Ack() ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return this.withoutAck('kiosks.list');
    try {
      const principal = await this.live(socket);
      if (!principal) return;
      (ack as (kiosks: KioskSummary[]) => void)(await this.fleet.list(principal));
    } catch (error) {
      // No failure shape here: logged, and the console's own ack timeout reports it there.
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'kiosks.list failed');
    }
  }

  @SubscribeMessage('session.me')
  async onMe(@ConnectedSocket() socket: ConsoleSocket, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'session.me', undefined, undefined, ack, (principal) => Promise.resolve({ user: this.auth.me(principal) }));
  }

  @SubscribeMessage('fleet.overview')
  async onOverview(@ConnectedSocket() socket: ConsoleSocket, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'fleet.overview', undefined, undefined, ack, async (principal) => ({ overview: await this.fleet.overview(principal) }));
  }

  @SubscribeMessage('fleet.kiosks')
  async onKiosks(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'fleet.kiosks', consoleToHubSchemas['fleet.kiosks'], body, ack, async (principal, query) => ({
      kiosks: await this.fleet.list(principal, query),
    }));
  }

  @SubscribeMessage('kiosk.detail')
  async onDetail(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'kiosk.detail', consoleToHubSchemas['kiosk.detail'], body, ack, async (principal, { kioskId }) => ({
      detail: await this.fleet.detail(principal, kioskId),
    }));
  }

  @SubscribeMessage('alerts.list')
  async onAlerts(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'alerts.list', consoleToHubSchemas['alerts.list'], body, ack, async (principal, query) => ({
      alerts: await this.alerts.list(principal, query),
    }));
  }

  @SubscribeMessage('alert.ack')
  async onAlertAck(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'alert.ack', consoleToHubSchemas['alert.ack'], body, ack, async (principal, request) => ({
      alert: await this.alerts.acknowledge(principal, request),
    }));
  }

  @SubscribeMessage('command.send')
  async onCommand(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'command.send', consoleToHubSchemas['command.send'], body, ack, async (principal, { kioskId, ...request }) =>
      this.commands.create(principal, kioskId, request),
    );
  }

  @SubscribeMessage('audit.page')
  async onAudit(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'audit.page', consoleToHubSchemas['audit.page'], body, ack, async (principal, query) => ({
      page: await this.audit.page(principal, query),
    }));
  }

  /**
   * Parses the request (when the event has a payload), runs the work for the socket's principal, and
   * answers whatever happens: `{ ok: true, ...value }`, or the Failure of a refusal or an error.
   */
  private async answer<S extends z.ZodType, R extends object>(
    socket: ConsoleSocket,
    event: Event,
    schema: S | undefined,
    body: unknown,
    ack: unknown,
    work: (principal: Principal, request: z.infer<S>) => Promise<R>,
  ): Promise<void> {
    if (typeof ack !== 'function') return this.withoutAck(event);
    const reply = ack as (result: ({ ok: true } & R) | Failure) => void;
    let principal: Principal | undefined;
    try {
      principal = await this.live(socket, reply);
    } catch (error) {
      this.log.error({ event, err: error instanceof Error ? error.message : String(error) }, 'console session check failed');
      return reply(toFailure(error).body);
    }
    if (!principal) return;
    // Payload-less events have the ack as their only argument, which Nest also hands in as the body.
    const parsed = schema ? parseMessage(schema, body, event) : { ok: true as const, value: undefined as z.infer<S> };
    if (!parsed.ok) {
      this.log.warn({ username: principal.username, event, code: parsed.error.code }, 'console message refused');
      return reply(parsed);
    }
    try {
      reply({ ok: true, ...(await work(principal, parsed.value)) });
    } catch (error) {
      const { status, body: result } = toFailure(error);
      if (status >= 500) this.log.error({ event, err: error instanceof Error ? error.message : String(error) }, 'console request failed');
      reply(result);
    }
  }

  /**
   * The socket's principal while its session lasts, checked against the store on every request; a
   * console whose session ended (expired, logged out elsewhere, account changed) is told why and
   * disconnected.
   */
  private async live(socket: ConsoleSocket, reply?: (result: Failure) => void): Promise<Principal | undefined> {
    const current = await this.auth.recheck(socket.data.principal);
    if (!('reason' in current)) return current;
    reply?.(failure('not_authenticated', 'session ended; sign in again'));
    socket.emit('session.ended', current);
    socket.disconnect(true);
    return undefined;
  }

  private withoutAck(event: Event): void {
    this.log.warn({ event, code: 'invalid_message' }, 'console message without ack callback ignored');
  }
}

/** Every event of the map (the Record makes the compiler check that none is missing). */
const KNOWN: Record<Event, true> = {
  'kiosks.list': true,
  'session.me': true,
  'fleet.overview': true,
  'fleet.kiosks': true,
  'kiosk.detail': true,
  'alerts.list': true,
  'alert.ack': true,
  'command.send': true,
  'audit.page': true,
};
const KNOWN_EVENTS = new Set<string>(Object.keys(KNOWN));
