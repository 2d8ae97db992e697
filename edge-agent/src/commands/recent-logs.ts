import { MAX_LOG_LINE_CHARS } from '@kiosk/protocols';

/** Where `logs.upload` reads the agent's recent log lines from. */
export interface LogLineSource {
  /** Lines logged at or after `fromMs` (epoch ms), oldest first. */
  since(fromMs: number): string[];
}

export interface RecentLogLimits {
  maxLines: number;
  maxBytes: number;
}

/** About an hour of a busy kiosk's info-level log, in a few MB at most. */
export const DEFAULT_RECENT_LOG_LIMITS: RecentLogLimits = { maxLines: 20_000, maxBytes: 8 * 1024 * 1024 };

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

  constructor(
    private readonly limits: RecentLogLimits = DEFAULT_RECENT_LOG_LIMITS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** One pino output line (with or without its newline). */
  push(raw: string): void {
    const trimmed = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (trimmed === '') return;
    const line = trimmed.length <= MAX_LOG_LINE_CHARS ? trimmed : `${trimmed.slice(0, MAX_LOG_LINE_CHARS - 1)}…`;
    this.entries.push({ atMs: this.nowMs(), line });
    this.bytes += line.length;
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
