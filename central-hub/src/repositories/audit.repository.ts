import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { AuditEntry } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { entryFromRow, prepareAuditAppend, type AuditAppender, type AuditDraft, type AuditRow } from './audit.sql';
import { settle } from './settle';

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
}
export const AUDIT_REPOSITORY = 'AuditRepository';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

@Injectable()
export class SqliteAuditRepository implements AuditRepository {
  private readonly appendRow: AuditAppender;
  private readonly pageAll: Statement<[number, number], AuditRow>;
  private readonly pageOf: Statement<[string, number, number], AuditRow>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.appendRow = prepareAuditAppend(db);
    this.pageAll = db.prepare('SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?');
    this.pageOf = db.prepare('SELECT * FROM audit_log WHERE municipality = ? AND seq < ? ORDER BY seq DESC LIMIT ?');
  }

  append(draft: AuditDraft): Promise<AuditEntry> {
    return settle(() => this.appendRow(draft));
  }

  page({ before, limit, municipality }: AuditPageRequest): Promise<AuditEntry[]> {
    return settle(() => {
      const rows = municipality === null ? this.pageAll.all(before ?? MAX_SEQ, limit) : this.pageOf.all(municipality, before ?? MAX_SEQ, limit);
      return rows.map(entryFromRow);
    });
  }
}
