import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { releaseKeyIdOf, type TrustedReleaseKey } from '../services/release-inspection';

/** Where accepted artefacts live, inside the hub's data directory (0700). */
export const RELEASES_DIR = 'releases';

export class ReleaseFileExistsError extends Error {
  override readonly name = 'ReleaseFileExistsError';
}

/**
 * Accepted release artefacts on disk (issue 19): `<dataDir>/releases/<version>.kioskrel`, 0600, written
 * whole (a temporary file, fsynced, then hard-linked to its name, which fails rather than replace a
 * version already there) so that a crash never leaves half an artefact under a release's name.
 */
export class ReleaseFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, RELEASES_DIR);
  }

  fileOf(version: string): string {
    return path.join(this.dir, `${version}.kioskrel`);
  }

  /** Writes the artefact under its version; ReleaseFileExistsError when that version's file exists. */
  write(version: string, artefact: Uint8Array): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.dir, `.incoming-${randomUUID()}`);
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, artefact);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const file = this.fileOf(version);
    try {
      linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ReleaseFileExistsError(`${file} exists`);
      throw error;
    } finally {
      unlinkSync(temp);
    }
    return file;
  }

  remove(version: string): void {
    unlinkSync(this.fileOf(version));
  }

  /** SHA-256 (hex) and size of the version's file, read through once; rejects when there is none. */
  async digest(version: string): Promise<{ sha256: string; bytes: number }> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(this.fileOf(version)) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    return { sha256: hash.digest('hex'), bytes };
  }

  /** Up to `length` bytes of the version's file from `offset` (fewer at its end). */
  async readRange(version: string, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const handle = await open(this.fileOf(version), 'r');
    try {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}

/**
 * Reads the release public key (SPKI PEM) the hub trusts; throws with the file named when it is not an
 * Ed25519 public key, so a hub with a wrong key does not start.
 */
export function loadTrustedReleaseKey(file: string): TrustedReleaseKey {
  let key;
  try {
    key = createPublicKey(readFileSync(file));
  } catch (error) {
    throw new Error(`HUB_RELEASE_PUBLIC_KEY_FILE ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`HUB_RELEASE_PUBLIC_KEY_FILE ${file}: not an Ed25519 public key`);
  const spki = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  return { spki, keyId: releaseKeyIdOf(spki) };
}
