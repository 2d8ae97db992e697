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

/** The days (JST calendar, `YYYY-MM-DD`) an operator closed a municipality's kiosk service for maintenance. */
export interface MaintenanceDayRepository {
  listFrom(municipality: string, fromDay: string): Promise<string[]>;
  /** The days from `fromDay` on, with when each was scheduled. */
  listScheduled(municipality: string, fromDay: string): Promise<MaintenanceDay[]>;
  /** Schedules the day with its audit row (`changed` false: it was already scheduled). */
  set(municipality: string, day: string, setAt: string, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome>;
  /** Cancels the day with its audit row (`changed` false: it was not scheduled). */
  clear(municipality: string, day: string, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome>;
}
export const MAINTENANCE_DAY_REPOSITORY = 'MaintenanceDayRepository';

@Injectable()
export class SqliteMaintenanceDayRepository implements MaintenanceDayRepository {
  private readonly list: Statement<[string, string], string>;
  private readonly scheduled: Statement<[string, string], MaintenanceDay>;
  private readonly setTx: (municipality: string, day: string, setAt: string, audit: (changed: boolean) => AuditDraft) => MaintenanceDayChangeOutcome;
  private readonly clearTx: (municipality: string, day: string, audit: (changed: boolean) => AuditDraft) => MaintenanceDayChangeOutcome;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.list = db.prepare<[string, string], string>('SELECT day FROM certificate_maintenance_days WHERE municipality = ? AND day >= ? ORDER BY day').pluck();
    this.scheduled = db.prepare<[string, string], MaintenanceDay>(
      'SELECT day, set_at AS setAt FROM certificate_maintenance_days WHERE municipality = ? AND day >= ? ORDER BY day',
    );
    const insert = db.prepare<[string, string, string]>('INSERT INTO certificate_maintenance_days (municipality, day, set_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    const remove = db.prepare<[string, string]>('DELETE FROM certificate_maintenance_days WHERE municipality = ? AND day = ?');
    const appendAudit = prepareAuditAppend(db);
    this.setTx = db.transaction((municipality: string, day: string, setAt: string, audit: (changed: boolean) => AuditDraft) => {
      const changed = insert.run(municipality, day, setAt).changes === 1;
      return { changed, entry: appendAudit(audit(changed)) };
    });
    this.clearTx = db.transaction((municipality: string, day: string, audit: (changed: boolean) => AuditDraft) => {
      const changed = remove.run(municipality, day).changes === 1;
      return { changed, entry: appendAudit(audit(changed)) };
    });
  }

  listFrom(municipality: string, fromDay: string): Promise<string[]> {
    return settle(() => this.list.all(municipality, fromDay));
  }

  listScheduled(municipality: string, fromDay: string): Promise<MaintenanceDay[]> {
    return settle(() => this.scheduled.all(municipality, fromDay));
  }

  set(municipality: string, day: string, setAt: string, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome> {
    return settle(() => this.setTx(municipality, day, setAt, audit));
  }

  clear(municipality: string, day: string, audit: (changed: boolean) => AuditDraft): Promise<MaintenanceDayChangeOutcome> {
    return settle(() => this.clearTx(municipality, day, audit));
  }
}
