import { Inject, Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { AuditEntrySchema, type AuditEntry } from '@kiosk/protocols';
import type { AuditLogTable } from '../storage/hub-schema';
import type { HubStore } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import type { ChainHead, StoredAuditRow } from '../services/audit-chain.rules';
import { appendAudit, entryFromRow, storedFromRow, type AuditDraft, type AuditRow } from './audit.sql';

export interface AuditPageRequest {
  /** Entries with a seq below this; undefined: from the newest. */
  before: number | undefined;
  limit: number;
  /** Only this municipality's entries; null: every entry. */
  municipality: string | null;
}

export interface AuditRepository {
  append(draft: AuditDraft): Promise<AuditEntry>;
  /** Newest first. */
  page(request: AuditPageRequest): Promise<AuditEntry[]>;
  /** The chain's head as committed; undefined before the first row. */
  head(): Promise<ChainHead | undefined>;
  /** Up to `limit` stored rows with a seq above `after` and at most `through`, in seq order (a checkpoint's walk). */
  rowsBetween(after: number, through: number, limit: number): Promise<StoredAuditRow[]>;
}
export const AUDIT_REPOSITORY = 'AuditRepository';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** A stored row with its enumerated columns checked (the schema types them as plain text). */
export function auditRowFrom(row: Selectable<AuditLogTable>): AuditRow {
  return {
    ...row,
    actor_kind: AuditEntrySchema.shape.actorKind.parse(row.actor_kind),
    action: AuditEntrySchema.shape.action.parse(row.action),
    outcome: AuditEntrySchema.shape.outcome.parse(row.outcome),
  };
}

@Injectable()
export class KyselyAuditRepository implements AuditRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  /**
   * A row on its own (what changes nothing else: logins, refusals). Read committed is enough: the head
   * row is locked before it is read (audit.sql.ts) and `seq` is the key, so concurrent appends queue on
   * the lock instead of being refused and re-run as serializable transactions would be.
   */
  append(draft: AuditDraft): Promise<AuditEntry> {
    return this.store.transaction((tx) => appendAudit(tx, draft), { isolation: 'read committed' });
  }

  async page({ before, limit, municipality }: AuditPageRequest): Promise<AuditEntry[]> {
    let query = this.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '<', before ?? MAX_SEQ);
    if (municipality !== null) query = query.where('municipality', '=', municipality);
    const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
    return rows.map((row) => entryFromRow(auditRowFrom(row)));
  }

  head(): Promise<ChainHead | undefined> {
    return this.store.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  }

  async rowsBetween(after: number, through: number, limit: number): Promise<StoredAuditRow[]> {
    const rows = await this.store.db.selectFrom('audit_log').selectAll().where('seq', '>', after).where('seq', '<=', through).orderBy('seq').limit(limit).execute();
    return rows.map((row) => storedFromRow(auditRowFrom(row)));
  }
}
