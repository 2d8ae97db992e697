import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { HubStore } from '../storage/hub-store';
import { DATABASE } from './database.repository';

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

const StoredLinesSchema = z.array(z.string());

@Injectable()
export class KyselyLogUploadRepository implements LogUploadRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async addChunk(commandId: string, chunk: Omit<LogChunkRecord, 'receivedAt'>, receivedAt: string): Promise<'stored' | 'duplicate'> {
    const inserted = await this.store.db
      .insertInto('log_uploads')
      .values({
        command_id: commandId,
        chunk_index: chunk.index,
        final: chunk.final ? 1 : 0,
        line_count: chunk.lines.length,
        lines_json: JSON.stringify(chunk.lines),
        received_at: receivedAt,
      })
      .onConflict((conflict) => conflict.columns(['command_id', 'chunk_index']).doNothing())
      .returning('chunk_index')
      .executeTakeFirst();
    return inserted ? 'stored' : 'duplicate';
  }

  async chunks(commandId: string): Promise<LogChunkRecord[]> {
    const rows = await this.store.db
      .selectFrom('log_uploads')
      .select(['chunk_index', 'final', 'lines_json', 'received_at'])
      .where('command_id', '=', commandId)
      .orderBy('chunk_index')
      .execute();
    return rows.map((row) => ({
      index: row.chunk_index,
      final: row.final === 1,
      lines: StoredLinesSchema.parse(JSON.parse(row.lines_json)),
      receivedAt: row.received_at,
    }));
  }

  async prune(before: string): Promise<number> {
    const result = await this.store.db.deleteFrom('log_uploads').where('received_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
