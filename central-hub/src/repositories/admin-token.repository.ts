import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Random } from './random.repository';

export const ADMIN_TOKEN_FILE = 'admin-token';

export class AdminTokenFileError extends Error {
  override readonly name = 'AdminTokenFileError';
  constructor(readonly file: string) {
    super(`${file} exists but holds no usable token; delete it to have a new one generated`);
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/**
 * The operator token when HUB_ADMIN_TOKEN is not set: generated on first start, kept in
 * `<dataDir>/admin-token` (mode 0600, readable only by the hub's user) and reused afterwards.
 */
export class AdminTokenFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, ADMIN_TOKEN_FILE);
  }

  /** Returns the stored token, or creates one; `created` tells which. */
  loadOrCreate(random: Random): { token: string; created: boolean } {
    const existing = this.read();
    if (existing !== undefined) return { token: existing, created: false };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const token = random.bytes(32).toString('base64url');
    try {
      // `wx`: if another hub process won the race, its token stands and we read it back.
      writeFileSync(this.file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      const raced = this.read();
      if (raced !== undefined) return { token: raced, created: false };
      throw error;
    }
    return { token, created: true };
  }

  private read(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const token = text.trim();
    if (token.length < 16) throw new AdminTokenFileError(this.file);
    return token;
  }
}
