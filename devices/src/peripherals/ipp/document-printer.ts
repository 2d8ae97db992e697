import type { DeviceHealth } from '@kiosk/protocols';
import type { DocumentPrinter, PrintJobResult, PrintPdfOptions } from '../contracts';
import { FrameParseError, InvalidArgumentError, IppStatusError, PrintJobFailedError } from '../errors';
import { Listeners } from '../events';
import { HealthTracker } from '../health/health';
import { delay, describeError, runDetached, silentLogger, systemClock, type Clock, type PeripheralLogger } from '../logger';
import { IppClient, JobState, type IppTransport } from './client';
import { interpretPrinter } from './printer-reasons';
import { minimalPdf } from './test-page';

export interface IppDocumentPrinterOptions {
  id: string;
  /** e.g. `ipp://127.0.0.1:631/printers/kiosk-a4`. */
  printerUri: string;
  /** Printer health poll period. */
  pollMs?: number;
  /** Job state poll period while a job runs. */
  jobPollMs?: number;
  /** Default time a job may take to complete. */
  timeoutMs?: number;
  transport?: IppTransport;
  clock?: Clock;
  logger?: PeripheralLogger;
}

/** job-state-reasons that mean a stopped job is dead, not waiting for the printer. */
const DEAD_JOB_REASONS: ReadonlySet<string> = new Set([
  'job-completed-with-errors',
  'document-format-error',
  'document-unprintable-error',
  'aborted-by-system',
]);

/**
 * A4 printer behind CUPS, over IPP. A PDF is submitted with Print-Job and followed with Get-Job-Attributes
 * until it is completed, aborted or canceled; only `completed` is success. A job that outlives its timeout
 * is canceled (so it cannot come out after the kiosk has refunded) and reported as failed. Queue health
 * comes from printer-state and printer-state-reasons.
 */
export class IppDocumentPrinter implements DocumentPrinter {
  readonly kind = 'document-printer' as const;
  private readonly client: IppClient;
  private readonly tracker: HealthTracker;
  private readonly logger: PeripheralLogger;
  private readonly malformed: Listeners<FrameParseError>;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: IppDocumentPrinterOptions) {
    this.logger = options.logger ?? silentLogger;
    this.client = new IppClient(options.printerUri, options.transport);
    this.tracker = new HealthTracker(options.id, 'document-printer', options.clock ?? systemClock, this.logger);
    this.malformed = new Listeners(`${options.id} malformed`, this.logger);
  }

  get id(): string {
    return this.options.id;
  }

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => runDetached(this.logger, 'ipp printer poll', () => this.poll()), this.options.pollMs ?? 5000);
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }

  health(): DeviceHealth {
    return this.tracker.health();
  }

  onHealthChange(listener: (health: DeviceHealth) => void): () => void {
    return this.tracker.onChange(listener);
  }

  onMalformed(listener: (error: FrameParseError) => void): () => void {
    return this.malformed.add(listener);
  }

  async printPdf(pdf: Uint8Array, options: PrintPdfOptions): Promise<PrintJobResult> {
    const document = Buffer.from(pdf);
    if (document.subarray(0, 5).toString('latin1') !== '%PDF-') throw new InvalidArgumentError('document is not a PDF');
    if (!/^[\w.-]{1,100}$/.test(options.jobName)) throw new InvalidArgumentError('job name: 1-100 of letters, digits, . _ -');
    let jobId: number;
    try {
      jobId = await this.client.printJob(document, options.jobName);
    } catch (error) {
      await this.poll();
      throw new PrintJobFailedError('rejected', undefined, [this.reasonOf(error)]);
    }
    this.logger.info({ deviceId: this.id, jobId }, 'print job submitted');
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let job;
      try {
        job = await this.client.getJob(jobId);
      } catch (error) {
        this.reportFailure(error);
        if (Date.now() > deadline) return this.giveUp(jobId, ['timeout']);
        await delay(this.options.jobPollMs ?? 250);
        continue;
      }
      if (job.state === JobState.completed) {
        this.logger.info({ deviceId: this.id, jobId }, 'print job completed');
        return { jobId, state: 'completed' };
      }
      if (job.state === JobState.aborted || job.state === JobState.canceled) {
        await this.poll();
        throw new PrintJobFailedError(job.state === JobState.aborted ? 'aborted' : 'canceled', jobId, job.reasons);
      }
      if (job.state === JobState.processingStopped && job.reasons.some((reason) => DEAD_JOB_REASONS.has(reason))) {
        // CUPS stops (rather than aborts) a job whose filters failed; it will never complete: end it now.
        await this.cancelQuietly(jobId);
        await this.poll();
        throw new PrintJobFailedError('aborted', jobId, job.reasons);
      }
      if (Date.now() > deadline) return this.giveUp(jobId, job.reasons);
      await delay(this.options.jobPollMs ?? 250);
    }
  }

  testPrint(): Promise<void> {
    const page = minimalPdf(['KIOSK TEST PAGE', `device ${this.id}`, (this.options.clock ?? systemClock).now().toISOString()]);
    return this.printPdf(page, { jobName: `test-page-${this.id}` }).then(() => undefined);
  }

  private async giveUp(jobId: number, reasons: string[]): Promise<never> {
    await this.cancelQuietly(jobId);
    await this.poll();
    throw new PrintJobFailedError('timeout', jobId, reasons);
  }

  private async cancelQuietly(jobId: number): Promise<void> {
    try {
      await this.client.cancelJob(jobId);
    } catch (error) {
      this.logger.warn({ deviceId: this.id, jobId, err: describeError(error) }, 'could not cancel job');
    }
  }

  private async poll(): Promise<void> {
    try {
      const printer = await this.client.getPrinter();
      const { reasons, status } = interpretPrinter(printer);
      this.tracker.update(reasons, { status, ...(printer.reasons.length ? { detail: printer.reasons.join(' ').slice(0, 500) } : {}) });
    } catch (error) {
      this.reportFailure(error);
    }
  }

  private reportFailure(error: unknown): void {
    if (error instanceof FrameParseError) this.malformed.emit(error);
    if (error instanceof IppStatusError && error.statusCode === 0x0406) {
      this.tracker.update(['not-found'], { detail: 'no such queue' });
      return;
    }
    this.tracker.update(['offline'], { detail: describeError(error).slice(0, 200) });
  }

  private reasonOf(error: unknown): string {
    if (error instanceof IppStatusError) return `ipp-status-0x${error.statusCode.toString(16).padStart(4, '0')}`;
    if (error instanceof FrameParseError) return 'malformed-response';
    return 'unreachable';
  }
}
