import { Inject, Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { RoleSchema, type AuditEntry, type Role } from '@kiosk/protocols';
import type { HubStore, Tx } from '../storage/hub-store';
import type { UsersTable } from '../storage/hub-schema';
import { DATABASE } from './database.repository';
import { appendAudit, type AuditDraft } from './audit.sql';

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
  /** Creates the account and its audit row together (in the caller's transaction when given). Throws UsernameTakenError. */
  create(user: UserRecord, audit: AuditDraft, tx?: Tx): Promise<AuditEntry>;
}
export const USER_REPOSITORY = 'UserRepository';

function userFromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    userId: row.user_id,
    username: row.username,
    passwordHash: row.password_hash,
    role: RoleSchema.parse(row.role),
    municipality: row.municipality,
    createdAt: row.created_at,
  };
}

@Injectable()
export class KyselyUserRepository implements UserRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row ? userFromRow(row) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(userFromRow);
  }

  async count(): Promise<number> {
    const row = await this.store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('users')).executeTakeFirstOrThrow();
    return Number(row.users);
  }

  async create(user: UserRecord, audit: AuditDraft, tx?: Tx): Promise<AuditEntry> {
    return this.store.within(tx, async (tx) => {
      // The unique username decides between two requests (or hub processes) creating one name at once;
      // DO NOTHING leaves the caller's transaction usable (a failed INSERT would abort it on PostgreSQL).
      const inserted = await tx
        .insertInto('users')
        .values({
          user_id: user.userId,
          username: user.username,
          password_hash: user.passwordHash,
          role: user.role,
          municipality: user.municipality,
          created_at: user.createdAt,
        })
        .onConflict((conflict) => conflict.column('username').doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (!inserted) throw new UsernameTakenError(user.username);
      return appendAudit(tx, audit);
    });
  }
}
