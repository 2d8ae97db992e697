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
  AGENT_NAMESPACE,
  agentToHubCertificateSchemas,
  agentToHubSchemas,
  failure,
  parseMessage,
  type AgentToHubEvents,
  type Failure,
  type LotteryEvent,
} from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import type { AgentNamespace, AgentSocket } from '../repositories/websocket.repository';
import { AgentAuthService } from '../services/agent-auth.service';
import { runInBackground } from '../services/background';
import { CommandService } from '../services/command.service';
import { HeartbeatService } from '../services/heartbeat.service';
import { IngestService } from '../services/ingest.service';
import { LogUploadService } from '../services/log-upload.service';
import { LotteryAgentHandlers } from './lottery.handlers';
import { SOCKET_SERVER_OPTIONS } from './socket-options';

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
 * The features' messages on the same connection: `certificates.*` are answered by CertificatesGateway
 * (its own gateway on this namespace), `lottery.*` are forwarded from here to LotteryAgentHandlers.
 */
@WebSocketGateway({ namespace: AGENT_NAMESPACE, ...SOCKET_SERVER_OPTIONS })
export class AgentGateway implements OnGatewayInit<AgentNamespace>, OnGatewayConnection<AgentSocket> {
  private readonly log: Logger;

  constructor(
    @Inject(AgentAuthService) private readonly auth: AgentAuthService,
    @Inject(HeartbeatService) private readonly heartbeats: HeartbeatService,
    @Inject(IngestService) private readonly ingestion: IngestService,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(LotteryAgentHandlers) private readonly lottery: LotteryAgentHandlers,
    @Inject(LogUploadService) private readonly logUploads: LogUploadService,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'agent-gateway' });
  }

  afterInit(namespace: AgentNamespace): void {
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

  handleConnection(socket: AgentSocket): void {
    runInBackground(this.log, 'agent connected', () => this.heartbeats.agentConnected(socket));
    // An event this hub does not know would otherwise go unanswered until the agent's ack timeout.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && (Object.hasOwn(agentToHubSchemas, event) || Object.hasOwn(agentToHubCertificateSchemas, event))) return;
      const ack = args.at(-1);
      if (typeof event === 'string' && LotteryAgentHandlers.handles(event)) {
        this.onLottery(socket, event, args.length > 1 ? args[0] : undefined, ack);
        return;
      }
      this.log.warn({ kioskId: socket.data.kioskId, event: String(event), code: 'invalid_message' }, 'unknown agent message refused');
      if (typeof ack === 'function') (ack as (result: Failure) => void)(failure('invalid_message', `unknown message ${String(event)}`));
    });
    socket.once('disconnect', (reason) => {
      runInBackground(this.log, 'agent disconnected', () => this.heartbeats.agentDisconnected(socket, reason));
    });
  }

  @SubscribeMessage('hello')
  async onHello(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    const kioskId = socket.data.kioskId;
    const result = await this.answer(socket, 'hello', agentToHubSchemas.hello, body, ack, (hello) => this.heartbeats.hello(kioskId, hello));
    // Pending commands follow the hello's ack, so the agent knows the hub's view before it gets them.
    if (result?.ok) runInBackground(this.log, 'deliver pending commands', () => this.commands.deliverPending(kioskId));
  }

  @SubscribeMessage('events')
  async onEvents(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'events', agentToHubSchemas.events, body, ack, (batch) => this.ingestion.ingest(socket.data.kioskId, batch));
  }

  @SubscribeMessage('telemetry')
  async onTelemetry(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'telemetry', agentToHubSchemas.telemetry, body, ack, (telemetry) => this.heartbeats.telemetry(socket.data.kioskId, telemetry));
  }

  /** A chunk of a `logs.upload` command's answer. */
  @SubscribeMessage('logs.chunk')
  async onLogChunk(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    await this.answer(socket, 'logs.chunk', agentToHubSchemas['logs.chunk'], body, ack, (chunk) => this.logUploads.receiveChunk(socket.data.kioskId, chunk));
  }

  /** A `lottery.*` message: the handlers parse it and answer every case (a refusal too) as the ack. */
  private onLottery(socket: AgentSocket, event: LotteryEvent, body: unknown, ack: unknown): void {
    const kioskId = socket.data.kioskId;
    if (typeof ack !== 'function') {
      this.log.warn({ kioskId, event, code: 'invalid_message' }, 'agent message without ack callback ignored');
      return;
    }
    runInBackground(this.log, event, async () => (ack as (result: unknown) => void)(await this.lottery.handle(kioskId, event, body)));
  }

  /**
   * Parses the message with its protocol schema, runs the work only if it can be answered, and answers
   * whatever happens: a malformed message or an internal error is a structured Failure in the ack.
   */
  private async answer<S extends z.ZodType, R extends { ok: boolean }>(
    socket: AgentSocket,
    event: keyof AgentToHubEvents,
    schema: S,
    body: unknown,
    ack: unknown,
    work: (message: z.infer<S>) => Promise<R>,
  ): Promise<R | Failure | undefined> {
    const kioskId = socket.data.kioskId;
    if (typeof ack !== 'function') {
      this.log.warn({ kioskId, event, code: 'invalid_message' }, 'agent message without ack callback ignored');
      return undefined;
    }
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
        result = failure('internal', 'internal error');
      }
    }
    (ack as (result: R | Failure) => void)(result);
    return result;
  }
}
