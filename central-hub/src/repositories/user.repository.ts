import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { Role } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { prepareAuditAppend, type AuditAppender, type AuditDraft } from './audit.sql';
import { settle } from './settle';
import type { AuditEntry } from '@kiosk/protocols';

export interface UserRecord {
  userId: string;
  username: string;
  /** scrypt hash in the format of password.rules.ts. */
  passwordHash: string;
  role: Role;
  /** null: every municipality (administrators only). */
  municipality: string | null;
  createdAt: string;
}

export class UsernameTakenError extends Error {
  override readonly name = 'UsernameTakenError';
  constructor(readonly username: string) {
    super(`username ${username} is taken`);
  }
}

export interface UserRepository {
  findByUsername(username: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  /** Creates the account and its audit row together. Throws UsernameTakenError. */
  create(user: UserRecord, audit: AuditDraft): Promise<AuditEntry>;
}
export const USER_REPOSITORY = 'UserRepository';

interface UserRow {
  user_id: string;
  username: string;
  password_hash: string;
  role: Role;
  municipality: string | null;
  created_at: string;
}

function userFromRow(row: UserRow): UserRecord {
  return {
    userId: row.user_id,
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role,
    municipality: row.municipality,
    createdAt: row.created_at,
  };
}

@Injectable()
export class SqliteUserRepository implements UserRepository {
  private readonly byUsername: Statement<[string], UserRow>;
  private readonly all: Statement<[], UserRow>;
  private readonly countAll: Statement<[], number>;
  private readonly createTx: (user: UserRecord, audit: AuditDraft) => AuditEntry;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.byUsername = db.prepare('SELECT * FROM users WHERE username = ?');
    this.all = db.prepare('SELECT * FROM users ORDER BY username');
    this.countAll = db.prepare<[], number>('SELECT count(*) FROM users').pluck();
    const insert = db.prepare<[string, string, string, string, string | null, string]>(
      'INSERT INTO users (user_id, username, password_hash, role, municipality, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const appendAudit: AuditAppender = prepareAuditAppend(db);
    this.createTx = db.transaction((user: UserRecord, audit: AuditDraft) => {
      if (this.byUsername.get(user.username) !== undefined) throw new UsernameTakenError(user.username);
      insert.run(user.userId, user.username, user.passwordHash, user.role, user.municipality, user.createdAt);
      return appendAudit(audit);
    });
  }

  findByUsername(username: string): Promise<UserRecord | undefined> {
    return settle(() => {
      const row = this.byUsername.get(username);
      return row ? userFromRow(row) : undefined;
    });
  }

  list(): Promise<UserRecord[]> {
    return settle(() => this.all.all().map(userFromRow));
  }

  count(): Promise<number> {
    return settle(() => this.countAll.get() ?? 0);
  }

  create(user: UserRecord, audit: AuditDraft): Promise<AuditEntry> {
    return settle(() => this.createTx(user, audit));
  }
}
