import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry } from '@kiosk/protocols';
import type { HubStore } from '../storage/hub-store';
import { appendAudit, type AuditDraft } from './audit.sql';
import { DATABASE } from './database.repository';

/** Kiosk tags (issue 19): labels technicians set to group kiosks for a rollout. */
export interface KioskTagsRepository {
  /** Replaces the kiosk's tags, with its audit row. */
  set(kioskId: string, tags: readonly string[], audit: AuditDraft): Promise<AuditEntry>;
  of(kioskId: string): Promise<string[]>;
}
export const KIOSK_TAGS_REPOSITORY = 'KioskTagsRepository';

@Injectable()
export class KyselyKioskTagsRepository implements KioskTagsRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  set(kioskId: string, tags: readonly string[], audit: AuditDraft): Promise<AuditEntry> {
    return this.store.transaction(async (tx) => {
      await tx.deleteFrom('kiosk_tags').where('kiosk_id', '=', kioskId).execute();
      const unique = [...new Set(tags)];
      if (unique.length > 0) await tx.insertInto('kiosk_tags').values(unique.map((tag) => ({ kiosk_id: kioskId, tag }))).execute();
      return appendAudit(tx, audit);
    });
  }

  async of(kioskId: string): Promise<string[]> {
    return (await this.store.db.selectFrom('kiosk_tags').select('tag').where('kiosk_id', '=', kioskId).orderBy('tag').execute()).map((row) => row.tag);
  }
}
