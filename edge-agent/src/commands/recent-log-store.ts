import type { SqliteDatabase } from '../store/database';

/**
 * The recent log lines' table in the agent database (appended to store/migrations.ts): the same lines
 * `logs.upload` sends, already redacted by the logger (REDACTED_LOG_PATHS) before they reach it, kept so
 * a restart does not lose the minutes before it. Bounded like the ring: by count and by age.
 */
export const RECENT_LOG_MIGRATION = `
  CREATE TABLE recent_log_lines (
    id    INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    line  TEXT NOT NULL
  );
`;

export interface StoredLogLine {
  atMs: number;
  line: string;
}

export class RecentLogStore {
  private readonly insert;
  private readonly select;
  private readonly pruneOld;
  private readonly pruneOverCount;
  private readonly appendAll;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare<[number, string]>('INSERT INTO recent_log_lines (at_ms, line) VALUES (?, ?)');
    this.select = db.prepare<[number], { at_ms: number; line: string }>('SELECT at_ms, line FROM recent_log_lines WHERE at_ms >= ? ORDER BY id');
    this.pruneOld = db.prepare<[number]>('DELETE FROM recent_log_lines WHERE at_ms < ?');
    this.pruneOverCount = db.prepare<[number]>('DELETE FROM recent_log_lines WHERE id <= (SELECT max(id) FROM recent_log_lines) - ?');
    this.appendAll = db.transaction((lines: readonly StoredLogLine[], bounds: { maxLines: number; fromMs: number }) => {
      for (const { atMs, line } of lines) this.insert.run(atMs, line);
      this.pruneOld.run(bounds.fromMs);
      this.pruneOverCount.run(bounds.maxLines);
    });
  }

  /** Appends `lines` in one commit, then forgets lines older than `fromMs` and all but the newest `maxLines`. */
  append(lines: readonly StoredLogLine[], bounds: { maxLines: number; fromMs: number }): void {
    this.appendAll.immediate(lines, bounds);
  }

  /** The kept lines from `fromMs` on, oldest first. */
  since(fromMs: number): StoredLogLine[] {
    return this.select.all(fromMs).map((row) => ({ atMs: row.at_ms, line: row.line }));
  }
}
