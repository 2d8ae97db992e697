import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { Role } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

export interface NewSession {
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

/** A live session with the user it belongs to. */
export interface SessionRecord {
  tokenHash: string;
  expiresAt: string;
  userId: string;
  username: string;
  role: Role;
  municipality: string | null;
}

export interface SessionRepository {
  create(session: NewSession): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findLive(tokenHash: string, now: string): Promise<SessionRecord | undefined>;
  /** Resolves true when there was such a session. */
  delete(tokenHash: string): Promise<boolean>;
  deleteExpired(now: string): Promise<number>;
}
export const SESSION_REPOSITORY = 'SessionRepository';

interface SessionRow {
  token_hash: string;
  expires_at: string;
  user_id: string;
  username: string;
  role: Role;
  municipality: string | null;
}

@Injectable()
export class SqliteSessionRepository implements SessionRepository {
  private readonly insert: Statement<[string, string, string, string]>;
  private readonly live: Statement<[string, string], SessionRow>;
  private readonly remove: Statement<[string]>;
  private readonly removeExpired: Statement<[string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.live = db.prepare(
      `SELECT s.token_hash, s.expires_at, u.user_id, u.username, u.role, u.municipality
       FROM sessions s JOIN users u ON u.user_id = s.user_id
       WHERE s.token_hash = ? AND s.expires_at > ?`,
    );
    this.remove = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
    this.removeExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  }

  create(session: NewSession): Promise<void> {
    return settle(() => {
      this.insert.run(session.tokenHash, session.userId, session.createdAt, session.expiresAt);
    });
  }

  findLive(tokenHash: string, now: string): Promise<SessionRecord | undefined> {
    return settle(() => {
      const row = this.live.get(tokenHash, now);
      if (!row) return undefined;
      return {
        tokenHash: row.token_hash,
        expiresAt: row.expires_at,
        userId: row.user_id,
        username: row.username,
        role: row.role,
        municipality: row.municipality,
      };
    });
  }

  delete(tokenHash: string): Promise<boolean> {
    return settle(() => this.remove.run(tokenHash).changes === 1);
  }

  deleteExpired(now: string): Promise<number> {
    return settle(() => this.removeExpired.run(now).changes);
  }
}
