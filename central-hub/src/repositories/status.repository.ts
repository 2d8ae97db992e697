import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { KioskStatus, StatusChange } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

export interface StatusTransition {
  kioskId: string;
  status: KioskStatus;
  at: string;
}

/** Kiosks' derived status: the current one on the kiosk row, every interval in the history. */
export interface StatusRepository {
  /** Closes each kiosk's current interval and opens the new one, all in one transaction. */
  transition(transitions: readonly StatusTransition[]): Promise<void>;
  /** Newest first. */
  history(kioskId: string, limit: number): Promise<StatusChange[]>;
}
export const STATUS_REPOSITORY = 'StatusRepository';

interface HistoryRow {
  status: KioskStatus;
  started_at: string;
  ended_at: string | null;
}

@Injectable()
export class SqliteStatusRepository implements StatusRepository {
  private readonly transitionTx: (transitions: readonly StatusTransition[]) => void;
  private readonly historyOf: Statement<[string, number], HistoryRow>;

  constructor(@Inject(SqliteDatabase) private readonly database: SqliteDatabase) {
    const { db } = database;
    const close = db.prepare<[string, string]>('UPDATE kiosk_status_history SET ended_at = ? WHERE kiosk_id = ? AND ended_at IS NULL');
    const open = db.prepare<[string, string, string]>('INSERT INTO kiosk_status_history (kiosk_id, status, started_at) VALUES (?, ?, ?)');
    const current = db.prepare<[string, string, string]>('UPDATE kiosks SET status = ?, status_since = ? WHERE kiosk_id = ?');
    this.transitionTx = db.transaction((transitions: readonly StatusTransition[]) => {
      for (const { kioskId, status, at } of transitions) {
        close.run(at, kioskId);
        open.run(kioskId, status, at);
        current.run(status, at, kioskId);
      }
    });
    this.historyOf = db.prepare('SELECT status, started_at, ended_at FROM kiosk_status_history WHERE kiosk_id = ? ORDER BY id DESC LIMIT ?');
  }

  /** Grouped with the other writes of this turn (a reconnect storm's thousands of connects share fsyncs: issue 12). */
  transition(transitions: readonly StatusTransition[]): Promise<void> {
    return this.database.grouped(() => this.transitionTx(transitions));
  }

  history(kioskId: string, limit: number): Promise<StatusChange[]> {
    return settle(() => this.historyOf.all(kioskId, limit).map((row) => ({ status: row.status, since: row.started_at, until: row.ended_at })));
  }
}
