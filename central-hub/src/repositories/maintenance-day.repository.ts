import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { AuditEntry, MaintenanceDay } from '@kiosk/protocols';
import type { HubStore } from '../storage/hub-store';
import { appendAudit, type AuditDraft } from './audit.sql';
import { DATABASE } from './database.repository';

/** A change of the maintenance days and its audit row, written in one transaction. */
export interface MaintenanceDayChangeOutcome {
  changed: boolean;
  entry: AuditEntry;
}

/** Which kiosks a maintenance day closes: every kiosk of the municipality (`kioskId` null) or one. */
export interface MaintenanceDayKey {
  municipality: string;
  day: string;
  kioskId: string | null;
}

/**
 * The days (JST calendar, `YYYY-MM-DD`) an operator closed a municipality's kiosk service for
 * maintenance, for all its kiosks or for one.
 */
export interface MaintenanceDayRepository {
  /** The days from `fromDay` on that close `kioskId` (its municipality's and its own), or, without it, the whole municipality. */
  listFrom(municipality: string, fromDay: string, kioskId?: string): Promise<string[]>;
  /** Every day from `fromDay` on (municipality-wide and per kiosk), with when each was scheduled. */
  listScheduled(municipality: string, fromDay: string): Promise<MaintenanceDay[]>;
  /** Schedules the day with its audit row (`changed` false: it was already scheduled). */
  set(key: MaintenanceDayKey, setAt: string, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome>;
  /** Cancels the day with its audit row (`changed` false: it was not scheduled). */
  clear(key: MaintenanceDayKey, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome>;
}
export const MAINTENANCE_DAY_REPOSITORY = 'MaintenanceDayRepository';

@Injectable()
export class KyselyMaintenanceDayRepository implements MaintenanceDayRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async listFrom(municipality: string, fromDay: string, kioskId?: string): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('certificate_maintenance_days')
      .select('day')
      .distinct()
      .where('municipality', '=', municipality)
      .where('day', '>=', fromDay)
      .where((eb) => (kioskId === undefined ? eb('kiosk_id', 'is', null) : eb.or([eb('kiosk_id', 'is', null), eb('kiosk_id', '=', kioskId)])))
      .orderBy('day')
      .execute();
    return rows.map((row) => row.day);
  }

  listScheduled(municipality: string, fromDay: string): Promise<MaintenanceDay[]> {
    return this.store.db
      .selectFrom('certificate_maintenance_days')
      .select(['day', 'kiosk_id as kioskId', 'set_at as setAt'])
      .where('municipality', '=', municipality)
      .where('day', '>=', fromDay)
      .orderBy('day')
      .orderBy(sql`coalesce(kiosk_id, '')`)
      .execute();
  }

  set(key: MaintenanceDayKey, setAt: string, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome> {
    return this.store.transaction(async (tx) => {
      // The unique index counts a NULL kiosk as one value, so a day is scheduled once per municipality and kiosk.
      const inserted = await tx
        .insertInto('certificate_maintenance_days')
        .values({ municipality: key.municipality, day: key.day, kiosk_id: key.kioskId, set_at: setAt })
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      const changed = Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
      return { changed, entry: await appendAudit(tx, audit(changed)) };
    });
  }

  clear(key: MaintenanceDayKey, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome> {
    return this.store.transaction(async (tx) => {
      const deleted = await tx
        .deleteFrom('certificate_maintenance_days')
        .where('municipality', '=', key.municipality)
        .where('day', '=', key.day)
        .where((eb) => (key.kioskId === null ? eb('kiosk_id', 'is', null) : eb('kiosk_id', '=', key.kioskId)))
        .executeTakeFirst();
      const changed = Number(deleted.numDeletedRows) === 1;
      return { changed, entry: await appendAudit(tx, audit(changed)) };
    });
  }
}
