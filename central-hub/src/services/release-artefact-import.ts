import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger } from '../logger';
import type { ReleaseFiles } from '../repositories/release-files.repository';
import { RELEASE_REPOSITORY, type ReleaseRepository } from '../repositories/release.repository';
import { RELEASE_FILES } from './release.service';

/**
 * Releases accepted by the previous version (migration 13) kept their artefact as a file in the data
 * directory of the process that received the upload; migration 15 moved artefacts into the database.
 * At start-up, before the hub listens, each process copies in every such artefact its own data
 * directory holds, once (the row's lock decides between processes), and only when the file still
 * hashes to what was accepted. Until a process holding the file starts, the release is listed but
 * not served. The file is left where it was (it is no longer read; the administrator may delete it).
 */
@Injectable()
export class ReleaseArtefactImport implements OnApplicationBootstrap {
  private readonly log: Logger;

  constructor(
    @Inject(RELEASE_REPOSITORY) private readonly releases: ReleaseRepository,
    @Inject(RELEASE_FILES) private readonly files: ReleaseFiles,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'releases' });
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const version of await this.releases.versionsAsFiles()) await this.copyIn(version);
  }

  private async copyIn(version: string): Promise<void> {
    const accepted = await this.releases.artefactOf(version);
    const file = this.files.read(version);
    if (!accepted || !file) {
      this.log.warn({ version }, 'release accepted as a file this process does not hold: not served until the process that does starts');
      return;
    }
    const sha256 = createHash('sha256').update(file).digest('hex');
    if (sha256 !== accepted.sha256 || file.length !== accepted.bytes) {
      this.log.error({ version, bytes: file.length }, 'release file differs from the accepted artefact: not copied in');
      return;
    }
    const stored = await this.releases.storeFileArtefact(version, file);
    this.log.info({ version, bytes: file.length, stored }, stored ? 'release file copied into the database' : 'release file copied in by another process');
  }
}
