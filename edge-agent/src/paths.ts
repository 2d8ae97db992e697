import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the agent lives on disk. This file sits at the top of `src/` (run by jest) and of `dist/` (run by
 * node), so one level up is the package in both cases.
 */
export const packageRoot = path.resolve(__dirname, '..');
export const repoRoot = path.resolve(packageRoot, '..');

let cachedVersion: string | undefined;

/**
 * The release this agent was unpacked from (issue 19): the signed manifest the installer keeps at the
 * release's root (`release.json`), or null for an agent not installed from a release (`base`).
 */
export function installedRelease(): string | null {
  try {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'release.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : null;
  } catch {
    return null;
  }
}

/**
 * The agent's version: its release's (issue 19), else its package.json's. One source of truth for
 * hello, telemetry and events.
 */
export function agentVersion(): string {
  if (cachedVersion === undefined) {
    const release = installedRelease();
    if (release !== null) return (cachedVersion = release);
    const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
    cachedVersion = typeof manifest.version === 'string' && manifest.version.length > 0 ? manifest.version : '0.0.0';
  }
  return cachedVersion;
}
