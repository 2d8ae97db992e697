import { Inject, Injectable } from '@nestjs/common';
import { NativeModuleSchema, type AuditEntry, type ReleaseSummary } from '@kiosk/protocols';
import { z } from 'zod';
import type { HubStore } from '../storage/hub-store';
import { appendAudit, type AuditDraft } from './audit.sql';
import { DATABASE } from './database.repository';

/** An accepted release as stored: its summary and the manifest exactly as signed. */
export interface StoredRelease {
  summary: ReleaseSummary;
  manifestJson: string;
}

export interface ReleaseRepository {
  list(): Promise<ReleaseSummary[]>;
  has(version: string): Promise<boolean>;
  /** What the artefact of `version` hashes to and weighs, as accepted; undefined for an unknown version. */
  artefactOf(version: string): Promise<{ sha256: string; bytes: number } | undefined>;
  /**
   * Stores the release's row with its audit row, in one transaction; `stored` false (nothing written but
   * the audit row the caller makes of it) when the version is already there.
   */
  insert(release: StoredRelease, audit: (stored: boolean) => AuditDraft): Promise<{ stored: boolean; entry: AuditEntry }>;
}
export const RELEASE_REPOSITORY = 'ReleaseRepository';

const NativeModulesSchema = z.array(NativeModuleSchema);

@Injectable()
export class KyselyReleaseRepository implements ReleaseRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async list(): Promise<ReleaseSummary[]> {
    const rows = await this.store.db.selectFrom('agent_releases').selectAll().orderBy('uploaded_at', 'desc').orderBy('version').execute();
    return rows.map((row) => ({
      version: row.version,
      createdAt: row.created_at,
      minProtocolVersion: Number(row.min_protocol_version),
      keyId: row.key_id,
      fileCount: Number(row.file_count),
      nativeModules: NativeModulesSchema.parse(JSON.parse(row.native_modules_json)),
      artefactSha256: row.artefact_sha256,
      artefactBytes: Number(row.artefact_bytes),
      uploadedAt: row.uploaded_at,
      uploadedBy: row.uploaded_by,
    }));
  }

  async has(version: string): Promise<boolean> {
    const row = await this.store.db.selectFrom('agent_releases').select('version').where('version', '=', version).executeTakeFirst();
    return row !== undefined;
  }

  async artefactOf(version: string): Promise<{ sha256: string; bytes: number } | undefined> {
    const row = await this.store.db.selectFrom('agent_releases').select(['artefact_sha256', 'artefact_bytes']).where('version', '=', version).executeTakeFirst();
    return row ? { sha256: row.artefact_sha256, bytes: Number(row.artefact_bytes) } : undefined;
  }

  insert(release: StoredRelease, audit: (stored: boolean) => AuditDraft): Promise<{ stored: boolean; entry: AuditEntry }> {
    const { summary } = release;
    return this.store.transaction(async (tx) => {
      // The version is the key: a second upload of it (the same or another artefact) stores nothing.
      const inserted = await tx
        .insertInto('agent_releases')
        .values({
          version: summary.version,
          created_at: summary.createdAt,
          min_protocol_version: summary.minProtocolVersion,
          key_id: summary.keyId,
          file_count: summary.fileCount,
          native_modules_json: JSON.stringify(summary.nativeModules),
          manifest_json: release.manifestJson,
          artefact_sha256: summary.artefactSha256,
          artefact_bytes: summary.artefactBytes,
          uploaded_at: summary.uploadedAt,
          uploaded_by: summary.uploadedBy,
        })
        .onConflict((conflict) => conflict.column('version').doNothing())
        .executeTakeFirst();
      const stored = Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
      return { stored, entry: await appendAudit(tx, audit(stored)) };
    });
  }
}
