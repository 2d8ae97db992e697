import http from 'node:http';
import { FrameParseError, InvalidArgumentError, IppStatusError } from '../errors';
import { GroupTag, ValueTag, decodeMessage, encodeMessage, findAttribute, type IppAttribute, type IppMessage } from './codec';

export const Operation = {
  printJob: 0x0002,
  cancelJob: 0x0008,
  getJobAttributes: 0x0009,
  getPrinterAttributes: 0x000b,
  pausePrinter: 0x0010,
  resumePrinter: 0x0011,
  cupsAddModifyPrinter: 0x4003,
} as const;

/** RFC 8011 job-state values. */
export const JobState = { pending: 3, pendingHeld: 4, processing: 5, processingStopped: 6, canceled: 7, aborted: 8, completed: 9 } as const;
export const PrinterState = { idle: 3, processing: 4, stopped: 5 } as const;

/** Moves bytes to an IPP endpoint. The real one is HTTP POST; tests of the codec need no server. */
export interface IppTransport {
  post(url: URL, body: Buffer, timeoutMs: number): Promise<Buffer>;
}

export const httpTransport: IppTransport = {
  post(url, body, timeoutMs) {
    return new Promise((resolve, reject) => {
      const request = http.request(
        url,
        // One connection per request (agent: false): polls are seconds apart and nothing lingers after stop().
        { method: 'POST', agent: false, headers: { 'Content-Type': 'application/ipp', 'Content-Length': body.length }, timeout: timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode ?? '?'} from ${url.host}`));
            else resolve(Buffer.concat(chunks));
          });
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer from ${url.host} within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  },
};

const text = (name: string, tag: number, ...values: Array<string | number | boolean>): IppAttribute => ({ name, tag, values });

export interface IppJobStatus {
  state: number;
  reasons: string[];
}

export interface IppPrinterStatus {
  state: number;
  reasons: string[];
  acceptingJobs: boolean;
}

/** A small IPP client for one printer queue (CUPS `ipp://host:port/printers/<queue>`). */
export class IppClient {
  private requestId = 1;
  private readonly httpUrl: URL;

  constructor(
    readonly printerUri: string,
    private readonly transport: IppTransport = httpTransport,
    private readonly timeoutMs = 10_000,
    private readonly userName = 'kiosk',
  ) {
    // ipp: is not a "special" URL scheme, so the protocol cannot be swapped in place: rebuild it.
    const url = new URL(printerUri);
    if (url.protocol !== 'ipp:' && url.protocol !== 'http:') throw new InvalidArgumentError(`unsupported printer URI scheme ${url.protocol}`);
    this.httpUrl = new URL(`http://${url.hostname}:${url.port || '631'}${url.pathname}`);
  }

  async call(operation: number, name: string, extra: IppAttribute[] = [], groups: IppMessage['groups'] = [], data: Buffer = Buffer.alloc(0)): Promise<IppMessage> {
    const request: IppMessage = {
      version: 0x0200,
      code: operation,
      requestId: this.requestId++,
      groups: [
        {
          tag: GroupTag.operation,
          attributes: [
            text('attributes-charset', ValueTag.charset, 'utf-8'),
            text('attributes-natural-language', ValueTag.naturalLanguage, 'ja'),
            text('printer-uri', ValueTag.uri, this.printerUri),
            text('requesting-user-name', ValueTag.name, this.userName),
            ...extra,
          ],
        },
        ...groups,
      ],
      data,
    };
    const response = decodeMessage(await this.transport.post(this.httpUrl, encodeMessage(request), this.timeoutMs));
    if (response.requestId !== request.requestId) throw new FrameParseError('ipp', 'bad-value', `answer to request ${response.requestId}, not ${request.requestId}`);
    if (response.code >= 0x0100) {
      const message = findAttribute(response, GroupTag.operation, 'status-message')?.values[0];
      throw new IppStatusError(name, response.code, typeof message === 'string' ? message : undefined);
    }
    return response;
  }

  async printJob(document: Buffer, jobName: string, format = 'application/pdf'): Promise<number> {
    const response = await this.call(
      Operation.printJob,
      'Print-Job',
      [text('job-name', ValueTag.name, jobName), text('document-format', ValueTag.mimeMediaType, format)],
      [],
      document,
    );
    const jobId = findAttribute(response, GroupTag.job, 'job-id')?.values[0];
    if (typeof jobId !== 'number') throw new FrameParseError('ipp', 'bad-value', 'Print-Job answer without a job-id');
    return jobId;
  }

  async getJob(jobId: number): Promise<IppJobStatus> {
    const response = await this.call(Operation.getJobAttributes, 'Get-Job-Attributes', [
      text('job-id', ValueTag.integer, jobId),
      text('requested-attributes', ValueTag.keyword, 'job-state', 'job-state-reasons'),
    ]);
    const state = findAttribute(response, GroupTag.job, 'job-state')?.values[0];
    if (typeof state !== 'number') throw new FrameParseError('ipp', 'bad-value', 'job answer without job-state');
    return { state, reasons: strings(findAttribute(response, GroupTag.job, 'job-state-reasons')) };
  }

  async cancelJob(jobId: number): Promise<void> {
    await this.call(Operation.cancelJob, 'Cancel-Job', [text('job-id', ValueTag.integer, jobId)]);
  }

  async getPrinter(): Promise<IppPrinterStatus> {
    const response = await this.call(Operation.getPrinterAttributes, 'Get-Printer-Attributes', [
      text('requested-attributes', ValueTag.keyword, 'printer-state', 'printer-state-reasons', 'printer-is-accepting-jobs'),
    ]);
    const state = findAttribute(response, GroupTag.printer, 'printer-state')?.values[0];
    if (typeof state !== 'number') throw new FrameParseError('ipp', 'bad-value', 'printer answer without printer-state');
    return {
      state,
      reasons: strings(findAttribute(response, GroupTag.printer, 'printer-state-reasons')),
      acceptingJobs: findAttribute(response, GroupTag.printer, 'printer-is-accepting-jobs')?.values[0] !== false,
    };
  }
}

function strings(attribute: IppAttribute | undefined): string[] {
  return (attribute?.values ?? []).filter((value): value is string => typeof value === 'string');
}
