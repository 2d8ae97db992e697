import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KioskIdSchema, toIssues } from '@kiosk/protocols';

/** The kiosk's key pair as stored (local, not a wire message). */
const KeyPairSchema = z.strictObject({
  privateKeyPem: z.string().startsWith('-----BEGIN PRIVATE KEY-----'),
  publicKeySpkiBase64: z.base64().min(40),
});

/** The agent's identity file (local, not a wire message): who the hub says we are, and our signing key. */
const IdentitySchema = z.strictObject({
  kioskId: KioskIdSchema,
  ...KeyPairSchema.shape,
});
export type Identity = z.infer<typeof IdentitySchema>;
export type PendingKeyPair = z.infer<typeof KeyPairSchema>;

export class IdentityFileError extends Error {
  readonly code = 'identity_file_unreadable';
}

/** A JSON file of the data dir read with a schema, written atomically (temp file, fsync, rename) with mode 0600. */
class PrivateJsonFile<T> {
  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The stored value, or null when there is none yet. A damaged file is an error, never "none". */
  load(): T | null {
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
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const where = toIssues(parsed.error).map((issue) => issue.path).join(', ');
      throw new IdentityFileError(`${this.file} is damaged (${where}); restore it or remove it and enrol again with a new code`);
    }
    return parsed.data;
  }

  save(value: T): void {
    const valid = this.schema.parse(value);
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
    syncDir(dir);
  }

  remove(): void {
    rmSync(this.file, { force: true });
    syncDir(path.dirname(this.file));
  }
}

/** A rename or removal is durable only once the directory entry is on disk. */
function syncDir(dir: string): void {
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** identity.json in the data dir: read, or written atomically with mode 0600. */
export class IdentityFile extends PrivateJsonFile<Identity> {
  constructor(file: string) {
    super(file, IdentitySchema);
  }
}

/**
 * The key pair of an enrolment in progress (`enrolment-key.json` beside identity.json), saved before
 * the code is sent (issue 15): if the agent dies after the hub redeemed the code and before the
 * identity is saved, the next start presents the same key with the same code, which the hub answers
 * again with the same kiosk id. Removed once the identity is saved.
 */
export class PendingKeyFile extends PrivateJsonFile<PendingKeyPair> {
  /** Beside the identity file. */
  static besides(identity: IdentityFile): PendingKeyFile {
    return new PendingKeyFile(path.join(path.dirname(identity.file), 'enrolment-key.json'));
  }

  constructor(file: string) {
    super(file, KeyPairSchema);
  }
}
