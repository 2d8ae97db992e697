import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { VirtualDeviceError } from '../errors';
import { delay } from '../logger';

export interface SocatPtyPairOptions {
  /** The stable path the driver opens (the virtual device's identity). */
  hostLink: string;
  /** The path the simulator opens. */
  deviceLink: string;
  socatPath?: string;
  startTimeoutMs?: number;
}

/**
 * A `socat` pty pair: two pseudo-terminals wired back to back, each reachable through a symlink. The driver
 * gets a real tty (termios, EIO when the far end goes) exactly like a USB serial adapter. Stopping socat
 * removes both links, which is what unplugging looks like to the driver.
 */
export class SocatPtyPair {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly hostLink: string,
    readonly deviceLink: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(options: SocatPtyPairOptions): Promise<SocatPtyPair> {
    const { hostLink, deviceLink } = options;
    await Promise.all([hostLink, deviceLink].map((link) => fs.rm(link, { force: true })));
    const child = spawn(
      options.socatPath ?? 'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${hostLink}`, `pty,raw,echo=0,link=${deviceLink}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    const pair = new SocatPtyPair(child, hostLink, deviceLink);
    let failed: Error | undefined;
    child.once('error', (error) => {
      failed = error;
    });
    const deadline = Date.now() + (options.startTimeoutMs ?? 5000);
    for (;;) {
      if (failed) throw new VirtualDeviceError(`socat could not start: ${failed.message}`);
      if (child.exitCode !== null) throw new VirtualDeviceError(`socat exited (${child.exitCode}): ${stderr.trim()}`);
      if ((await exists(hostLink)) && (await exists(deviceLink))) return pair;
      if (Date.now() > deadline) {
        await pair.stop();
        throw new VirtualDeviceError(`socat did not create ${hostLink} and ${deviceLink} in time`);
      }
      await delay(20);
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops socat and waits for it to exit; the links are gone afterwards. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const killTimer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(killTimer);
    }
    await Promise.all([this.hostLink, this.deviceLink].map((link) => fs.rm(link, { force: true })));
  }
}

async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch {
    return false;
  }
}
