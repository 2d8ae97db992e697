import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { AuditEntry, MaintenanceDay } from '@kiosk/protocols';
import { prepareAuditAppend, type AuditDraft } from './audit.sql';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

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
export class SqliteMaintenanceDayRepository implements MaintenanceDayRepository {
  private readonly list: Statement<[string, string], string>;
  private readonly listForKiosk: Statement<[string, string, string], string>;
  private readonly scheduled: Statement<[string, string], MaintenanceDay>;
  private readonly setTx: (key: MaintenanceDayKey, setAt: string, audit: (changed: boolean) => AuditDraft) => MaintenanceDayChangeOutcome;
  private readonly clearTx: (key: MaintenanceDayKey, audit: (changed: boolean) => AuditDraft) => MaintenanceDayChangeOutcome;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.list = db
      .prepare<[string, string], string>('SELECT day FROM certificate_maintenance_days WHERE municipality = ? AND day >= ? AND kiosk_id IS NULL ORDER BY day')
      .pluck();
    this.listForKiosk = db
      .prepare<[string, string, string], string>(
        'SELECT DISTINCT day FROM certificate_maintenance_days WHERE municipality = ? AND day >= ? AND (kiosk_id IS NULL OR kiosk_id = ?) ORDER BY day',
      )
      .pluck();
    this.scheduled = db.prepare<[string, string], MaintenanceDay>(
      'SELECT day, kiosk_id AS kioskId, set_at AS setAt FROM certificate_maintenance_days WHERE municipality = ? AND day >= ? ORDER BY day, ifnull(kiosk_id, \'\')',
    );
    const insert = db.prepare<[string, string, string | null, string]>(
      'INSERT INTO certificate_maintenance_days (municipality, day, kiosk_id, set_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    const remove = db.prepare<[string, string, string | null]>('DELETE FROM certificate_maintenance_days WHERE municipality = ? AND day = ? AND kiosk_id IS ?');
    const appendAudit = prepareAuditAppend(db);
    this.setTx = db.transaction((key: MaintenanceDayKey, setAt: string, audit: (changed: boolean) => AuditDraft) => {
      const changed = insert.run(key.municipality, key.day, key.kioskId, setAt).changes === 1;
      return { changed, entry: appendAudit(audit(changed)) };
    });
    this.clearTx = db.transaction((key: MaintenanceDayKey, audit: (changed: boolean) => AuditDraft) => {
      const changed = remove.run(key.municipality, key.day, key.kioskId).changes === 1;
      return { changed, entry: appendAudit(audit(changed)) };
    });
  }

  listFrom(municipality: string, fromDay: string, kioskId?: string): Promise<string[]> {
    return settle(() => (kioskId === undefined ? this.list.all(municipality, fromDay) : this.listForKiosk.all(municipality, fromDay, kioskId)));
  }

  listScheduled(municipality: string, fromDay: string): Promise<MaintenanceDay[]> {
    return settle(() => this.scheduled.all(municipality, fromDay));
  }

  set(key: MaintenanceDayKey, setAt: string, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome> {
    return settle(() => this.setTx(key, setAt, audit));
  }

  clear(key: MaintenanceDayKey, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome> {
    return settle(() => this.clearTx(key, audit));
  }
}
