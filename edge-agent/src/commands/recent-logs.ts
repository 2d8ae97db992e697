import { MAX_LOG_LINE_CHARS } from '@kiosk/protocols';
import type { RecentLogStore } from './recent-log-store';

/** Where `logs.upload` reads the agent's recent log lines from. */
export interface LogLineSource {
  /** Lines logged at or after `fromMs` (epoch ms), oldest first. */
  since(fromMs: number): string[];
  /** Keeps the lines in the agent database across restarts until the returned stop (RecentLogLines). */
  persistTo?(store: RecentLogStore): () => void;
}

export interface RecentLogLimits {
  maxLines: number;
  maxBytes: number;
}

/** About an hour of a busy kiosk's info-level log, in a few MB at most. */
export const DEFAULT_RECENT_LOG_LIMITS: RecentLogLimits = { maxLines: 20_000, maxBytes: 8 * 1024 * 1024 };

/** Lines kept in the database are at most this old (`logs.upload` asks for 60 minutes at most). */
export const RECENT_LOG_MAX_AGE_MS = 60 * 60_000;
/** Lines reach the database in one commit this often (a SIGKILL loses at most this much). */
export const RECENT_LOG_FLUSH_MS = 1000;

interface Entry {
  atMs: number;
  line: string;
}

/**
 * A bounded ring of the agent's own log lines, fed by the logger (after pino's redaction), so a
 * technician can ask for the last minutes without the kiosk writing a log file of its own. Oldest
 * lines go first when either limit is reached; a single overlong line is cut to the wire limit.
 */
export class RecentLogLines implements LogLineSource {
  private readonly entries: Entry[] = [];
  private head = 0;
  private bytes = 0;
  // Lines not yet in the database (only while persisting).
  private pending: Entry[] | null = null;

  constructor(
    private readonly limits: RecentLogLimits = DEFAULT_RECENT_LOG_LIMITS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** One pino output line (with or without its newline). */
  push(raw: string): void {
    const trimmed = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (trimmed === '') return;
    const line = trimmed.length <= MAX_LOG_LINE_CHARS ? trimmed : `${trimmed.slice(0, MAX_LOG_LINE_CHARS - 1)}…`;
    const entry = { atMs: this.nowMs(), line };
    this.add(entry);
    this.pending?.push(entry);
  }

  /**
   * Keeps the lines in the agent database too: restores the last hour's from it (before the lines of
   * this run), then writes new lines in one commit every `flushMs`. Returns the stop, which writes what
   * is pending (call it before the database closes). A failed write drops those lines from the
   * database only: it is never logged, which would feed this ring again.
   */
  persistTo(store: RecentLogStore, flushMs = RECENT_LOG_FLUSH_MS): () => void {
    const fromMs = this.nowMs() - RECENT_LOG_MAX_AGE_MS;
    const current = this.entries.slice(this.head);
    const restored = store.since(fromMs);
    this.entries.length = 0;
    this.head = 0;
    this.bytes = 0;
    for (const entry of [...restored, ...current]) this.add(entry);
    this.pending = current;
    const flush = (): void => {
      const lines = this.pending?.splice(0) ?? [];
      if (lines.length === 0) return;
      try {
        store.append(lines, { maxLines: this.limits.maxLines, fromMs: this.nowMs() - RECENT_LOG_MAX_AGE_MS });
      } catch {
        // Telemetry for a technician, not a record: the lines are still in memory for this run.
      }
    };
    const timer = setInterval(flush, flushMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      flush();
      this.pending = null;
    };
  }

  private add(entry: Entry): void {
    this.entries.push(entry);
    this.bytes += entry.line.length;
    while (this.size > this.limits.maxLines || (this.bytes > this.limits.maxBytes && this.size > 1)) this.dropOldest();
    // Compact now and then, so the array does not keep dropped slots for ever.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  since(fromMs: number): string[] {
    const lines: string[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i] as Entry;
      if (entry.atMs >= fromMs) lines.push(entry.line);
    }
    return lines;
  }

  private dropOldest(): void {
    const oldest = this.entries[this.head];
    if (oldest === undefined) return;
    this.bytes -= oldest.line.length;
    this.head += 1;
  }
}
