import { Inject, Injectable } from '@nestjs/common';
import { RoleSchema, type Role } from '@kiosk/protocols';
import type { HubStore } from '../storage/hub-store';
import { DATABASE } from './database.repository';

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

@Injectable()
export class KyselySessionRepository implements SessionRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async create(session: NewSession): Promise<void> {
    await this.store.db
      .insertInto('sessions')
      .values({ token_hash: session.tokenHash, user_id: session.userId, created_at: session.createdAt, expires_at: session.expiresAt })
      .execute();
  }

  async findLive(tokenHash: string, now: string): Promise<SessionRecord | undefined> {
    const row = await this.store.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.user_id', 's.user_id')
      .select(['s.token_hash', 's.expires_at', 'u.user_id', 'u.username', 'u.role', 'u.municipality'])
      .where('s.token_hash', '=', tokenHash)
      .where('s.expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      tokenHash: row.token_hash,
      expiresAt: row.expires_at,
      userId: row.user_id,
      username: row.username,
      role: RoleSchema.parse(row.role),
      municipality: row.municipality,
    };
  }

  async delete(tokenHash: string): Promise<boolean> {
    const result = await this.store.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.store.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
