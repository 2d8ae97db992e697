import { Inject, Optional } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { z } from 'zod';
import { AGENT_NAMESPACE, agentToHubSchemas, failure, parseMessage, type Failure } from '@kiosk/protocols';
import { busyFailure } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import { WebsocketRepository, type AgentNamespace, type AgentSocket } from '../repositories/websocket.repository';
import { AgentAuthService } from '../services/agent-auth.service';
import { runInBackground } from '../services/background';
import { CommandService } from '../services/command.service';
import { HeartbeatService } from '../services/heartbeat.service';
import { IngestService } from '../services/ingest.service';
import { LogUploadService } from '../services/log-upload.service';
import { CertificatesAgentHandlers } from './certificates.handlers';
import { LotteryAgentHandlers } from './lottery.handlers';
import { UpdateAgentHandlers } from './update.handlers';
import { SocketDrain, type DrainReport } from './socket-drain';
import { SOCKET_SERVER_OPTIONS } from './socket-options';
import { isStorageBusy } from '../storage/storage-errors';

type FleetEvent = keyof typeof agentToHubSchemas;
/** The ack callback socket.io hands a listener. */
type Reply = (result: object) => void;
/** Answers one message through `reply` (a refusal too); never throws. */
type Handler = (kioskId: string, body: unknown, reply: Reply) => Promise<void>;

/** After the drain, how long the kiosks get to close their own connections before the hub closes the rest. */
const DRAIN_LINGER_MS = 1_000;

/** Resolves when the socket's underlying connection is closed (at once if it already is). */
function connectionClosed(socket: AgentSocket): Promise<void> {
  const conn = socket.conn;
  if (conn.readyState === 'closed') return Promise.resolve();
  return new Promise((resolve) => conn.once('close', () => resolve()));
}

/** A refused handshake; socket.io hands `data` to the client's `connect_error` as `err.data`. */
export class HandshakeRefusedError extends Error {
  override readonly name = 'HandshakeRefusedError';
  constructor(readonly data: Failure) {
    super(data.error.message);
  }
}

/**
 * `/agent`: kiosks' edge agents. Every connection is authenticated in the namespace middleware before
 * any message is read; every message is parsed by its protocol schema here, and every answer
 * (a refusal too) goes back in the ack. A message sent without an ack callback is ignored, because
 * whatever it would change, the agent could never learn whether it did.
 *
 * The features' messages on the same connection are forwarded from here: `certificates.*` to
 * CertificatesAgentHandlers, `lottery.*` to LotteryAgentHandlers, `release.chunk` and `update.report` to
 * UpdateAgentHandlers. This is the only gateway on `/agent`.
 */
@WebSocketGateway({ namespace: AGENT_NAMESPACE, ...SOCKET_SERVER_OPTIONS })
export class AgentGateway implements OnGatewayInit<AgentNamespace>, OnGatewayConnection<AgentSocket> {
  private readonly log: Logger;
  /** Messages in flight per socket, for the graceful drain on SIGTERM (issue 14). */
  private readonly drainer = new SocketDrain<AgentSocket>();
  private namespace: AgentNamespace | undefined;

  constructor(
    @Inject(AgentAuthService) private readonly auth: AgentAuthService,
    @Inject(HeartbeatService) private readonly heartbeats: HeartbeatService,
    @Inject(IngestService) private readonly ingestion: IngestService,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(LotteryAgentHandlers) private readonly lottery: LotteryAgentHandlers,
    @Inject(LogUploadService) private readonly logUploads: LogUploadService,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(LOGGER) root: Logger,
    /** Absent where the hub is assembled without the certificates module: `certificates.*` are then unknown. */
    @Optional() @Inject(CertificatesAgentHandlers) private readonly certificates?: CertificatesAgentHandlers,
    /** Absent where the hub is assembled without the releases module: `release.chunk` and `update.report` are then unknown. */
    @Optional() @Inject(UpdateAgentHandlers) private readonly updates?: UpdateAgentHandlers,
  ) {
    this.log = root.child({ module: 'agent-gateway' });
  }

