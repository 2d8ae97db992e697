import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KioskIdSchema, toIssues } from '@kiosk/protocols';

/** The agent's identity file (local, not a wire message): who the hub says we are, and our signing key. */
const IdentitySchema = z.strictObject({
  kioskId: KioskIdSchema,
  privateKeyPem: z.string().startsWith('-----BEGIN PRIVATE KEY-----'),
  publicKeySpkiBase64: z.base64().min(40),
});
export type Identity = z.infer<typeof IdentitySchema>;

export class IdentityFileError extends Error {
  readonly code = 'identity_file_unreadable';
}

/** identity.json in the data dir: read, or written atomically (temp file, fsync, rename) with mode 0600. */
export class IdentityFile {
  constructor(readonly file: string) {}

  /** The stored identity, or null when there is none yet. A damaged file is an error, never "none". */
  load(): Identity | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new IdentityFileError(`${this.file} is not JSON; restore it or remove it and enrol again with a new code`);
    }
    const parsed = IdentitySchema.safeParse(json);
    if (!parsed.success) {
      const where = toIssues(parsed.error).map((issue) => issue.path).join(', ');
      throw new IdentityFileError(`${this.file} is damaged (${where}); restore it or remove it and enrol again with a new code`);
    }
    return parsed.data;
  }

  save(identity: Identity): void {
    const valid = IdentitySchema.parse(identity);
    const dir = path.dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(valid, null, 2)}\n`);
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      rmSync(temporary, { force: true });
      throw error;
    }
    closeSync(fd);
    renameSync(temporary, this.file);
    // The rename is durable only once the directory entry is on disk.
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}
