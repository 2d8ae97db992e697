import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ReleaseVersionSchema } from '@kiosk/protocols';

/**
 * Which agent a kiosk runs (issue 19): `<install root>/state.json`, the "current" pointer of the A/B
 * install. `base` is the agent the supervisor itself belongs to (the one provisioning installed); any
 * other name is a release unpacked in `<install root>/releases/<version>/`. Written whole, atomically
 * (temporary file, fsync, rename), by the agent when it switches and by the supervisor when it
 * confirms or rolls back; never by both at once (the agent writes only just before it exits).
 */
export const BASE_VERSION = 'base' as const;
const InstalledSchema = z.union([z.literal(BASE_VERSION), ReleaseVersionSchema]);
export type Installed = z.infer<typeof InstalledSchema>;

export const InstallStateSchema = z.strictObject({
  format: z.literal(1),
  active: InstalledSchema,
  /** What the supervisor switches back to if the active one fails its trial. */
  previous: InstalledSchema.nullable(),
  /** Set when a switch is on trial: the new version must declare itself healthy before `deadlineAt`. */
  trial: z.strictObject({ version: ReleaseVersionSchema, since: z.string() }).nullable(),
  /** The last rollback, for the old version to report (`update.report` `rolled-back`). */
  rolledBack: z.strictObject({ version: ReleaseVersionSchema, reason: z.string().max(400), at: z.string() }).nullable(),
});
export type InstallState = z.infer<typeof InstallStateSchema>;

export const INITIAL_INSTALL_STATE: InstallState = { format: 1, active: BASE_VERSION, previous: null, trial: null, rolledBack: null };

/** Where everything of the A/B install lives under one root. */
export class InstallLayout {
  constructor(readonly root: string) {}

  get stateFile(): string {
    return path.join(this.root, 'state.json');
  }

  /** The running version's declaration that it is healthy (`HealthDeclaration`). */
  get healthFile(): string {
    return path.join(this.root, 'health.json');
  }

  get releasesDir(): string {
    return path.join(this.root, 'releases');
  }

  releaseDir(version: string): string {
    return path.join(this.releasesDir, ReleaseVersionSchema.parse(version));
  }

  /** The agent entry point of `installed`: the supervisor's own package for `base`. */
  mainScript(installed: Installed, basePackageRoot: string): string {
    return installed === BASE_VERSION ? path.join(basePackageRoot, 'dist', 'main.js') : path.join(this.releaseDir(installed), 'edge-agent', 'dist', 'main.js');
  }

  readState(): InstallState {
    const text = readIfExists(this.stateFile);
    return text === null ? INITIAL_INSTALL_STATE : InstallStateSchema.parse(JSON.parse(text));
  }

  writeState(state: InstallState): void {
    writeAtomically(this.stateFile, `${JSON.stringify(InstallStateSchema.parse(state))}\n`);
  }
}

/** A small file's text, or null when it is not there (any other error is thrown). */
export function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Temporary file beside it, fsync, rename over, fsync the directory: the file is the old or the new, whole. */
export function writeAtomically(file: string, text: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
