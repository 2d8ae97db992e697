import type { DeviceHealth, DeviceReason } from '@kiosk/protocols';
import type { ReceiptPrinter } from '../contracts';
import { DeviceDisconnectedError, DeviceTimeoutError, PaperOutError, PrinterNotReadyError, type FrameParseError } from '../errors';
import { HealthTracker } from '../health/health';
import { describeError, delay, runDetached, silentLogger, systemClock, type Clock, type PeripheralLogger } from '../logger';
import type { SerialIdentity, SerialLocator } from '../serial/identity';
import { SerialConnection } from '../serial/serial-connection';
import type { SerialLinkFactory } from '../serial/serial-link';
import { EscPosChannel } from './channel';
import { encodeReceipt, escpos, type Receipt } from './commands';
import { statusReasons, type FullStatus } from './status';

export interface EscPosPrinterOptions {
  id: string;
  identity: SerialIdentity;
  baudRate?: number;
  /** Status poll period (health events). */
  pollMs?: number;
  /** How long one DLE EOT answer may take. */
  statusTimeoutMs?: number;
  /**
   * After an unanswered DLE EOT, how long the line must stay quiet before the next status question (the late
   * answer, if it comes, is dropped instead of being paired with the next question). Default: statusTimeoutMs.
   */
  lateStatusQuietMs?: number;
  /**
   * Status reads in a row without an answer before the printer is reported in error ('timeout'); default 2.
   * One late answer under load is not a fault, and a console that flashes red for nothing teaches people to
   * ignore red.
   */
  timeoutsBeforeFault?: number;
  /** How long a whole receipt may take to print. */
  printTimeoutMs?: number;
  watchMs?: number;
  factory?: SerialLinkFactory;
  locator?: SerialLocator;
  clock?: Clock;
  logger?: PeripheralLogger;
}

/** Reasons that stop a print before or during the job. Near-end does not. */
const BLOCKING: ReadonlySet<DeviceReason> = new Set(['paper-end', 'cover-open', 'jam', 'offline']);

/**
 * Receipt printer over ESC/POS on a serial line. Health comes from polling DLE EOT 1-4. A receipt counts
 * as printed only when the printer answers the job's process-id request, which it does after printing
 * everything before it; if the paper runs out (or the cover opens, or the cutter jams) first, the job is
 * aborted, the printer's buffers are cleared so the rest never prints later, and the caller gets
 * PaperOutError / PrinterNotReadyError.
 */
export class EscPosReceiptPrinter implements ReceiptPrinter {
  readonly kind = 'receipt-printer' as const;
  private readonly connection: SerialConnection;
  private readonly channel: EscPosChannel;
  private readonly tracker: HealthTracker;
  private readonly logger: PeripheralLogger;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private nextJob = 1;
  private lastStatus: FullStatus | undefined;
  /** Status reads in a row that got no answer in time; any answer resets it. */
  private statusTimeouts = 0;

  constructor(private readonly options: EscPosPrinterOptions) {
    this.logger = options.logger ?? silentLogger;
    this.tracker = new HealthTracker(options.id, 'receipt-printer', options.clock ?? systemClock, this.logger);
    this.connection = new SerialConnection({
      deviceId: options.id,
      identity: options.identity,
      baudRate: options.baudRate ?? 38400,
      ...(options.factory ? { factory: options.factory } : {}),
      ...(options.locator ? { locator: options.locator } : {}),
      ...(options.watchMs ? { watchMs: options.watchMs } : {}),
      logger: this.logger,
    });
    this.channel = new EscPosChannel(this.connection, {
      deviceId: options.id,
      statusTimeoutMs: options.statusTimeoutMs ?? 1000,
      lateStatusQuietMs: options.lateStatusQuietMs,
      logger: this.logger,
    });
    this.connection.on('state', (state) => {
      if (state === 'connected') runDetached(this.logger, 'printer status poll', () => this.poll());
      else {
        // Timeouts count on one connection; a disconnection is reported at once, whatever the count.
        this.statusTimeouts = 0;
        this.tracker.update(['disconnected'], { detail: `waiting for ${this.connection.identity}` });
      }
    });
    this.channel.onMalformed((error) => this.logger.warn({ deviceId: options.id, reason: error.reason }, 'malformed printer response'));
  }

  get id(): string {
    return this.options.id;
  }

  async start(): Promise<void> {
    await this.connection.start();
    if (this.connection.state !== 'connected') this.tracker.update(['not-found'], { detail: `no device at ${this.connection.identity}` });
    this.pollTimer = setInterval(() => runDetached(this.logger, 'printer status poll', () => this.poll()), this.options.pollMs ?? 1000);
  }

  async stop(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    await this.connection.stop();
  }

  health(): DeviceHealth {
    return this.tracker.health();
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    return this.tracker.onChange(listener);
  }

