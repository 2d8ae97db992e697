import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { VirtualDeviceError } from '../errors';
import { delay } from '../logger';
import { ValueTag } from '../ipp/codec';
import { IppClient, Operation } from '../ipp/client';
import { GroupTag } from '../ipp/codec';
import { PaperTray } from './paper-tray';

const run = promisify(execFile);

export interface PrivateCupsOptions {
  /** Everything (config, spool, logs, state) lives here; created if missing. */
  dir: string;
  queue?: string;
  /** The queue's device: `cups-pdf:/` (default; a real PDF comes out) or any URI lpadmin accepts. */
  deviceUri?: string;
  /** PPD for the queue; default the CUPS-PDF one. */
  ppd?: string;
  /**
   * The output tray: where the CUPS-PDF queue's PDFs land (0700, this process's user; files 0600), emptied
   * at start. Default `<dir>/tray`. The agent puts it in its data directory.
   */
  trayDir?: string;
  cupsdPath?: string;
  lpadminPath?: string;
  unsharePath?: string;
  startTimeoutMs?: number;
}

/**
 * Where printer-driver-cups-pdf writes jobs of users it does not know under the system's configuration
 * (its Debian default: world-writable, files 0666, shared by everyone). A private CUPS never writes there.
 */
export const CUPS_PDF_ANONYMOUS_DIR = '/var/spool/cups-pdf/ANONYMOUS';

/** The configuration the cups-pdf backend reads; its path is compiled in. */
const CUPS_PDF_SYSTEM_CONF = '/etc/cups/cups-pdf.conf';

/**
 * A private `cupsd` for tests and the demo: its own config, spool, logs and state under `dir`, listening on
 * 127.0.0.1 at a free port, with one queue (default: CUPS-PDF). Jobs' documents are kept in the spool
 * (`PreserveJobFiles`), so the exact bytes CUPS received can be compared with what was submitted. The
 * system's CUPS configuration is never touched.
 *
 * The CUPS-PDF backend (root) reads `/etc/cups/cups-pdf.conf`, a path compiled into it, and its PPD options
 * cannot hold a path (libcups cuts a default value at its first `/`). So cupsd runs in its own mount
 * namespace (util-linux `unshare`, which needs root, as cupsd and the backend do) where our own
 * `<dir>/cups-pdf.conf` is bind-mounted over that file: only this cupsd's jobs see it, nothing is written
 * to `/etc`, and the mount disappears with the process. It sends every job to the tray (`trayDir`) as
 * the anonymous user, who is this process's user, with files 0600 in a 0700 directory; its spool, its
 * Ghostscript temporary files and its log stay under `dir` too.
 */
export class PrivateCups {
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
    readonly queue: string,
    /** The virtual printer's output tray (CUPS-PDF's output directory). */
    readonly tray: PaperTray,
    private readonly stderr: () => string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(options: PrivateCupsOptions): Promise<PrivateCups> {
    const dir = path.resolve(options.dir);
    const queue = options.queue ?? 'kiosk-a4';
    const port = await freePort();
    const tray = new PaperTray(path.resolve(options.trayDir ?? path.join(dir, 'tray')));
    await tray.prepare();
    await writeConfig(dir, port);
    await writeCupsPdfConfig(dir, tray.dir);
    await assertReachableByLp(dir);
    // unshare execs the shell, which execs cupsd: one process, stopped by its pid.
    const script = 'mount --bind "$1" "$2" && exec "$3" -f -c "$4" -s "$5"';
    const cupsd = options.cupsdPath ?? 'cupsd';
    const args = ['--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'private-cupsd', path.join(dir, 'cups-pdf.conf'), CUPS_PDF_SYSTEM_CONF, cupsd];
    args.push(path.join(dir, 'cupsd.conf'), path.join(dir, 'cups-files.conf'));
    const child = spawn(options.unsharePath ?? 'unshare', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const cups = new PrivateCups(child, dir, port, queue, tray, () => stderr);
    try {
      await cups.waitForPort(options.startTimeoutMs ?? 10_000);
      await cups.addQueue(queue, { deviceUri: options.deviceUri, ppd: options.ppd, lpadminPath: options.lpadminPath });
    } catch (error) {
      await cups.stop();
      throw new VirtualDeviceError(`private cupsd did not start: ${error instanceof Error ? error.message : String(error)} ${stderr.trim()}`);
    }
    return cups;
  }

  get printerUri(): string {
    return this.queueUri(this.queue);
  }

  queueUri(queue: string): string {
    return `ipp://127.0.0.1:${this.port}/printers/${queue}`;
  }

  /** Adds (or changes) a queue with lpadmin; `errorPolicy: 'abort-job'` makes a failing device abort jobs. */
  async addQueue(
    queue: string,
    options: { deviceUri?: string | undefined; ppd?: string | undefined; errorPolicy?: 'abort-job' | 'stop-printer'; lpadminPath?: string | undefined } = {},
  ): Promise<void> {
    const args = ['-h', `127.0.0.1:${this.port}`, '-p', queue, '-E', '-v', options.deviceUri ?? 'cups-pdf:/'];
    args.push('-P', options.ppd ?? '/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd');
    if (options.errorPolicy) args.push('-o', `printer-error-policy=${options.errorPolicy}`);
    await run(options.lpadminPath ?? 'lpadmin', args, { timeout: 10_000 });
  }

  get spoolDir(): string {
    return path.join(this.dir, 'spool');
  }

  /** The exact document CUPS received for a job. */
  spooledDocument(jobId: number): Promise<Buffer> {
    return fs.readFile(path.join(this.spoolDir, `d${String(jobId).padStart(5, '0')}-001`));
  }

  /** The PDF CUPS-PDF wrote for a job (it names files `<title>-job_<id>.pdf`), if it is still in the tray. */
  printedPdf(jobName: string, jobId: number): Promise<string | undefined> {
    return this.tray.find(jobName, jobId);
  }

  /** Stops the queue (jobs wait, state `stopped`, reason `paused`): what an offline printer looks like. */
  async pause(): Promise<void> {
    await this.admin().call(Operation.pausePrinter, 'Pause-Printer');
  }

  async resume(): Promise<void> {
    await this.admin().call(Operation.resumePrinter, 'Resume-Printer');
  }

  /** Sets printer-state-reasons as a backend would report them (e.g. `media-empty-error`, `door-open-error`). */
  async setStateReasons(reasons: string[]): Promise<void> {
    await this.admin().call(Operation.cupsAddModifyPrinter, 'CUPS-Add-Modify-Printer', [], [
      { tag: GroupTag.printer, attributes: [{ name: 'printer-state-reasons', tag: ValueTag.keyword, values: reasons.length ? reasons : ['none'] }] },
    ]);
  }

  /** cupsd's own error log, for diagnosing a test. */
  errorLog(): Promise<string> {
    return fs.readFile(path.join(this.dir, 'log', 'error_log'), 'utf8').catch(() => this.stderr());
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killTimer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killTimer);
    }
  }

