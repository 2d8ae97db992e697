import { Inject, Injectable } from '@nestjs/common';
import type { Municipality } from '@kiosk/protocols';
import type { PinAttemptState } from '../domain/lottery/user-rules';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { isUniqueViolation } from '../storage/storage-errors';
import { DATABASE } from './database.repository';

export interface FacilityUserRecord {
  userNumber: string;
  municipality: Municipality;
  identityId: string;
  pinHash: string;
  registeredAt: string;
  expiresOn: string;
  pin: PinAttemptState;
  certificateLinked: boolean;
}

export interface NewFacilityUser {
  userNumber: string;
  municipality: Municipality;
  /** Used when the user does not join the identity of an already linked certificate. */
  newIdentityId: string;
  pinHash: string;
  registeredAt: string;
  expiresOn: string;
  certificateFingerprint: string | null;
}

/** What a PIN check reads of a user inside its transaction. */
export interface HeldPinState {
  pin: PinAttemptState;
  expiresOn: string;
}

export interface SessionRecord {
  userNumber: string;
  expiresAt: string;
}

export interface FacilityUsersRepository {
  /** Creates the user (and its identity, or joins the identity its certificate is linked to). */
  create(user: NewFacilityUser): Promise<{ created: true; identityId: string } | { created: false }>;
  findByNumber(userNumber: string): Promise<FacilityUserRecord | undefined>;
  /** The user of `municipality` whose identity holds the certificate (the latest expiry if several). */
  findByCertificate(fingerprint: string, municipality: Municipality): Promise<FacilityUserRecord | undefined>;
  /**
   * Runs `work` as one transaction: the calls given its `tx` commit or roll back together, so a
   * decision the service takes between a read and a write (the PIN attempt state machine) holds when
   * it commits; on PostgreSQL a transaction that raced another is run again from the start, so `work`
   * must do nothing but repository calls and pure decisions.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The user's PIN attempt state (and registration expiry), holding the user's row for the rest of
   * `tx`: a concurrent attempt on the same user waits for it, so no two start from the same count.
   * Undefined for an unknown user.
   */
  holdPinState(userNumber: string, tx: Tx): Promise<HeldPinState | undefined>;
  writePinState(userNumber: string, state: PinAttemptState, tx: Tx): Promise<void>;
  /** Links a certificate; if it belongs to another identity already, this user's identity is merged into it. */
  linkCertificate(userNumber: string, fingerprint: string, at: string): Promise<{ identityId: string; merged: boolean } | undefined>;
  renew(userNumber: string, expiresOn: string): Promise<boolean>;
  createSession(tokenHash: string, userNumber: string, createdAt: string, expiresAt: string): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  purgeSessions(now: string): Promise<number>;
}
export const FACILITY_USERS_REPOSITORY = 'FacilityUsersRepository';

interface UserRow {
  user_number: string;
  municipality: string;
  identity_id: string;
  pin_hash: string;
  registered_at: string;
  expires_on: string;
  failed_pin_attempts: number;
  locked_until: string | null;
  certificate_linked: number | boolean;
}

const userFromRow = (row: UserRow): FacilityUserRecord => ({
  userNumber: row.user_number,
  municipality: row.municipality as Municipality,
  identityId: row.identity_id,
  pinHash: row.pin_hash,
  registeredAt: row.registered_at,
  expiresOn: row.expires_on,
  pin: { failedAttempts: row.failed_pin_attempts, lockedUntil: row.locked_until },
  // EXISTS is 0/1 on SQLite and a boolean on PostgreSQL.
  certificateLinked: Number(row.certificate_linked) === 1,
});

/** Users with whether their identity holds a linked certificate. */
function selectUsers(db: HubDb | Tx) {
  return db
    .selectFrom('facility_users as u')
    .selectAll('u')
    .select((eb) =>
      eb.exists(eb.selectFrom('identity_certificates as c').select('c.fingerprint').whereRef('c.identity_id', '=', 'u.identity_id')).as('certificate_linked'),
    );
}

async function certificateIdentity(tx: Tx, fingerprint: string): Promise<string | undefined> {
  const row = await tx.selectFrom('identity_certificates').select('identity_id').where('fingerprint', '=', fingerprint).executeTakeFirst();
  return row?.identity_id;
}

