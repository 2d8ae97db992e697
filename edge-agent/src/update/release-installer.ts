import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { InstallLayout, InstallState } from './install-state';
import type { VerifiedRelease } from './release-check';

const run = promisify(execFile);

/** Written beside the unpacked files: the signed manifest (the agent reads its version from it). */
export const RELEASE_MANIFEST_FILE = 'release.json';
export const RELEASE_SIGNATURE_FILE = 'release.sig';

export class ReleaseInstallError extends Error {
  override readonly name = 'ReleaseInstallError';
}

/**
 * Unpacks a verified release beside the running one (issue 19): into a temporary directory under
 * `<install root>/releases/`, then renamed to `releases/<version>` in one step, so a half-written
 * release is never a version. The running one and the one to roll back to are never touched; older
 * releases are removed first. `dependencies: 'lockfile'` runs `npm ci --omit=dev` in the new directory
 * (the kiosk builds its own native modules); a `bundled` release carries them.
 */
export async function installRelease(layout: InstallLayout, state: InstallState, release: VerifiedRelease, running: string): Promise<string> {
  const { version } = release.manifest;
  const keep = new Set([state.active, state.previous, running]);
  if (keep.has(version)) throw new ReleaseInstallError(`${version} is the running or fallback version: not unpacked over it`);
  mkdirSync(layout.releasesDir, { recursive: true, mode: 0o755 });
  for (const entry of readdirSync(layout.releasesDir)) {
    if (!keep.has(entry)) rmSync(path.join(layout.releasesDir, entry), { recursive: true, force: true });
  }
  const incoming = path.join(layout.releasesDir, `.incoming-${version}-${process.pid}`);
  rmSync(incoming, { recursive: true, force: true });
  release.manifest.files.forEach((file, index) => {
    const target = path.join(incoming, ...file.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, release.files[index] ?? new Uint8Array(), { mode: 0o644 });
  });
  writeFileSync(path.join(incoming, RELEASE_MANIFEST_FILE), release.manifestBytes, { mode: 0o644 });
  writeFileSync(path.join(incoming, RELEASE_SIGNATURE_FILE), release.signature, { mode: 0o644 });
  if (release.manifest.dependencies === 'lockfile') {
    try {
      await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: incoming, timeout: 15 * 60_000 });
    } catch (error) {
      rmSync(incoming, { recursive: true, force: true });
      throw new ReleaseInstallError(`npm ci --omit=dev failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
    }
  }
  const target = layout.releaseDir(version);
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(incoming, target);
  return target;
}
