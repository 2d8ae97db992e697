import { DeviceDisconnectedError, DeviceTimeoutError, FrameParseError } from '../errors';
import { Listeners } from '../events';
import type { PeripheralLogger } from '../logger';
import type { SerialConnection } from '../serial/serial-connection';
import { escpos, type StatusKind } from './commands';
import { LateReplyWindow } from './late-reply-window';
import { EscPosResponseDecoder } from './responses';
import { decodeRealtimeStatus, type FullStatus, type RealtimeStatus } from './status';

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface EscPosChannelOptions {
  deviceId: string;
  /** How long one DLE EOT answer may take. */
  statusTimeoutMs: number;
  /**
   * After a DLE EOT answer timed out, how long the line must stay quiet before the next question goes out
   * (a status byte in that time is the late answer, dropped). Default: `statusTimeoutMs`.
   */
  lateStatusQuietMs?: number;
  logger: PeripheralLogger;
}

/**
 * The host side of the printer's byte stream: one DLE EOT question at a time (answers carry no tag, so
 * order is the only way to pair them; after a timeout the next question waits out the late answer),
 * process-id answers matched by id, everything else reported as malformed and dropped.
 */
export class EscPosChannel {
  private readonly decoder = new EscPosResponseDecoder();
  private readonly deviceId: string;
  private readonly statusTimeoutMs: number;
  private readonly logger: PeripheralLogger;
  private readonly lateReplies: LateReplyWindow;
  private statusWaiter: (Waiter<number> & { kind: StatusKind }) | undefined;
  private readonly processWaiters = new Map<string, Waiter<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly malformedListeners: Listeners<FrameParseError>;
  private quietTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: SerialConnection,
    { deviceId, statusTimeoutMs, lateStatusQuietMs, logger }: EscPosChannelOptions,
  ) {
    this.deviceId = deviceId;
    this.statusTimeoutMs = statusTimeoutMs;
    this.logger = logger;
    this.lateReplies = new LateReplyWindow(lateStatusQuietMs ?? statusTimeoutMs);
    this.malformedListeners = new Listeners('escpos malformed', logger);
    connection.on('data', (bytes) => this.receive(bytes));
    connection.on('state', (state) => {
      if (state !== 'connected') this.failAll(new DeviceDisconnectedError(deviceId));
    });
  }

  onMalformed(listener: (error: FrameParseError) => void): () => void {
    return this.malformedListeners.add(listener);
  }

  /** Asks one real-time status; queued behind any question in flight and any late answer still owed. */
  requestStatus<K extends StatusKind>(kind: K): Promise<Extract<RealtimeStatus, { kind: K }>> {
    const task = this.queue.then(() => this.askStatus(kind));
    this.queue = task.catch(() => undefined);
    return task as Promise<Extract<RealtimeStatus, { kind: K }>>;
  }

  /** DLE EOT 1-4, each queued as above: a timeout stops the read, and the next question waits it out. */
  async readFullStatus(): Promise<FullStatus> {
    const printer = await this.requestStatus(1);
    const offline = await this.requestStatus(2);
    const error = await this.requestStatus(3);
    const paper = await this.requestStatus(4);
    return { printer, offline, error, paper };
  }

  /** Registers interest in a process-id answer before the request is written. */
  expectProcessId(id: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.processWaiters.delete(id);
        reject(new DeviceTimeoutError(this.deviceId, 'print completion', timeoutMs));
      }, timeoutMs);
      this.processWaiters.set(id, { resolve, reject, timer });
    });
  }

  cancelProcessId(id: string): void {
    const waiter = this.processWaiters.get(id);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.processWaiters.delete(id);
  }

  private async askStatus(kind: StatusKind): Promise<RealtimeStatus> {
    await this.lateReplies.whenQuiet();
    const answer = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.statusWaiter = undefined;
        // Opened before the rejection lets the next queued question run, so that one waits too.
        this.lateReplies.open();
        reject(new DeviceTimeoutError(this.deviceId, `DLE EOT ${kind}`, this.statusTimeoutMs));
      }, this.statusTimeoutMs);
      this.statusWaiter = { kind, resolve, reject, timer };
    });
    // The answer's timeout bounds the whole exchange, even a write that never completes.
    this.connection.write(escpos.realtimeStatus(kind)).catch((error: unknown) => {
      this.settleStatus()?.reject(error instanceof Error ? error : new Error(String(error)));
    });
    return decodeRealtimeStatus(kind, await answer);
  }

  private settleStatus(): Waiter<number> | undefined {
    const waiter = this.statusWaiter;
    this.statusWaiter = undefined;
    if (waiter) clearTimeout(waiter.timer);
    return waiter;
  }

  private receive(bytes: Buffer): void {
    const { responses, errors } = this.decoder.push(bytes);
    for (const response of responses) {
      if (response.type === 'status') this.receiveStatus(response.byte);
      else {
        const waiter = this.processWaiters.get(response.id);
        if (waiter) {
          clearTimeout(waiter.timer);
          this.processWaiters.delete(response.id);
          waiter.resolve();
        } else this.malformed(new FrameParseError('escpos', 'bad-value', 'process-id answer for no pending job'));
      }
    }
    errors.forEach((error) => this.malformed(error));
    // A half-received answer that stays half is truncated; check once the line has been quiet a while.
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.decoder.flush().forEach((error) => this.malformed(error)), 200);
    this.quietTimer.unref();
  }

  private receiveStatus(byte: number): void {
    // While a late answer is owed no question is in flight: a status byte now is that answer.
    if (this.lateReplies.takeLateReply()) {
      this.logger.info({ deviceId: this.deviceId }, 'late printer status answer dropped');
      return;
    }
    const waiter = this.settleStatus();
    if (waiter) waiter.resolve(byte);
    else this.malformed(new FrameParseError('escpos', 'garbage', 'status byte nobody asked for'));
  }

  private malformed(error: FrameParseError): void {
    this.malformedListeners.emit(error);
  }

  private failAll(error: Error): void {
    this.lateReplies.shut();
    this.settleStatus()?.reject(error);
    for (const [id, waiter] of this.processWaiters) {
      clearTimeout(waiter.timer);
      this.processWaiters.delete(id);
      waiter.reject(error);
    }
  }
}
