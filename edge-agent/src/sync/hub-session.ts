import type { Socket } from 'socket.io-client';
import {
  BatchAckSchema,
  HelloAckSchema,
  SimpleAckSchema,
  toIssues,
  type AgentToHubEvents,
  type BatchAck,
  type EventBatch,
  type Hello,
  type HelloAck,
  type HubToAgentEvents,
  type LogChunk,
  type SimpleAck,
  type Telemetry,
} from '@kiosk/protocols';
import type { z } from 'zod';
import { AckTimeoutError, ConnectionLostError, InvalidReplyError } from './errors';

export type AgentSocket = Socket<HubToAgentEvents, AgentToHubEvents>;

/**
 * One connected socket to the hub, for as long as it stays connected. Requests go out only while
 * connected (never into socket.io's send buffer), wait at most the ack timeout, and are rejected with
 * `ConnectionLostError` the moment the connection drops. Every reply is parsed with its schema.
 */
export class HubSession {
  /** Resolves (with the reason) when this connection is gone; it never comes back, a new session is made. */
  readonly closed: Promise<string>;
  /** Rejecters of the requests in flight; called when the connection drops. Per request, so nothing accumulates. */
  private readonly inFlight = new Set<(error: ConnectionLostError) => void>();
  private isOpen = true;
  private closeReason = '';

  /**
   * `onEstablished`: told once when the session's owner has greeted the hub successfully (`markEstablished`),
   * so the hub link ends its connect deadline (reconnect-machine.ts in protocols).
   */
  constructor(
    private readonly socket: AgentSocket,
    private readonly ackTimeoutMs: number,
    private readonly onEstablished: () => void = () => undefined,
  ) {
    let markClosed: (reason: string) => void = () => undefined;
    this.closed = new Promise((resolve) => (markClosed = resolve));
    socket.once('disconnect', (reason) => {
      this.isOpen = false;
      this.closeReason = this.closeReason || reason;
      const lost = new ConnectionLostError(`connection to the hub lost (${this.closeReason})`);
      for (const reject of this.inFlight) reject(lost);
      this.inFlight.clear();
      markClosed(this.closeReason);
    });
  }

  get open(): boolean {
    return this.isOpen && this.socket.connected;
  }

  /** Why the connection ended (socket.io's disconnect reason, or the agent's own); '' while it is open. */
  get endReason(): string {
    return this.isOpen ? '' : this.closeReason;
  }

  /** The hub accepted this kiosk's hello: the connect is complete. */
  markEstablished(): void {
    this.onEstablished();
  }

  async hello(hello: Hello): Promise<HelloAck> {
    const reply = await this.guard(() => this.socket.timeout(this.ackTimeoutMs).emitWithAck('hello', hello));
    return parseReply(HelloAckSchema, reply, 'hello ack');
  }

  async sendEvents(batch: EventBatch): Promise<BatchAck> {
    const reply = await this.guard(() => this.socket.timeout(this.ackTimeoutMs).emitWithAck('events', batch));
    return parseReply(BatchAckSchema, reply, 'batch ack');
  }

  async sendTelemetry(telemetry: Telemetry): Promise<SimpleAck> {
    const reply = await this.guard(() => this.socket.timeout(this.ackTimeoutMs).emitWithAck('telemetry', telemetry));
    return parseReply(SimpleAckSchema, reply, 'telemetry ack');
  }

  /** One chunk of a `logs.upload` answer (commands/log-upload.ts). */
  async sendLogChunk(chunk: LogChunk): Promise<SimpleAck> {
    const reply = await this.guard(() => this.socket.timeout(this.ackTimeoutMs).emitWithAck('logs.chunk', chunk));
    return parseReply(SimpleAckSchema, reply, 'log chunk ack');
  }

  onCommand(handler: HubToAgentEvents['command']): void {
    this.socket.on('command', handler);
  }

  /** Drops the connection (idempotent); in-flight requests fail with ConnectionLostError. */
  close(reason = 'closed by the agent'): void {
    if (!this.closeReason) this.closeReason = reason;
    this.isOpen = false;
    this.socket.disconnect();
  }

  private async guard<T>(send: () => Promise<T>): Promise<T> {
    if (!this.open) throw new ConnectionLostError(`not connected to the hub (${this.closeReason || 'closed'})`);
    let rejectLost: (error: ConnectionLostError) => void = () => undefined;
    const lost = new Promise<never>((_, reject) => (rejectLost = reject));
    this.inFlight.add(rejectLost);
    try {
      return await Promise.race([send(), lost]);
    } catch (error) {
      if (error instanceof ConnectionLostError) throw error;
      // socket.io rejects pending acks itself on disconnect; whoever wins the race, it is a lost connection.
      if (!this.open) throw new ConnectionLostError(`connection to the hub lost (${this.closeReason || 'disconnected'})`);
      if (error instanceof Error && /timed out/.test(error.message)) {
        throw new AckTimeoutError(`no ack from the hub within ${this.ackTimeoutMs} ms`);
      }
      throw error;
    } finally {
      this.inFlight.delete(rejectLost);
    }
  }
}

function parseReply<S extends z.ZodType>(schema: S, reply: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(reply);
  if (!parsed.success) throw new InvalidReplyError(what, toIssues(parsed.error));
  return parsed.data;
}
