import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { SqliteDatabase } from './database.repository';

export interface NonceRepository {
  /**
   * Records a handshake nonce for a kiosk. Resolves false when that kiosk already used it (a replay).
   * Nonces are kept until `expiresAtMs`, after which the timestamp window alone refuses the handshake,
   * and are pruned then.
   */
  claim(kioskId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}
export const NONCE_REPOSITORY = 'NonceRepository';

/** Pruning on every claim would be a DELETE per connection; once a minute is plenty. */
const PRUNE_EVERY_MS = 60_000;

@Injectable()
export class SqliteNonceRepository implements NonceRepository {
  private readonly insert: Statement<[string, string, number]>;
  private readonly prune: Statement<[number]>;
  private lastPrunedMs = 0;

  constructor(@Inject(SqliteDatabase) private readonly database: SqliteDatabase) {
    const { db } = database;
    this.insert = db.prepare<[string, string, number]>(
      'INSERT INTO auth_nonces (kiosk_id, nonce, expires_at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.prune = db.prepare<[number]>('DELETE FROM auth_nonces WHERE expires_at_ms < ?');
  }

  /** Grouped with the other handshakes (and batches) of this turn: one fsync for a reconnect storm's burst. */
  claim(kioskId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    return this.database.grouped(() => {
      if (nowMs - this.lastPrunedMs >= PRUNE_EVERY_MS) {
        this.prune.run(nowMs);
        this.lastPrunedMs = nowMs;
      }
      return this.insert.run(kioskId, nonce, expiresAtMs).changes === 1;
    });
  }
}
