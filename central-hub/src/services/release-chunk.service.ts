import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { failure, type ReleaseChunkAck, type ReleaseChunkRequest } from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import { RELEASE_REPOSITORY, type ReleaseArtefact, type ReleaseRepository } from '../repositories/release.repository';

/**
 * `release.chunk` (issue 19): a kiosk fetching a release's artefact, a bounded range at a time, exactly
 * as uploaded, from the database, so any hub process of a shared system serves any release whichever
 * process received the upload. Before a version's first chunk this process checks that the stored
 * pieces still hash to what was accepted (read one piece at a time; a row changed or cut is never
 * served); releases are never replaced, so the check holds for the life of the process. Every refusal
 * is an answer, never a throw.
 */
@Injectable()
export class ReleaseChunkService {
  private readonly log: Logger;
  /** Per version: whether its stored pieces matched its row (one read-through per process, shared by concurrent requests). */
  private readonly checked = new Map<string, Promise<boolean>>();

  constructor(
    @Inject(RELEASE_REPOSITORY) private readonly releases: ReleaseRepository,
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
    const { chunkBytes } = artefact;
    if (chunkBytes === null) {
      // Accepted by the previous version as a file that no process holding it has copied in yet.
      this.log.warn({ kioskId, version: request.version }, 'release artefact not in the database yet: not served');
      return failure('not_found', `release ${request.version} cannot be served by this hub`);
    }
    if (!(await this.intact(request.version, artefact))) return failure('not_found', `release ${request.version} cannot be served by this hub`);
    const bytes = await this.releases.readRange(request.version, chunkBytes, request.offset, Math.min(request.length, artefact.bytes - request.offset));
    return { ok: true, offset: request.offset, bytes };
  }

  private intact(version: string, artefact: ReleaseArtefact): Promise<boolean> {
    let check = this.checked.get(version);
    if (!check) {
      check = this.digest(version).then(
        (digest) => {
          const ok = digest.sha256 === artefact.sha256 && digest.bytes === artefact.bytes;
          if (!ok) this.log.error({ version, bytes: digest.bytes }, 'stored release artefact differs from the accepted one: not served');
          return ok;
        },
        (error: unknown) => {
          this.log.error({ version, err: error instanceof Error ? error.message : String(error) }, 'stored release artefact unreadable: not served');
          return false;
        },
      );
      this.checked.set(version, check);
      // A failed check is tried again next time (the rows may be restored); a good one is kept.
      void check.then((ok) => {
        if (!ok) this.checked.delete(version);
      });
    }
    return check;
  }

  private async digest(version: string): Promise<{ sha256: string; bytes: number }> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const piece of this.releases.pieces(version)) {
      hash.update(piece);
      bytes += piece.length;
    }
    return { sha256: hash.digest('hex'), bytes };
  }
}