  onMalformed(listener: (error: FrameParseError) => void): () => void {
    return this.channel.onMalformed(listener);
  }

  /** The last full status read (for the device panel). */
  status(): FullStatus | undefined {
    return this.lastStatus;
  }

  async print(receipt: Receipt): Promise<void> {
    const job = encodeReceipt(receipt);
    if (this.connection.state !== 'connected') throw new DeviceDisconnectedError(this.id);
    this.throwIfBlocked(await this.statusBeforeJob());

    const processId = String(this.nextJob++ % 10_000).padStart(4, '0');
    const timeoutMs = this.options.printTimeoutMs ?? 15_000;
    const job$ = { settled: false };
    const outcome = this.channel.expectProcessId(processId, timeoutMs).finally(() => {
      job$.settled = true;
    });
    try {
      const written = this.connection.write(Buffer.concat([job, escpos.processIdRequest(processId)]));
      // The job's own timeout bounds everything, including a write that never drains.
      await Promise.race([Promise.all([written, outcome]), this.watchJob(job$)]);
      this.logger.info({ deviceId: this.id, processId }, 'receipt printed');
    } catch (error) {
      job$.settled = true;
      this.channel.cancelProcessId(processId);
      outcome.catch(() => undefined);
      await this.abortJob();
      throw error;
    } finally {
      job$.settled = true;
      runDetached(this.logger, 'printer status poll', () => this.poll());
    }
  }

  testPrint(): Promise<void> {
    return this.print({ lines: [{ text: 'テスト印字 / TEST PRINT', align: 'center' }, { text: this.id }] });
  }

  async reset(): Promise<void> {
    await this.connection.write(escpos.clearBuffers());
    await this.poll();
  }

  /**
   * Rejects as soon as a status poll shows the job cannot finish; returns once the job has settled either
   * way (its own result decides the race then).
   */
  private async watchJob(job: { settled: boolean }): Promise<void> {
    const pollMs = Math.max(50, Math.min(this.options.pollMs ?? 1000, 250));
    while (!job.settled) {
      await delay(pollMs);
      if (job.settled) return;
      const status = await this.refreshStatus().catch((error: unknown) => {
        // One unanswered poll does not stop the job; the next poll asks again, the job's timeout bounds all.
        if (this.isLoneTimeout(error)) return undefined;
        throw error;
      });
      // The process-id answer precedes any later status byte on the wire: check it before judging.
      if (job.settled) return;
      if (status) this.throwIfBlocked(status);
    }
  }

  private throwIfBlocked(status: FullStatus): void {
    const reasons = statusReasons(status);
    if (reasons.includes('paper-end')) throw new PaperOutError(this.id);
    const blocking = reasons.filter((reason) => BLOCKING.has(reason));
    if (blocking.length) throw new PrinterNotReadyError(this.id, blocking);
  }

  private async abortJob(): Promise<void> {
    try {
      await this.connection.write(escpos.clearBuffers());
    } catch (error) {
      this.logger.warn({ deviceId: this.id, err: describeError(error) }, 'could not clear printer buffers');
    }
  }

  /**
   * The status read that lets a job start. A resident has paid and is waiting, so one unanswered read is
   * asked again before the job fails.
   */
  private async statusBeforeJob(): Promise<FullStatus> {
    try {
      return await this.refreshStatus();
    } catch (error) {
      if (!(error instanceof DeviceTimeoutError)) throw error;
      return this.refreshStatus();
    }
  }

  private get timeoutsBeforeFault(): number {
    return this.options.timeoutsBeforeFault ?? 2;
  }

  /** A status timeout that has not (yet) made the printer faulty. */
  private isLoneTimeout(error: unknown): boolean {
    return error instanceof DeviceTimeoutError && this.statusTimeouts < this.timeoutsBeforeFault;
  }

  private async refreshStatus(): Promise<FullStatus> {
    try {
      const status = await this.channel.readFullStatus();
      this.statusTimeouts = 0;
      this.lastStatus = status;
      this.tracker.update(statusReasons(status));
      return status;
    } catch (error) {
      if (error instanceof DeviceTimeoutError) this.countTimeout(error);
      throw error;
    }
  }

  private countTimeout(error: DeviceTimeoutError): void {
    this.statusTimeouts += 1;
    if (this.statusTimeouts >= this.timeoutsBeforeFault) {
      this.tracker.update(['timeout'], { detail: error.message });
      return;
    }
    this.logger.info({ deviceId: this.id, operation: error.operation, timeoutMs: error.timeoutMs }, 'printer status answer late; not a fault unless the next is too');
  }

  private async poll(): Promise<void> {
    if (this.polling || this.connection.state !== 'connected') return;
    this.polling = true;
    try {
      await this.refreshStatus();
    } catch (error) {
      if (!(error instanceof DeviceDisconnectedError || error instanceof DeviceTimeoutError)) throw error;
    } finally {
      this.polling = false;
    }
  }
}
