import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

/** The days (JST calendar, `YYYY-MM-DD`) an operator closed a municipality's kiosk service for maintenance. */
export interface MaintenanceDayRepository {
  listFrom(municipality: string, fromDay: string): Promise<string[]>;
  /** Resolves false when the day was already set. */
  set(municipality: string, day: string, setAt: string): Promise<boolean>;
  /** Resolves false when the day was not set. */
  clear(municipality: string, day: string): Promise<boolean>;
}
export const MAINTENANCE_DAY_REPOSITORY = 'MaintenanceDayRepository';

@Injectable()
export class SqliteMaintenanceDayRepository implements MaintenanceDayRepository {
  private readonly list: Statement<[string, string], string>;
  private readonly insert: Statement<[string, string, string]>;
  private readonly remove: Statement<[string, string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.list = db.prepare<[string, string], string>('SELECT day FROM certificate_maintenance_days WHERE municipality = ? AND day >= ? ORDER BY day').pluck();
    this.insert = db.prepare('INSERT INTO certificate_maintenance_days (municipality, day, set_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.remove = db.prepare('DELETE FROM certificate_maintenance_days WHERE municipality = ? AND day = ?');
  }

  listFrom(municipality: string, fromDay: string): Promise<string[]> {
    return settle(() => this.list.all(municipality, fromDay));
  }

  set(municipality: string, day: string, setAt: string): Promise<boolean> {
    return settle(() => this.insert.run(municipality, day, setAt).changes === 1);
  }

  clear(municipality: string, day: string): Promise<boolean> {
    return settle(() => this.remove.run(municipality, day).changes === 1);
  }
}
