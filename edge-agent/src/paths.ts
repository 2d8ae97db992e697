import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the agent lives on disk. This file sits at the top of `src/` (run by jest) and of `dist/` (run by
 * node), so one level up is the package in both cases.
 */
export const packageRoot = path.resolve(__dirname, '..');
export const repoRoot = path.resolve(packageRoot, '..');

let cachedVersion: string | undefined;

/** The agent's version as its package.json says: one source of truth for hello, telemetry and events. */
export function agentVersion(): string {
  if (cachedVersion === undefined) {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
    cachedVersion = typeof manifest.version === 'string' && manifest.version.length > 0 ? manifest.version : '0.0.0';
  }
  return cachedVersion;
}
