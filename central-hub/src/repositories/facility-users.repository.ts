import { Inject, Injectable } from '@nestjs/common';
import type { Statement, Transaction } from 'better-sqlite3';
import type { Municipality } from '@kiosk/protocols';
import type { PinAttemptState } from '../domain/lottery/user-rules';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

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
  /** Read-modify-write of the PIN attempt state in one transaction; undefined for an unknown user. */
  transitionPin<T>(userNumber: string, step: (state: PinAttemptState) => { next: PinAttemptState; outcome: T }): Promise<T | undefined>;
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
  municipality: Municipality;
  identity_id: string;
  pin_hash: string;
  registered_at: string;
  expires_on: string;
  failed_pin_attempts: number;
  locked_until: string | null;
  certificate_linked: number;
}

const userFromRow = (row: UserRow): FacilityUserRecord => ({
  userNumber: row.user_number,
  municipality: row.municipality,
  identityId: row.identity_id,
  pinHash: row.pin_hash,
  registeredAt: row.registered_at,
  expiresOn: row.expires_on,
  pin: { failedAttempts: row.failed_pin_attempts, lockedUntil: row.locked_until },
  certificateLinked: row.certificate_linked === 1,
});

const SELECT_USER = `
  SELECT u.*, EXISTS (SELECT 1 FROM identity_certificates c WHERE c.identity_id = u.identity_id) AS certificate_linked
  FROM facility_users u`;

@Injectable()
export class SqliteFacilityUsersRepository implements FacilityUsersRepository {
  private readonly byNumber: Statement<[string], UserRow>;
  private readonly byCertificate: Statement<[string, string], UserRow>;
  private readonly certificateIdentity: Statement<[string], { identity_id: string }>;
  private readonly insertIdentity: Statement<[string, string]>;
  private readonly insertUser: Statement<[string, string, string, string, string, string]>;
  private readonly insertCertificate: Statement<[string, string, string]>;
  private readonly writePin: Statement<[number, string | null, string]>;
  private readonly moveUsers: Statement<[string, string]>;
  private readonly moveCertificates: Statement<[string, string]>;
  private readonly deleteIdentity: Statement<[string]>;
  private readonly renewStatement: Statement<[string, string]>;
  private readonly insertSession: Statement<[string, string, string, string]>;
  private readonly sessionByHash: Statement<[string], { user_number: string; expires_at: string }>;
  private readonly deleteSessionStatement: Statement<[string]>;
  private readonly purge: Statement<[string]>;
  private readonly createTx: Transaction<(user: NewFacilityUser) => { created: true; identityId: string } | { created: false }>;
  private readonly pinTx: Transaction<(userNumber: string, step: (state: PinAttemptState) => { next: PinAttemptState; outcome: unknown }) => unknown>;
  private readonly linkTx: Transaction<(userNumber: string, fingerprint: string, at: string) => { identityId: string; merged: boolean } | undefined>;