  private admin(): IppClient {
    return new IppClient(this.printerUri, undefined, 10_000, 'root');
  }

  private async waitForPort(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new VirtualDeviceError(`cupsd exited (${this.child.exitCode})`);
      if (await canConnect(this.port)) return;
      if (Date.now() > deadline) throw new VirtualDeviceError(`cupsd not listening on ${this.port}`);
      await delay(50);
    }
  }
}

async function writeConfig(dir: string, port: number): Promise<void> {
  for (const sub of ['root', 'spool', 'spool/tmp', 'cache', 'state', 'log']) await fs.mkdir(path.join(dir, sub), { recursive: true });
  // Filters run as `lp` and must reach the spool through this directory.
  await fs.chmod(dir, 0o755);
  const files = [
    `ServerRoot ${dir}/root`,
    `RequestRoot ${dir}/spool`,
    `TempDir ${dir}/spool/tmp`,
    `CacheDir ${dir}/cache`,
    `StateDir ${dir}/state`,
    `AccessLog ${dir}/log/access_log`,
    `ErrorLog ${dir}/log/error_log`,
    `PageLog ${dir}/log/page_log`,
    'User lp',
    'Group lp',
    'SystemGroup root',
    // Lets a test queue write to a device file (e.g. /dev/full, a device that always fails).
    'FileDevice Yes',
  ];
  const conf = [
    `Listen 127.0.0.1:${port}`,
    'LogLevel info',
    'Browsing No',
    'WebInterface No',
    'DefaultAuthType None',
    // Keep every job's document in the spool: the proof of exactly what was printed.
    'PreserveJobFiles Yes',
    'PreserveJobHistory Yes',
    'JobRetryInterval 1',
    '<Location />',
    '  Order allow,deny',
    '  Allow from 127.0.0.1',
    '</Location>',
    '<Policy default>',
    '  JobPrivateAccess all',
    '  JobPrivateValues none',
    '  SubscriptionPrivateAccess all',
    '  SubscriptionPrivateValues none',
    '  <Limit All>',
    '    Order deny,allow',
    '  </Limit>',
    '</Policy>',
  ];
  await fs.writeFile(path.join(dir, 'cups-files.conf'), `${files.join('\n')}\n`);
  await fs.writeFile(path.join(dir, 'cupsd.conf'), `${conf.join('\n')}\n`);
}

/**
 * The CUPS-PDF backend's configuration for this cupsd (see PrivateCups). `UserPrefix` matches no account,
 * so every job is the anonymous user's, and the anonymous user is this process's user: Ghostscript writes
 * the PDF as the tray's owner, and the backend sets it to 0600 (`AnonUMask 0077`). `Out` is set too, so no
 * path leads back to the shared spool.
 */
async function writeCupsPdfConfig(dir: string, trayDir: string): Promise<void> {
  const gsTmp = path.join(dir, 'cups-pdf-tmp');
  await fs.mkdir(gsTmp, { recursive: true, mode: 0o700 });
  await fs.chmod(gsTmp, 0o700);
  const lines = [
    `Out ${trayDir}`,
    `AnonDirName ${trayDir}`,
    `AnonUser ${userInfo().username}`,
    'UserPrefix private-cups-anonymous-',
    'AnonUMask 0077',
    'UserUMask 0077',
    `Spool ${path.join(dir, 'cups-pdf-spool')}`,
    `GSTmp ${gsTmp}`,
    `Log ${path.join(dir, 'log')}`,
    'Grp lp',
  ];
  await fs.writeFile(path.join(dir, 'cups-pdf.conf'), `${lines.join('\n')}\n`, { mode: 0o600 });
}

/**
 * CUPS filters run as `lp` and read the spool under `dir`: every directory above it must be searchable by
 * others. Say so plainly instead of letting every job fail with "filter errors".
 */
async function assertReachableByLp(dir: string): Promise<void> {
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) throw new VirtualDeviceError(`${current} is not searchable by others; CUPS filters (user lp) could not read the spool under ${dir}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
