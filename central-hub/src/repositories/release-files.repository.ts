import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { releaseKeyIdOf, type TrustedReleaseKey } from '../services/release-inspection';

/** Where the previous version kept accepted artefacts, inside the hub's data directory (0700). */
export const RELEASES_DIR = 'releases';

/**
 * Release artefacts the previous version kept on disk (`<dataDir>/releases/<version>.kioskrel`), read
 * once at start-up to be copied into the database (ReleaseArtefactImport). Nothing writes them any more.
 */
export class ReleaseFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, RELEASES_DIR);
  }

  fileOf(version: string): string {
    return path.join(this.dir, `${version}.kioskrel`);
  }

  /** The version's file whole, or undefined when this data directory has none. */
  read(version: string): Buffer | undefined {
    try {
      return readFileSync(this.fileOf(version));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
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
