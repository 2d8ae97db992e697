import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

/** One stored chunk of a `logs.upload` answer. */
export interface LogChunkRecord {
  index: number;
  final: boolean;
  lines: string[];
  receivedAt: string;
}

export interface LogUploadRepository {
  /** Stores the chunk unless that command already has a chunk with this index (a resend): then nothing changes. */
  addChunk(commandId: string, chunk: Omit<LogChunkRecord, 'receivedAt'>, receivedAt: string): Promise<'stored' | 'duplicate'>;
  /** The command's chunks, in index order. */
  chunks(commandId: string): Promise<LogChunkRecord[]>;
  /** Deletes uploads received before `before` (the telemetry retention). */
  prune(before: string): Promise<number>;
}
export const LOG_UPLOAD_REPOSITORY = 'LogUploadRepository';

interface ChunkRow {
  chunk_index: number;
  final: number;
  lines_json: string;
  received_at: string;
}

const StoredLinesSchema = z.array(z.string());

@Injectable()
export class SqliteLogUploadRepository implements LogUploadRepository {
  private readonly insert: Statement<[string, number, number, number, string, string]>;
  private readonly byCommand: Statement<[string], ChunkRow>;
  private readonly pruneOld: Statement<[string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO log_uploads (command_id, chunk_index, final, line_count, lines_json, received_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (command_id, chunk_index) DO NOTHING`,
    );
    this.byCommand = db.prepare('SELECT chunk_index, final, lines_json, received_at FROM log_uploads WHERE command_id = ? ORDER BY chunk_index');
    this.pruneOld = db.prepare('DELETE FROM log_uploads WHERE received_at < ?');
  }

  addChunk(commandId: string, chunk: Omit<LogChunkRecord, 'receivedAt'>, receivedAt: string): Promise<'stored' | 'duplicate'> {
    return settle(() =>
      this.insert.run(commandId, chunk.index, chunk.final ? 1 : 0, chunk.lines.length, JSON.stringify(chunk.lines), receivedAt).changes === 1
        ? 'stored'
        : 'duplicate',
    );
  }

  chunks(commandId: string): Promise<LogChunkRecord[]> {
    return settle(() =>
      this.byCommand.all(commandId).map((row) => ({
        index: row.chunk_index,
        final: row.final === 1,
        lines: StoredLinesSchema.parse(JSON.parse(row.lines_json)),
        receivedAt: row.received_at,
      })),
    );
  }

  prune(before: string): Promise<number> {
    return settle(() => this.pruneOld.run(before).changes);
  }
}