  afterInit(namespace: AgentNamespace): void {
    this.sockets.bindAgents(namespace);
    this.namespace = namespace;
    namespace.use((socket, next) => {
      this.auth.authenticate(socket.handshake.auth, socket.handshake.address).then(
        (result) => {
          if (!result.ok) {
            this.metrics.handshakeRefused('agent', result.error.code);
            return next(new HandshakeRefusedError(result));
          }
          socket.data.kioskId = result.kioskId;
          next();
        },
        (error: unknown) => {
          this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'handshake check failed');
          next(new HandshakeRefusedError(failure('internal', 'internal error')));
        },
      );
    });
  }

  /**
   * One listener per socket routes every message by its name: no Nest `@SubscribeMessage` handlers on
   * this namespace, because Nest binds each of them to each socket through RxJS, which cost tens of KB
   * per connected kiosk (issue 12). A connection costs what socket.io costs plus these two closures.
   */
  handleConnection(socket: AgentSocket): void {
    // Authenticated just as the hub began to drain: sent on to another hub at once.
    if (!this.drainer.admit(socket)) return;
    runInBackground(this.log, 'agent connected', () => this.heartbeats.agentConnected(socket));
    socket.onAny((event: unknown, ...args: unknown[]) => this.dispatch(socket, event, args));
    socket.once('disconnect', (reason) => {
      runInBackground(this.log, 'agent disconnected', () => this.heartbeats.agentDisconnected(socket, reason));
    });
  }

  /**
   * Graceful drain (SIGTERM, issue 14): every kiosk is disconnected (server side, so its agent reconnects
   * elsewhere with its backoff) as soon as it has no message in flight; a batch being committed is acked
   * first. Resolves when every kiosk is gone, or at `deadline` (the rest are then cut off: their agents
   * resend what was not acked, and the hub absorbs duplicates by event id).
   */
  async drain(deadline: Promise<unknown>, lingerMs = DRAIN_LINGER_MS): Promise<DrainReport> {
    const sockets = [...(this.namespace?.sockets.values() ?? [])];
    const report = await this.drainer.drain(sockets, deadline);
    // Each agent closes its connection once it has read the disconnect; the hub closing it first could
    // overtake that packet (the agent would then retry this hub before its next one). A short, bounded wait.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(sockets.map((socket) => connectionClosed(socket))),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, lingerMs))),
    ]);
    clearTimeout(timer);
    return report;
  }

  /** Finds the handler of `event`, and answers in the ack whatever happens (an unknown event too). */
  private dispatch(socket: AgentSocket, event: unknown, args: unknown[]): void {
    const kioskId = socket.data.kioskId;
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as Reply) : undefined;
    const params = ack ? args.slice(0, -1) : args;
    const body = params.length > 1 ? params : params[0];
    const name = String(event);
    const handler = typeof event === 'string' ? this.handlerOf(event) : undefined;
    if (!handler) {
      // Answered at once: otherwise the agent would wait for its ack timeout.
      this.log.warn({ kioskId, event: name, code: 'invalid_message' }, 'unknown agent message refused');
      ack?.(failure('invalid_message', `unknown message ${name}`));
      return;
    }
    if (!ack) {
      this.log.warn({ kioskId, event: name, code: 'invalid_message' }, 'agent message without ack callback ignored');
      return;
    }
    // Counted in flight from now, before the handler runs, so a drain that starts meanwhile waits for its ack.
    const answered = this.drainer.track(socket, () => handler(kioskId, body, ack));
    runInBackground(this.log, name, () => answered);
  }

  private handlerOf(event: string): Handler | undefined {
    if (Object.hasOwn(this.fleet, event)) return this.fleet[event as FleetEvent];
    if (LotteryAgentHandlers.handles(event)) return async (kioskId, body, reply) => reply(await this.lottery.handle(kioskId, event, body));
    const certificates = this.certificates;
    if (certificates && CertificatesAgentHandlers.handles(event)) return async (kioskId, body, reply) => reply(await certificates.handle(kioskId, event, body));
    const updates = this.updates;
    if (updates && UpdateAgentHandlers.handles(event)) return async (kioskId, body, reply) => reply(await updates.handle(kioskId, event, body));
    return undefined;
  }

  /** The fleet's own messages: `hello`, `events`, `telemetry`, `logs.chunk`. */
  private readonly fleet: Record<FleetEvent, Handler> = {
    hello: async (kioskId, body, reply) => {
      const result = await this.answer(kioskId, 'hello', agentToHubSchemas.hello, body, reply, (hello) => this.heartbeats.hello(kioskId, hello));
      // Pending commands follow the hello's ack, so the agent knows the hub's view before it gets them.
      if (result.ok) runInBackground(this.log, 'deliver pending commands', () => this.commands.deliverPending(kioskId));
      // A kiosk back after an update (or a rollback): its rollouts learn which version it runs (issue 19).
      const updates = this.updates;
      if (result.ok && updates) {
        const { agentVersion } = agentToHubSchemas.hello.parse(body);
        runInBackground(this.log, 'rollout hello', () => updates.helloed(kioskId, agentVersion));
      }
    },
    events: async (kioskId, body, reply) => {
      await this.answer(kioskId, 'events', agentToHubSchemas.events, body, reply, (batch) => this.ingestion.ingest(kioskId, batch));
    },
    telemetry: async (kioskId, body, reply) => {
      await this.answer(kioskId, 'telemetry', agentToHubSchemas.telemetry, body, reply, (telemetry) => this.heartbeats.telemetry(kioskId, telemetry));
    },
    /** A chunk of a `logs.upload` command's answer. */
    'logs.chunk': async (kioskId, body, reply) => {
      await this.answer(kioskId, 'logs.chunk', agentToHubSchemas['logs.chunk'], body, reply, (chunk) => this.logUploads.receiveChunk(kioskId, chunk));
    },
  };

  /**
   * Parses the message with its protocol schema, runs the work only if it can be answered, and answers
   * whatever happens: a malformed message or an internal error is a structured Failure in the ack.
   */
  private async answer<S extends z.ZodType, R extends { ok: boolean }>(
    kioskId: string,
    event: FleetEvent,
    schema: S,
    body: unknown,
    reply: Reply,
    work: (message: z.infer<S>) => Promise<R>,
  ): Promise<R | Failure> {
    let result: R | Failure;
    const parsed = parseMessage(schema, body, event);
    if (!parsed.ok) {
      this.log.warn({ kioskId, event, code: parsed.error.code, issues: parsed.error.issues?.length ?? 0 }, 'agent message refused');
      result = parsed;
    } else {
      try {
        result = await work(parsed.value);
      } catch (error) {
        this.log.error({ kioskId, event, err: error instanceof Error ? error.message : String(error) }, 'agent message failed');
        // A busy database is retryable (the agent sends again from its outbox); anything else is internal.
        result = isStorageBusy(error) ? busyFailure() : failure('internal', 'internal error');
      }
    }
    reply(result);
    return result;
  }
}
