import { execFile } from 'node:child_process';
import net from 'node:net';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { IppClient, IppDocumentPrinter, InvalidArgumentError, IppJobState, PrintJobFailedError } from '../../src/peripherals';
import { PrivateCups, CUPS_PDF_ANONYMOUS_DIR } from '../../src/virtual';
import { makeTempDir, waitFor } from './support/wait';

jest.setTimeout(30_000);
const run = promisify(execFile);

/** A one-page PDF written out by hand: five objects, a text stream, and a cross-reference table. */
function handmadePdf(text: string): Buffer {
  const stream = `BT /F1 20 Tf 72 760 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 6\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** A loopback port nothing listens on (taken from the OS, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('A4 printer over IPP to a private CUPS', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let cups: PrivateCups;
  let printer: IppDocumentPrinter;
  const tag = `t${process.pid}${Date.now().toString(36)}`;

  beforeAll(async () => {
    temp = await makeTempDir('cups');
    cups = await PrivateCups.start({ dir: temp.dir });
    printer = new IppDocumentPrinter({ id: 'a4', printerUri: cups.printerUri, pollMs: 200, jobPollMs: 100 });
    await printer.start();
  });

  afterAll(async () => {
    await printer.stop();
    await cups.stop();
    // Everything it printed was in the tray under the temp dir: nothing is left anywhere else.
    await temp.remove();
  });

  it('prints a PDF to completion; CUPS spooled exactly the submitted bytes and CUPS-PDF wrote the page into its own tray', async () => {
    expect(printer.health().status).toBe('ok');
    const pdf = handmadePdf(`CERTIFICATE ${tag}`);
    const jobName = `cert-${tag}`;
    const result = await printer.printPdf(pdf, { jobName, timeoutMs: 20_000 });
    expect(result.state).toBe('completed');
    expect((await cups.spooledDocument(result.jobId)).equals(pdf)).toBe(true);
    // Completed means the backend is done: the PDF is in the tray already.
    const output = await cups.printedPdf(jobName, result.jobId);
    if (!output) throw new Error(`job ${result.jobId}: no PDF in ${cups.tray.dir}`);
    expect(path.dirname(output)).toBe(cups.tray.dir);
    const { stdout } = await run('pdftotext', [output, '-']);
    expect(stdout).toContain(`CERTIFICATE ${tag}`);
    // Paper in a tray only this user can open: the directory 0700, the file 0600, both ours.
    const trayStat = await stat(cups.tray.dir);
    const fileStat = await stat(output);
    expect((trayStat.mode & 0o777).toString(8)).toBe('700');
    expect((fileStat.mode & 0o777).toString(8)).toBe('600');
    expect([trayStat.uid, fileStat.uid]).toEqual([process.getuid?.(), process.getuid?.()]);
    // Not in the system's shared CUPS-PDF spool.
    const shared = await readdir(CUPS_PDF_ANONYMOUS_DIR).catch(() => [] as string[]);
    expect(shared.filter((name) => name.startsWith(jobName))).toEqual([]);
    expect(await cups.tray.contents()).toEqual([{ jobId: result.jobId, file: output }]);

    // Taking the paper deletes it; taking it again finds nothing.
    expect(await cups.tray.take(result.jobId)).toBe(true);
    expect(await cups.printedPdf(jobName, result.jobId)).toBeUndefined();
    expect(await cups.tray.take(result.jobId)).toBe(false);
    expect(await cups.tray.contents()).toEqual([]);
  });

  it('reports printer-state-reasons as health and recovers', async () => {
    await cups.setStateReasons(['media-empty-error']);
    await waitFor('media-empty', () => printer.health().reasons.includes('media-empty'));
    expect(printer.health().status).toBe('error');
    await cups.setStateReasons(['door-open-error']);
    await waitFor('door-open', () => printer.health().reasons.includes('door-open'));
    await cups.setStateReasons(['media-low-warning']);
    await waitFor('near-end warning', () => printer.health().status === 'warning');
    await cups.setStateReasons([]);
    await waitFor('ok again', () => printer.health().status === 'ok');
  });

  it('a stopped queue is offline; a job there times out, is canceled and is never reported printed', async () => {
    await cups.pause();
    await waitFor('offline', () => printer.health().reasons.includes('offline'));
    const failure = await printer.printPdf(handmadePdf('NEVER'), { jobName: `stuck-${tag}`, timeoutMs: 1500 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PrintJobFailedError);
    expect(failure).toMatchObject({ jobState: 'timeout', printed: false });
    const jobId = (failure as PrintJobFailedError).jobId as number;
    expect((await new IppClient(cups.printerUri).getJob(jobId)).state).toBe(IppJobState.canceled);
    await cups.resume();
    await waitFor('ok after resume', () => printer.health().status === 'ok');
  });

  it('a document CUPS cannot print ends as aborted, not printed', async () => {
    const broken = Buffer.from('%PDF-1.4\nnot really a PDF\n', 'latin1');
    const failure = await printer.printPdf(broken, { jobName: `broken-${tag}`, timeoutMs: 15_000 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'print-job-failed', jobState: 'aborted', reasons: ['job-completed-with-errors'] });
  });

  it('refuses input that is not a PDF, and job names that could carry personal data, before CUPS sees them', async () => {
    await expect(printer.printPdf(Buffer.from('hello'), { jobName: 'x' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(printer.printPdf(handmadePdf('X'), { jobName: '山田 太郎' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('reports an unreachable CUPS as offline and rejects prints', async () => {
    const port = await closedPort();
    const dead = new IppDocumentPrinter({ id: 'a4-dead', printerUri: `ipp://127.0.0.1:${port}/printers/none`, pollMs: 60_000 });
    await dead.start();
    expect(dead.health()).toMatchObject({ status: 'error', reasons: ['offline'] });
    await expect(dead.printPdf(handmadePdf('X'), { jobName: 'dead' })).rejects.toMatchObject({ jobState: 'rejected' });
    await dead.stop();
  });
});