  constructor(@Inject(SqliteDatabase) { db }: Pick<SqliteDatabase, 'db'>) {
    this.byNumber = db.prepare(`${SELECT_USER} WHERE u.user_number = ?`);
    this.byCertificate = db.prepare(`${SELECT_USER}
      WHERE u.identity_id = (SELECT identity_id FROM identity_certificates WHERE fingerprint = ?) AND u.municipality = ?
      ORDER BY u.expires_on DESC, u.user_number LIMIT 1`);
    this.certificateIdentity = db.prepare('SELECT identity_id FROM identity_certificates WHERE fingerprint = ?');
    this.insertIdentity = db.prepare('INSERT INTO facility_identities (identity_id, created_at) VALUES (?, ?)');
    this.insertUser = db.prepare(`INSERT INTO facility_users (user_number, municipality, identity_id, pin_hash, registered_at, expires_on)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.insertCertificate = db.prepare('INSERT INTO identity_certificates (fingerprint, identity_id, linked_at) VALUES (?, ?, ?)');
    this.writePin = db.prepare('UPDATE facility_users SET failed_pin_attempts = ?, locked_until = ? WHERE user_number = ?');
    this.moveUsers = db.prepare('UPDATE facility_users SET identity_id = ? WHERE identity_id = ?');
    this.moveCertificates = db.prepare('UPDATE identity_certificates SET identity_id = ? WHERE identity_id = ?');
    this.deleteIdentity = db.prepare('DELETE FROM facility_identities WHERE identity_id = ?');
    this.renewStatement = db.prepare('UPDATE facility_users SET expires_on = ? WHERE user_number = ?');
    this.insertSession = db.prepare('INSERT INTO facility_sessions (token_hash, user_number, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.sessionByHash = db.prepare('SELECT user_number, expires_at FROM facility_sessions WHERE token_hash = ?');
    this.deleteSessionStatement = db.prepare('DELETE FROM facility_sessions WHERE token_hash = ?');
    this.purge = db.prepare('DELETE FROM facility_sessions WHERE expires_at <= ?');

    this.createTx = db.transaction((user: NewFacilityUser) => {
      if (this.byNumber.get(user.userNumber)) return { created: false as const };
      const linked = user.certificateFingerprint ? this.certificateIdentity.get(user.certificateFingerprint) : undefined;
      const identityId = linked?.identity_id ?? user.newIdentityId;
      if (!linked) this.insertIdentity.run(identityId, user.registeredAt);
      this.insertUser.run(user.userNumber, user.municipality, identityId, user.pinHash, user.registeredAt, user.expiresOn);
      if (user.certificateFingerprint && !linked) this.insertCertificate.run(user.certificateFingerprint, identityId, user.registeredAt);
      return { created: true as const, identityId };
    });
    this.pinTx = db.transaction((userNumber: string, step: (state: PinAttemptState) => { next: PinAttemptState; outcome: unknown }) => {
      const row = this.byNumber.get(userNumber);
      if (!row) return undefined;
      const { next, outcome } = step({ failedAttempts: row.failed_pin_attempts, lockedUntil: row.locked_until });
      this.writePin.run(next.failedAttempts, next.lockedUntil, userNumber);
      return outcome;
    });
    this.linkTx = db.transaction((userNumber: string, fingerprint: string, at: string) => {
      const user = this.byNumber.get(userNumber);
      if (!user) return undefined;
      const linked = this.certificateIdentity.get(fingerprint);
      if (!linked) {
        this.insertCertificate.run(fingerprint, user.identity_id, at);
        return { identityId: user.identity_id, merged: false };
      }
      if (linked.identity_id === user.identity_id) return { identityId: user.identity_id, merged: false };
      // The certificate says these cards are one person: everything of this identity joins that one.
      this.moveUsers.run(linked.identity_id, user.identity_id);
      this.moveCertificates.run(linked.identity_id, user.identity_id);
      this.deleteIdentity.run(user.identity_id);
      return { identityId: linked.identity_id, merged: true };
    });
  }

  create(user: NewFacilityUser): Promise<{ created: true; identityId: string } | { created: false }> {
    return settle(() => this.createTx.immediate(user));
  }

  findByNumber(userNumber: string): Promise<FacilityUserRecord | undefined> {
    return settle(() => {
      const row = this.byNumber.get(userNumber);
      return row ? userFromRow(row) : undefined;
    });
  }

  findByCertificate(fingerprint: string, municipality: Municipality): Promise<FacilityUserRecord | undefined> {
    return settle(() => {
      const row = this.byCertificate.get(fingerprint, municipality);
      return row ? userFromRow(row) : undefined;
    });
  }

  transitionPin<T>(userNumber: string, step: (state: PinAttemptState) => { next: PinAttemptState; outcome: T }): Promise<T | undefined> {
    return settle(() => this.pinTx.immediate(userNumber, step) as T | undefined);
  }

  linkCertificate(userNumber: string, fingerprint: string, at: string): Promise<{ identityId: string; merged: boolean } | undefined> {
    return settle(() => this.linkTx.immediate(userNumber, fingerprint, at));
  }

  renew(userNumber: string, expiresOn: string): Promise<boolean> {
    return settle(() => this.renewStatement.run(expiresOn, userNumber).changes === 1);
  }

  createSession(tokenHash: string, userNumber: string, createdAt: string, expiresAt: string): Promise<void> {
    return settle(() => {
      this.insertSession.run(tokenHash, userNumber, createdAt, expiresAt);
    });
  }

  findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    return settle(() => {
      const row = this.sessionByHash.get(tokenHash);
      return row ? { userNumber: row.user_number, expiresAt: row.expires_at } : undefined;
    });
  }

  deleteSession(tokenHash: string): Promise<void> {
    return settle(() => {
      this.deleteSessionStatement.run(tokenHash);
    });
  }

  purgeSessions(now: string): Promise<number> {
    return settle(() => this.purge.run(now).changes);
  }
}
