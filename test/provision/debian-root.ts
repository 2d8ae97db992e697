import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/processes';

/** How long building the cached Debian root may take from a cold cache (debootstrap + packages). */
export const COLD_BUILD_MS = 40 * 60_000;
/** How long one run of a command in the root may take. */
export const RUN_MS = 10 * 60_000;
const ROOT_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

/** Why the provisioning test cannot run here, or null. */
export function provisioningUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (debootstrap, chroot and mount need root)';
  if (spawnSync('debootstrap', ['--version']).error) return 'debootstrap is not installed (apt-get install debootstrap)';
  if (!existsSync('/etc/debian_version')) return 'not a Debian machine';
  return null;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** One file's state as the "changes nothing" check compares it. */
export interface FileState {
  kind: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs?: number;
  digest?: string;
}

/**
 * A throw-away Debian 12 machine for the provisioning test (issue 19): an overlay on the cached root of
 * build-debian-root.sh (so the cache is never changed and everything written lands in `upper`), with
 * /proc, /sys and /dev, this checkout read-only at /mnt/kiosk-src, a release staged from it read-only at
 * /mnt/kiosk-release, and this machine's Node.js at /root/node. `close()` unmounts and removes it all.
 */
export class DebianRoot {
  private readonly work = mkdtempSync(path.join(tmpdir(), 'kiosk-provision-'));
  readonly upper = path.join(this.work, 'upper');
  readonly root = path.join(this.work, 'root');
  private readonly mounts: string[] = [];

  /** `releaseVersion`: the version the staged release is marked with. */
  open(releaseVersion: string): void {
    const cached =
      execFileSync('bash', [path.join(repoRoot, 'test/provision/build-debian-root.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: COLD_BUILD_MS,
      })
        .trim()
        .split('\n')
        .pop() ?? '';
    const overlayWork = path.join(this.work, 'overlay-work');
    for (const dir of [this.upper, overlayWork, this.root]) mkdirSync(dir);
    this.mount(['-t', 'overlay', 'overlay', '-o', `lowerdir=${cached},upperdir=${this.upper},workdir=${overlayWork}`], this.root);
    this.mount(['-t', 'proc', 'proc'], this.file('proc'));
    this.mount(['--bind', '/sys'], this.file('sys'));
    this.mount(['--bind', '/dev'], this.file('dev'));
    mkdirSync(this.file('mnt/kiosk-src'), { recursive: true });
    this.mount(['--bind', repoRoot], this.file('mnt/kiosk-src'));
    execFileSync('mount', ['-o', 'remount,bind,ro', this.file('mnt/kiosk-src')]);
    // The agent to install: this checkout's release files, staged once by the script's own helper and
    // marked as an unpacked bundled release, so every run installs the same bytes even while the
    // checkout's build output is being rewritten by other work on this machine.
    const release = path.join(this.work, 'release');
    execFileSync(process.execPath, [path.join(repoRoot, 'deploy/kiosk/stage-release.mjs'), repoRoot, release]);
    writeFileSync(path.join(release, 'release.json'), `${JSON.stringify({ version: releaseVersion, dependencies: 'bundled' })}\n`);
    mkdirSync(this.file('mnt/kiosk-release'));
    this.mount(['--bind', '-o', 'ro', release], this.file('mnt/kiosk-release'));
    // The kiosk's Node.js: Debian 12 ships 18, so the agent's runtime comes with --node (this machine's).
    copyFileSync(process.execPath, this.file('root/node'));
  }

  close(): void {
    for (const at of this.mounts.reverse()) spawnSync('umount', ['-l', at]);
    rmSync(this.work, { recursive: true, force: true });
  }

  file(inside: string): string {
    return path.join(this.root, inside);
  }

  /** A command in the root, synchronously (quick look-ups only: it blocks this process). */
  run(command: string, args: string[]): Run {
    const result = spawnSync('chroot', [this.root, command, ...args], { encoding: 'utf8', env: ROOT_ENV, timeout: RUN_MS });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** The install script in the root, asynchronously (a hub in this process keeps answering); throws unless it exits 0. */
  async install(args: string[]): Promise<Run> {
    const run = await this.attemptInstall(args);
    if (run.status !== 0) throw new Error(`install-kiosk.sh exited ${String(run.status)}:\n${run.stdout}\n${run.stderr}`);
    return run;
  }

  /** The install script in the root, whatever its exit status (for the settings it must refuse). */
  async attemptInstall(args: string[]): Promise<Run> {
    const child = spawn('chroot', [this.root, '/mnt/kiosk-src/scripts/install-kiosk.sh', '--from', '/mnt/kiosk-release', '--node', '/root/node', ...args], {
      env: ROOT_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: Run = { status: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString('utf8')));
    run.status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return run;
  }

  modeOf(inside: string): string {
    return (statSync(this.file(inside)).mode & 0o7777).toString(8).padStart(4, '0');
  }

  /** `user:group` by the root's own names. */
  ownerOf(inside: string): string {
    const stat = lstatSync(this.file(inside));
    return `${this.nameOf('etc/passwd', stat.uid)}:${this.nameOf('etc/group', stat.gid)}`;
  }

  passwdEntry(name: string): string[] {
    const line = readFileSync(this.file('etc/passwd'), 'utf8').split('\n').find((entry) => entry.startsWith(`${name}:`));
    if (!line) throw new Error(`no user ${name}`);
    return line.split(':');
  }

  installedPackage(name: string): boolean {
    return this.run('dpkg-query', ['-W', '-f=${db:Status-Status}', name]).stdout === 'installed';
  }

  /** Every file written since the cached root (the overlay's upper layer): content, mode, owner, mtime. */
  snapshot(): Map<string, FileState> {
    const states = new Map<string, FileState>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        const relative = path.relative(this.upper, full);
        if (/^(tmp|var\/tmp|root)(\/|$)/.test(relative)) continue;
        const stat = lstatSync(full);
        const base = { mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
        if (stat.isDirectory()) {
          // A directory's mtime moves with a temporary file made and removed in it: owner and mode only.
          states.set(relative, { kind: 'dir', ...base });
          walk(full);
        } else if (stat.isSymbolicLink()) {
          states.set(relative, { kind: 'link', ...base, digest: readlinkSync(full) });
        } else {
          const digest = stat.isFile() ? createHash('sha256').update(readFileSync(full)).digest('hex') : 'special';
          states.set(relative, { kind: 'file', ...base, mtimeMs: stat.mtimeMs, digest });
        }
      }
    };
    walk(this.upper);
    return states;
  }

  private mount(args: string[], at: string): void {
    execFileSync('mount', [...args, at]);
    this.mounts.push(at);
  }

  private nameOf(table: string, id: number): string {
    const line = readFileSync(this.file(table), 'utf8').split('\n').find((entry) => entry.split(':')[2] === String(id));
    return line?.split(':')[0] ?? String(id);
  }
}
