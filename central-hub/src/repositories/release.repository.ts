import { Inject, Injectable } from '@nestjs/common';
import { MAX_RELEASE_CHUNK_BYTES, NativeModuleSchema, type AuditEntry, type ReleaseSummary } from '@kiosk/protocols';
import { z } from 'zod';
import type { HubStore, Tx } from '../storage/hub-store';
import { appendAudit, type AuditDraft } from './audit.sql';
import { DATABASE } from './database.repository';

/** An accepted release as stored: its summary, the manifest exactly as signed, and the artefact's bytes. */
export interface StoredRelease {
  summary: ReleaseSummary;
  manifestJson: string;
  artefact: Uint8Array;
}

/** What the artefact of a version hashes to and weighs, as accepted, and how its bytes are stored. */
export interface ReleaseArtefact {
  sha256: string;
  bytes: number;
  /** The size of its stored pieces; null while it is still a file of the previous version (not servable). */
  chunkBytes: number | null;
}

/**
 * The size of the pieces an artefact is stored in (agent_release_chunks): the largest `release.chunk`
 * answer, so that any range a kiosk may ask for spans at most two rows.
 */
export const STORED_CHUNK_BYTES = MAX_RELEASE_CHUNK_BYTES;

export interface ReleaseRepository {
  list(): Promise<ReleaseSummary[]>;
  has(version: string): Promise<boolean>;
  /** The artefact of `version` as accepted; undefined for an unknown version. */
  artefactOf(version: string): Promise<ReleaseArtefact | undefined>;
  /** Up to `length` bytes of the stored artefact from `offset` (fewer at its end), reading only the pieces they span. */
  readRange(version: string, chunkBytes: number, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>>;
  /** The stored pieces of the artefact in order, read one at a time (for checking its hash without holding it whole). */
  pieces(version: string): AsyncIterable<Uint8Array>;
  /**
   * Stores the release's row, its artefact and its audit row, in one transaction; `stored` false (nothing
   * written but the audit row the caller makes of it) when the version is already there.
   */
  insert(release: StoredRelease, audit: (stored: boolean) => AuditDraft): Promise<{ stored: boolean; entry: AuditEntry }>;
  /** Versions accepted by the previous version whose artefact is still a file (no pieces stored). */
  versionsAsFiles(): Promise<string[]>;
  /**
   * Stores the artefact of a version accepted as a file, in one transaction; false (nothing written) when
   * another process stored it first.
   */
  storeFileArtefact(version: string, artefact: Uint8Array): Promise<boolean>;
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

  async artefactOf(version: string): Promise<ReleaseArtefact | undefined> {
    const row = await this.store.db
      .selectFrom('agent_releases')
      .select(['artefact_sha256', 'artefact_bytes', 'artefact_chunk_bytes'])
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) return undefined;
    return { sha256: row.artefact_sha256, bytes: Number(row.artefact_bytes), chunkBytes: row.artefact_chunk_bytes === null ? null : Number(row.artefact_chunk_bytes) };
  }

  async readRange(version: string, chunkBytes: number, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const first = Math.floor(offset / chunkBytes);
    const last = Math.floor((offset + length - 1) / chunkBytes);
    const rows = await this.store.db
      .selectFrom('agent_release_chunks')
      .select(['chunk_index', 'bytes'])
      .where('version', '=', version)
      .where('chunk_index', '>=', first)
      .where('chunk_index', '<=', last)
      .orderBy('chunk_index')
      .execute();
    const spanned = Buffer.concat(rows.map((row) => row.bytes));
    const start = offset - first * chunkBytes;
    return new Uint8Array(spanned.subarray(start, start + length));
  }

  async *pieces(version: string): AsyncIterable<Uint8Array> {
    for (let index = 0; ; index++) {
      const row = await this.store.db
        .selectFrom('agent_release_chunks')
        .select('bytes')
        .where('version', '=', version)
        .where('chunk_index', '=', index)
        .executeTakeFirst();
      if (!row) return;
      yield row.bytes;
    }
  }

  async versionsAsFiles(): Promise<string[]> {
    const rows = await this.store.db.selectFrom('agent_releases').select('version').where('artefact_chunk_bytes', 'is', null).orderBy('version').execute();
    return rows.map((row) => row.version);
  }

  storeFileArtefact(version: string, artefact: Uint8Array): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      // The row's lock decides between processes copying the same file: the second updates nothing.
      const claimed = await tx
        .updateTable('agent_releases')
        .set({ artefact_chunk_bytes: STORED_CHUNK_BYTES })
        .where('version', '=', version)
        .where('artefact_chunk_bytes', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      await insertPieces(tx, version, artefact);
      return true;
    });
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
          artefact_chunk_bytes: STORED_CHUNK_BYTES,
        })
        .onConflict((conflict) => conflict.column('version').doNothing())
        .executeTakeFirst();
      const stored = Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
      if (stored) await insertPieces(tx, summary.version, release.artefact);
      return { stored, entry: await appendAudit(tx, audit(stored)) };
    });
  }
}

/** Cuts the artefact in STORED_CHUNK_BYTES pieces (the last shorter) and stores them in `tx`. */
async function insertPieces(tx: Tx, version: string, artefact: Uint8Array): Promise<void> {
  for (let index = 0; index * STORED_CHUNK_BYTES < artefact.length; index++) {
    const start = index * STORED_CHUNK_BYTES;
    await tx
      .insertInto('agent_release_chunks')
      .values({ version, chunk_index: index, bytes: Buffer.from(artefact.buffer, artefact.byteOffset + start, Math.min(STORED_CHUNK_BYTES, artefact.length - start)) })
      .execute();
  }
}
