import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualCardError } from '../errors';
import { type CardLogger, silentCardLogger } from '../logger';

/** vpcd's default port; every sandbox has its own network namespace, so every instance can use it. */
export const VPCD_PORT = 0x8c7b;
/** Slots Debian's vpcd build exposes for one reader.conf entry: "Virtual PCD 00 00" and "Virtual PCD 00 01". */
export const VPCD_SLOTS = 2;
export const DEFAULT_VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

export interface PcscdProcessOptions {
  /** Where the sandbox keeps its socket, config and relays. Default: a fresh directory under the OS tmp dir. */
  workDir?: string;
  /**
   * Turn on TCP quick ACKs on the sandbox's loopback route. Debian's vpcd writes the length and the APDU
   * in two send() calls, so Nagle + delayed ACK add ~40 ms to every APDU; real readers have no such link.
   * Default true; the benchmark turns it off to show the difference.
   */
  quickAck?: boolean;
  vpcdDriver?: string;
  logger?: CardLogger;
  startTimeoutMs?: number;
}

/**
 * pcscd for tests and the demo: `pcscd --foreground` with the vpcd driver, inside its own mount, network
 * and PID namespaces (util-linux `unshare`):
 *  - the mount namespace puts a private directory over /run, so pcscd's socket (/run/pcscd/pcscd.comm,
 *    fixed at build time: pcscd itself ignores PCSCLITE_CSOCK_NAME) and pid file never meet the system
 *    pcscd or another instance; clients reach it with PCSCLITE_CSOCK_NAME = `socketPath`;
 *  - the network namespace holds vpcd's listening ports (vpcd binds INADDR_ANY): nothing on any real
 *    interface, not even the host's loopback, can reach them. The emulator gets in through one Unix
 *    socket per slot (mode 0600) that a `socat` relay inside the namespace forwards to vpcd's port;
 *  - the PID namespace makes teardown total: when its init exits, the kernel kills and reaps the rest.
 * As root the namespaces need nothing more; otherwise a user namespace maps us to root inside.
 */
