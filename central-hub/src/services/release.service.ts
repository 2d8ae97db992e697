import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ReleaseList, ReleaseSummary } from '@kiosk/protocols';
import { badRequest, conflict, forbidden, ProtocolException } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { RELEASE_REPOSITORY, type ReleaseRepository } from '../repositories/release.repository';
import { hasRole, type Principal } from './access.rules';
import { AuditService } from './audit.service';
import { KeyedQueue } from './keyed-queue';
import { inspectRelease, type ReleaseInspection, type TrustedReleaseKey } from './release-inspection';

export const RELEASE_FILES = 'ReleaseFiles';
/** The configured release public key, or null when HUB_RELEASE_PUBLIC_KEY_FILE is unset. */
export const TRUSTED_RELEASE_KEY = 'TrustedReleaseKey';

/**
 * Agent releases on the hub (issue 19): an administrator uploads a signed artefact; the hub keeps it
 * (row and artefact in the database, one transaction, audited) only when its signature verifies against the configured release key and every
 * file matches the signed manifest. Anything else is refused, audited, and changes nothing.
 */
@Injectable()
export class ReleaseService {
  private readonly log: Logger;
  private readonly perVersion = new KeyedQueue(4);

  constructor(
    @Inject(RELEASE_REPOSITORY) private readonly releases: ReleaseRepository,
    @Inject(TRUSTED_RELEASE_KEY) private readonly key: TrustedReleaseKey | null,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'releases' });
  }

  async list(principal: Principal): Promise<ReleaseList> {
    if (!hasRole(principal, 'view')) throw forbidden('not allowed to list releases');
    return { releases: await this.releases.list() };
  }

  async upload(principal: Principal, artefact: Uint8Array): Promise<ReleaseSummary> {
    const refuse = async (reason: string, error: ProtocolException, version: string | null = null): Promise<never> => {
      await this.audit.record(this.audit.draft(principal, { action: 'release.uploaded', outcome: 'refused', municipality: null, target: version, detail: { reason, bytes: artefact.length } }));
      this.log.warn({ username: principal.username, reason, version, bytes: artefact.length }, 'release upload refused');
      throw error;
    };
    if (!hasRole(principal, 'upload-release')) return refuse('role', forbidden(`a ${principal.role} cannot upload releases`));
    if (this.key === null) return refuse('no-release-key', conflict('no release key is configured (HUB_RELEASE_PUBLIC_KEY_FILE): every release is refused'));

    const inspection = await inspectRelease(artefact, this.key);
    if (!inspection.ok) {
      const error =
        inspection.reason === 'malformed'
          ? badRequest('invalid_message', inspection.message, inspection.issues)
          : new ProtocolException(HttpStatus.UNPROCESSABLE_ENTITY, inspection.reason === 'signature' ? 'bad_signature' : 'invalid_message', inspection.message, inspection.issues);
      return refuse(inspection.reason, error);
    }
    // One upload of a version at a time in this process (other processes: the row's key decides).
    return this.perVersion.run(inspection.manifest.version, () => this.keep(principal, artefact, inspection, refuse));
  }

  private async keep(
    principal: Principal,
    artefact: Uint8Array,
    inspection: Extract<ReleaseInspection, { ok: true }>,
    refuse: (reason: string, error: ProtocolException, version: string | null) => Promise<never>,
  ): Promise<ReleaseSummary> {
    const { manifest } = inspection;
    const summary: ReleaseSummary = {
      version: manifest.version,
      createdAt: manifest.createdAt,
      minProtocolVersion: manifest.minProtocolVersion,
      keyId: manifest.keyId,
      fileCount: manifest.files.length,
      nativeModules: manifest.nativeModules,
      artefactSha256: inspection.artefactSha256,
      artefactBytes: artefact.length,
      uploadedAt: this.clock.now().toISOString(),
      uploadedBy: principal.username,
    };
    const exists = conflict(`release ${manifest.version} is already on the hub: a version is never replaced, pack a new one`);
    if (await this.releases.has(manifest.version)) return refuse('version-exists', exists, manifest.version);
    const outcome = await this.releases.insert({ summary, manifestJson: inspection.manifestJson, artefact }, (stored) =>
        this.audit.draft(principal, {
          action: 'release.uploaded',
          outcome: stored ? 'ok' : 'refused',
          municipality: null,
          target: manifest.version,
        detail: stored ? { sha256: summary.artefactSha256, bytes: summary.artefactBytes, files: summary.fileCount } : { reason: 'version-exists' },
      }),
    );
    this.audit.published(outcome.entry);
    // Another hub process stored this version between the check and the insert.
    if (!outcome.stored) throw exists;
    this.log.info({ username: principal.username, version: summary.version, sha256: summary.artefactSha256, bytes: summary.artefactBytes }, 'release accepted');
    return summary;
  }
}
