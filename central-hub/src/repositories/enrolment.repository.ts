import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry } from '@kiosk/protocols';
import { SqliteDatabase } from './database.repository';
import { prepareAuditAppend, type AuditDraft } from './audit.sql';
import { settle } from './settle';
import type { KioskKind } from './kiosk.repository';

export interface NewKiosk {
  kioskId: string;
  name: string;
  municipality: string;
  site: string;
  kind: KioskKind;
}

export interface NewEnrolmentCode {
  /** SHA-256 (hex) of the normalised code; the code itself is never stored. */
  codeHash: string;
  kiosk: NewKiosk;
  createdAt: string;
  expiresAt: string;
}

export interface Redemption {
  codeHash: string;
  publicKey: string;
  now: string;
}

export class KioskIdTakenError extends Error {
  override readonly name = 'KioskIdTakenError';
  constructor(readonly kioskId: string) {
    super(`kiosk id ${kioskId} is taken`);
  }
}

export interface EnrolmentRepository {
  /**
   * Creates the (not yet enrolled) kiosk and its one-time code together, with the audit row when one
   * is given. Throws KioskIdTakenError.
   */
  createCode(code: NewEnrolmentCode, audit?: AuditDraft): Promise<AuditEntry | undefined>;
  /**
   * Atomically marks an unused, unexpired code as used and gives its kiosk the public key, with the
   * audit row `audit` builds. Resolves with the kiosk id, or undefined when no such code can be
   * redeemed (unknown, used or expired).
   */
  redeem(redemption: Redemption, audit?: (kiosk: { kioskId: string; municipality: string }) => AuditDraft): Promise<{ kioskId: string; entry: AuditEntry | undefined } | undefined>;
}
export const ENROLMENT_REPOSITORY = 'EnrolmentRepository';

@Injectable()
export class SqliteEnrolmentRepository implements EnrolmentRepository {
  private readonly createTx: (code: NewEnrolmentCode, audit?: AuditDraft) => AuditEntry | undefined;
  private readonly redeemTx: (
    redemption: Redemption,
    audit?: (kiosk: { kioskId: string; municipality: string }) => AuditDraft,
  ) => { kioskId: string; entry: AuditEntry | undefined } | undefined;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    const kioskExists = db.prepare<[string], number>('SELECT 1 FROM kiosks WHERE kiosk_id = ?').pluck();
    const insertKiosk = db.prepare<[string, string, string, string, string, string]>(
      'INSERT INTO kiosks (kiosk_id, name, municipality, site, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insertCode = db.prepare<[string, string, string, string]>(
      'INSERT INTO enrolment_codes (code_hash, kiosk_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
    );
    // The whole rule (unused and unexpired) is in the WHERE clause, so checking and using the code
    // is one statement: two kiosks racing with the same code cannot both win.
    const useCode = db
      .prepare<[string, string, string], string>(
        `UPDATE enrolment_codes SET used_at = ?
         WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?
         RETURNING kiosk_id`,
      )
      .pluck();
    const enrolKiosk = db.prepare<[string, string, string]>(
      'UPDATE kiosks SET public_key = ?, enrolled_at = ? WHERE kiosk_id = ?',
    );

    const municipalityOf = db.prepare<[string], string>('SELECT municipality FROM kiosks WHERE kiosk_id = ?').pluck();
    const appendAudit = prepareAuditAppend(db);

    this.createTx = db.transaction((code: NewEnrolmentCode, audit?: AuditDraft) => {
      const { kiosk } = code;
      if (kioskExists.get(kiosk.kioskId) !== undefined) throw new KioskIdTakenError(kiosk.kioskId);
      insertKiosk.run(kiosk.kioskId, kiosk.name, kiosk.municipality, kiosk.site, kiosk.kind, code.createdAt);
      insertCode.run(code.codeHash, kiosk.kioskId, code.createdAt, code.expiresAt);
      return audit ? appendAudit(audit) : undefined;
    });
    this.redeemTx = db.transaction(
      ({ codeHash, publicKey, now }: Redemption, audit?: (kiosk: { kioskId: string; municipality: string }) => AuditDraft) => {
        const kioskId = useCode.get(now, codeHash, now);
        if (kioskId === undefined) return undefined;
        enrolKiosk.run(publicKey, now, kioskId);
        const entry = audit ? appendAudit(audit({ kioskId, municipality: municipalityOf.get(kioskId) ?? '' })) : undefined;
        return { kioskId, entry };
      },
    );
  }

  createCode(code: NewEnrolmentCode, audit?: AuditDraft): Promise<AuditEntry | undefined> {
    return settle(() => this.createTx(code, audit));
  }

  redeem(
    redemption: Redemption,
    audit?: (kiosk: { kioskId: string; municipality: string }) => AuditDraft,
  ): Promise<{ kioskId: string; entry: AuditEntry | undefined } | undefined> {
    return settle(() => this.redeemTx(redemption, audit));
  }
}