export class PcscdProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> | null = null;
  private dir: string | null;
  private readonly ownsDir: boolean;
  private readonly logger: CardLogger;

  constructor(private readonly options: PcscdProcessOptions = {}) {
    this.dir = options.workDir ?? null;
    this.ownsDir = options.workDir === undefined;
    this.logger = options.logger ?? silentCardLogger;
  }

  /** PCSCLITE_CSOCK_NAME for every client of this pcscd (PcscCardReader's `pcscSocketPath`). */
  get socketPath(): string {
    return path.join(this.workDir(), 'run', 'pcscd', 'pcscd.comm');
  }

  /** The Unix socket a VirtualCardSlot connects to for vpcd slot `slot`. */
  relaySocketPath(slot: number): string {
    if (!Number.isInteger(slot) || slot < 0 || slot >= VPCD_SLOTS) throw new VirtualCardError(`vpcd has slots 0..${VPCD_SLOTS - 1}`);
    return path.join(this.workDir(), `vpcd-${slot}.sock`);
  }

  static readerName(slot: number): string {
    return `Virtual PCD 00 ${String(slot).padStart(2, '0')}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    if (!this.dir) this.dir = await mkdtemp(path.join(tmpdir(), 'kiosk-pcscd-'));
    const dir = this.dir;
    await rm(path.join(dir, 'run'), { recursive: true, force: true }); // stale socket/pid of a killed run
    await mkdir(path.join(dir, 'run', 'pcscd'), { recursive: true });
    await mkdir(path.join(dir, 'reader.conf.d'), { recursive: true });
    await writeFile(path.join(dir, 'reader.conf.d', 'vpcd'), readerConf(this.options.vpcdDriver ?? DEFAULT_VPCD_DRIVER));
    await writeFile(path.join(dir, 'sandbox.sh'), SANDBOX_SCRIPT, { mode: 0o700 });
    const userNamespace = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
    const args = [
      // If this process dies, unshare dies; --kill-child then stops the sandbox's init, which stops the rest.
      ...['--pdeathsig', 'KILL', 'unshare'],
      ...[...userNamespace, '--mount', '--net', '--pid', '--fork', '--kill-child=SIGTERM'],
      ...['sh', path.join(dir, 'sandbox.sh'), dir, this.options.quickAck === false ? '0' : '1', String(VPCD_SLOTS)],
    ];
    const child = spawn('setpriv', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) this.logger.debug({ pcscd: line.trim() }, 'pcscd output');
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    this.exited = new Promise((resolve) => {
      const done = (): void => {
        if (this.child === child) this.child = null;
        resolve();
      };
      child.once('exit', (code, signal) => {
        this.logger.info({ code, signal }, 'pcscd sandbox exited');
        done();
      });
      child.once('error', (error) => {
        output += String(error);
        done();
      });
    });
    try {
      await this.waitReady(child, () => output);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.logger.info({ sandbox: child.pid }, 'pcscd started in its sandbox');
  }

  /** SIGTERM to the sandbox's init (it stops pcscd and the relays, then exits); SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    await this.signal('SIGTERM', graceMs);
  }

  /** For chaos tests: SIGKILL to pcscd, as if it crashed; the sandbox then winds down and exits. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 3000);
  }

  /** Stops pcscd and deletes the work directory if this instance created it. */
  async close(): Promise<void> {
    await this.stop();
    if (this.ownsDir && this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child?.pid || !exited) return;
    // setpriv became unshare, which waits for the sandbox's init (sandbox.sh) and ignores SIGTERM itself.
    const init = childPids(child.pid)[0];
    const target = signal === 'SIGKILL' && init ? childPids(init).find((pid) => commandName(pid) === 'pcscd') : init;
    if (target) process.kill(target, signal);
    else child.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const first = await Promise.race([exited.then(() => 'exited' as const), timeout]);
    clearTimeout(timer);
    if (first === 'timeout') {
      child.kill('SIGKILL'); // --kill-child still stops the init
      await exited;
    }
  }

  private async waitReady(child: ChildProcess, output: () => string): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10_000);
    const relays = Array.from({ length: VPCD_SLOTS }, (_, slot) => this.relaySocketPath(slot));
    while (Date.now() < deadline) {
      if (this.child !== child) {
        throw new VirtualCardError(`pcscd sandbox exited during start-up: ${output().trim() || 'no output'}`);
      }
      if (relays.every((relay) => existsSync(relay)) && (await canConnect(this.socketPath))) return;
      await delay(50);
    }
    throw new VirtualCardError(`pcscd did not open ${this.socketPath} in time: ${output().trim() || 'no output'}`);
  }

  private workDir(): string {
    if (!this.dir) throw new VirtualCardError('PcscdProcess has no work directory before start()');
    return this.dir;
  }
}

function readerConf(driver: string): string {
  // DEVICENAME /dev/null:<port> is vpcd's server mode. (Its "reverse" mode, <host>:<port>, crashes Debian's
  // build as soon as a card leaves: it then select()s on fd -1.) CHANNELID repeats the port for old pcscd.
  const port = `0x${VPCD_PORT.toString(16).toUpperCase()}`;
  return `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${port}\nLIBPATH      ${driver}\nCHANNELID    ${port}\n`;
}

/**
 * PID 1 of the sandbox's PID namespace: loopback up (with quick ACKs), the private /run, one socat relay
 * per vpcd slot, then pcscd. It reaps them all; when it exits the kernel takes down and reaps whatever is
 * left in the namespace (socat's per-connection children included), so nothing outlives a test.
 */
const SANDBOX_SCRIPT = `#!/bin/sh
set -eu
work="$1"; quickack="$2"; slots="$3"
ip link set lo up
if [ "$quickack" = 1 ]; then
  ip route replace local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1
  ip route replace local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1
fi
mount --bind "$work/run" /run
children=""
stop_all() {
  trap - TERM INT
  kill $children 2>/dev/null || true
  wait || true
  exit 0
}
trap stop_all TERM INT
slot=0
while [ "$slot" -lt "$slots" ]; do
  socat "UNIX-LISTEN:$work/vpcd-$slot.sock,fork,mode=600,unlink-early" "TCP:127.0.0.1:$((${VPCD_PORT} + slot)),nodelay" &
  children="$children $!"
  slot=$((slot + 1))
done
pcscd --foreground --config "$work/reader.conf.d" &
children="$children $!"
wait $! || true
stop_all
`;

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Child pids of `pid` (Linux /proc; needs CONFIG_PROC_CHILDREN, on in Debian kernels). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
