import { Inject, Injectable } from '@nestjs/common';
import { failure, type ReleaseChunkAck, type ReleaseChunkRequest } from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import type { ReleaseFiles } from '../repositories/release-files.repository';
import { RELEASE_REPOSITORY, type ReleaseRepository } from '../repositories/release.repository';
import { RELEASE_FILES } from './release.service';

/**
 * `release.chunk` (issue 19): a kiosk fetching a release's artefact, a bounded range at a time, exactly
 * as uploaded. Before a version's first chunk this process checks that its file still hashes to what
 * was accepted (a file changed or cut on disk is never served); releases are never replaced, so the
 * check holds for the life of the process. Every refusal is an answer, never a throw.
 */
@Injectable()
export class ReleaseChunkService {
  private readonly log: Logger;
  /** Per version: whether its file matched its row (one read-through per process, shared by concurrent requests). */
  private readonly checked = new Map<string, Promise<boolean>>();

  constructor(
    @Inject(RELEASE_REPOSITORY) private readonly releases: ReleaseRepository,
    @Inject(RELEASE_FILES) private readonly files: ReleaseFiles,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'release-chunks' });
  }

  async chunk(kioskId: string, request: ReleaseChunkRequest): Promise<ReleaseChunkAck> {
    const artefact = await this.releases.artefactOf(request.version);
    if (!artefact) return failure('not_found', `no release ${request.version} on this hub`);
    if (request.offset >= artefact.bytes) {
      this.log.warn({ kioskId, version: request.version, offset: request.offset, bytes: artefact.bytes }, 'release chunk past the end refused');
      return failure('invalid_message', `offset ${request.offset} is at or past the end of the artefact (${artefact.bytes} bytes)`);
    }
    if (!(await this.intact(request.version, artefact))) return failure('not_found', `release ${request.version} cannot be served by this hub`);
    const bytes = await this.files.readRange(request.version, request.offset, Math.min(request.length, artefact.bytes - request.offset));
    return { ok: true, offset: request.offset, bytes };
  }

  private intact(version: string, artefact: { sha256: string; bytes: number }): Promise<boolean> {
    let check = this.checked.get(version);
    if (!check) {
      check = this.files.digest(version).then(
        (digest) => {
          const ok = digest.sha256 === artefact.sha256 && digest.bytes === artefact.bytes;
          if (!ok) this.log.error({ version, bytes: digest.bytes }, 'release file differs from the accepted artefact: not served');
          return ok;
        },
        (error: unknown) => {
          this.log.error({ version, err: error instanceof Error ? error.message : String(error) }, 'release file unreadable: not served');
          return false;
        },
      );
      this.checked.set(version, check);
      // A failed check is tried again next time (the file may be restored); a good one is kept.
      void check.then((ok) => {
        if (!ok) this.checked.delete(version);
      });
    }
    return check;
  }
}
