import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AuditCheckpointSchema, type AuditCheckpoint } from '@kiosk/protocols';

/** The export of signed checkpoints, one JSON object per line, in the hub's data directory. */
export const AUDIT_CHECKPOINTS_FILE = 'audit-checkpoints.jsonl';
/** Nest token of the process's AuditCheckpointFile. */
export const AUDIT_CHECKPOINT_FILE = 'AuditCheckpointFile';

export class CheckpointFileError extends Error {
  override readonly name = 'CheckpointFileError';
}

/** Parses a checkpoint file's text; a line that is not a checkpoint is an error naming it, never skipped. */
export function parseCheckpoints(text: string, source: string): AuditCheckpoint[] {
  const checkpoints: AuditCheckpoint[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new CheckpointFileError(`${source} line ${index + 1} is not JSON`);
    }
    const parsed = AuditCheckpointSchema.safeParse(json);
    if (!parsed.success) throw new CheckpointFileError(`${source} line ${index + 1} is not an audit checkpoint`);
    checkpoints.push(parsed.data);
  }
  return checkpoints;
}

/**
 * `audit-checkpoints.jsonl`: appended to (O_APPEND, fsync before the append counts), never rewritten.
 * Each hub process has its own file in its own data directory; an auditor collects them all.
 */
export class AuditCheckpointFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, AUDIT_CHECKPOINTS_FILE);
  }

  append(checkpoint: AuditCheckpoint): void {
    const line = `${JSON.stringify(AuditCheckpointSchema.parse(checkpoint))}\n`;
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** The file's text as it is (the download), empty before the first checkpoint. */
  text(): string {
    return existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
  }

  all(): AuditCheckpoint[] {
    return parseCheckpoints(this.text(), this.file);
  }
}