@Injectable()
export class KyselyFacilityUsersRepository implements FacilityUsersRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async create(user: NewFacilityUser): Promise<{ created: true; identityId: string } | { created: false }> {
    try {
      return await this.store.transaction(async (tx) => {
        const taken = await tx.selectFrom('facility_users').select('user_number').where('user_number', '=', user.userNumber).executeTakeFirst();
        if (taken) return { created: false as const };
        const linked = user.certificateFingerprint ? await certificateIdentity(tx, user.certificateFingerprint) : undefined;
        const identityId = linked ?? user.newIdentityId;
        if (!linked) await tx.insertInto('facility_identities').values({ identity_id: identityId, created_at: user.registeredAt }).execute();
        await tx
          .insertInto('facility_users')
          .values({
            user_number: user.userNumber,
            municipality: user.municipality,
            identity_id: identityId,
            pin_hash: user.pinHash,
            registered_at: user.registeredAt,
            expires_on: user.expiresOn,
          })
          .execute();
        if (user.certificateFingerprint && !linked) {
          await tx
            .insertInto('identity_certificates')
            .values({ fingerprint: user.certificateFingerprint, identity_id: identityId, linked_at: user.registeredAt })
            .execute();
        }
        return { created: true as const, identityId };
      });
    } catch (error) {
      // A registration that raced this one took the number (or linked the certificate) first: the
      // service draws another number, and then finds the certificate linked.
      if (isUniqueViolation(error)) return { created: false };
      throw error;
    }
  }

  async findByNumber(userNumber: string): Promise<FacilityUserRecord | undefined> {
    const row = await selectUsers(this.store.db).where('u.user_number', '=', userNumber).executeTakeFirst();
    return row ? userFromRow(row) : undefined;
  }

  async findByCertificate(fingerprint: string, municipality: Municipality): Promise<FacilityUserRecord | undefined> {
    const row = await selectUsers(this.store.db)
      .where('u.identity_id', '=', (eb) => eb.selectFrom('identity_certificates').select('identity_id').where('fingerprint', '=', fingerprint))
      .where('u.municipality', '=', municipality)
      .orderBy('u.expires_on', 'desc')
      .orderBy('u.user_number')
      .limit(1)
      .executeTakeFirst();
    return row ? userFromRow(row) : undefined;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  /**
   * Read by a write that changes nothing (UPDATE ... RETURNING), so the transaction holds the row
   * from this statement on: a racing attempt waits for it (PostgreSQL then runs that one again, from
   * the state this one wrote; on SQLite it is the next writer, even from another process).
   */
  async holdPinState(userNumber: string, tx: Tx): Promise<HeldPinState | undefined> {
    const row = await tx
      .updateTable('facility_users')
      .set((eb) => ({ failed_pin_attempts: eb.ref('failed_pin_attempts') }))
      .where('user_number', '=', userNumber)
      .returning(['failed_pin_attempts', 'locked_until', 'expires_on'])
      .executeTakeFirst();
    return row ? { pin: { failedAttempts: row.failed_pin_attempts, lockedUntil: row.locked_until }, expiresOn: row.expires_on } : undefined;
  }

  async writePinState(userNumber: string, state: PinAttemptState, tx: Tx): Promise<void> {
    await tx
      .updateTable('facility_users')
      .set({ failed_pin_attempts: state.failedAttempts, locked_until: state.lockedUntil })
      .where('user_number', '=', userNumber)
      .execute();
  }

  linkCertificate(userNumber: string, fingerprint: string, at: string): Promise<{ identityId: string; merged: boolean } | undefined> {
    return this.store.transaction(async (tx) => {
      const user = await tx.selectFrom('facility_users').select('identity_id').where('user_number', '=', userNumber).executeTakeFirst();
      if (!user) return undefined;
      const linked = await certificateIdentity(tx, fingerprint);
      if (!linked) {
        await tx.insertInto('identity_certificates').values({ fingerprint, identity_id: user.identity_id, linked_at: at }).execute();
        return { identityId: user.identity_id, merged: false };
      }
      if (linked === user.identity_id) return { identityId: user.identity_id, merged: false };
      // The certificate says these cards are one person: everything of this identity joins that one.
      await tx.updateTable('facility_users').set({ identity_id: linked }).where('identity_id', '=', user.identity_id).execute();
      await tx.updateTable('identity_certificates').set({ identity_id: linked }).where('identity_id', '=', user.identity_id).execute();
      await tx.deleteFrom('facility_identities').where('identity_id', '=', user.identity_id).execute();
      return { identityId: linked, merged: true };
    });
  }

  async renew(userNumber: string, expiresOn: string): Promise<boolean> {
    const result = await this.store.db.updateTable('facility_users').set({ expires_on: expiresOn }).where('user_number', '=', userNumber).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async createSession(tokenHash: string, userNumber: string, createdAt: string, expiresAt: string): Promise<void> {
    await this.store.db
      .insertInto('facility_sessions')
      .values({ token_hash: tokenHash, user_number: userNumber, created_at: createdAt, expires_at: expiresAt })
      .execute();
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.store.db.selectFrom('facility_sessions').select(['user_number', 'expires_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? { userNumber: row.user_number, expiresAt: row.expires_at } : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.store.db.deleteFrom('facility_sessions').where('token_hash', '=', tokenHash).execute();
  }

  async purgeSessions(now: string): Promise<number> {
    const result = await this.store.db.deleteFrom('facility_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
