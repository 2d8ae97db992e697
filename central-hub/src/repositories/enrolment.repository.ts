import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry } from '@kiosk/protocols';
import type { HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import { appendAudit, type AuditDraft } from './audit.sql';
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

type EnrolmentAudit = (kiosk: { kioskId: string; municipality: string }) => AuditDraft;

@Injectable()
export class KyselyEnrolmentRepository implements EnrolmentRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  /**
   * The kiosk id is claimed by the insert itself (its primary key), so two hubs creating the same id at
   * once cannot both succeed, whatever the isolation: the loser inserts nothing and is told so.
   */
  createCode(code: NewEnrolmentCode, audit?: AuditDraft): Promise<AuditEntry | undefined> {
    return this.store.transaction(
      async (tx) => {
        const { kiosk } = code;
        const inserted = await tx
          .insertInto('kiosks')
          .values({ kiosk_id: kiosk.kioskId, name: kiosk.name, municipality: kiosk.municipality, site: kiosk.site, kind: kiosk.kind, created_at: code.createdAt })
          .onConflict((c) => c.column('kiosk_id').doNothing())
          .returning('kiosk_id')
          .executeTakeFirst();
        if (!inserted) throw new KioskIdTakenError(kiosk.kioskId);
        await tx
          .insertInto('enrolment_codes')
          .values({ code_hash: code.codeHash, kiosk_id: kiosk.kioskId, created_at: code.createdAt, expires_at: code.expiresAt })
          .execute();
        return audit ? appendAudit(tx, audit) : undefined;
      },
      { isolation: 'read committed' },
    );
  }

  redeem(redemption: Redemption, audit?: EnrolmentAudit): Promise<{ kioskId: string; entry: AuditEntry | undefined } | undefined> {
    return this.store.transaction(
      async (tx) => {
        const kioskId = await this.useCode(tx, redemption);
        if (kioskId === undefined) return undefined;
        const enrolled = await tx
          .updateTable('kiosks')
          .set({ public_key: redemption.publicKey, enrolled_at: redemption.now })
          .where('kiosk_id', '=', kioskId)
          .returning('municipality')
          .executeTakeFirst();
        const entry = audit ? await appendAudit(tx, audit({ kioskId, municipality: enrolled?.municipality ?? '' })) : undefined;
        return { kioskId, entry };
      },
      { isolation: 'read committed' },
    );
  }

  /**
   * The whole rule (unused and unexpired) is in the WHERE clause, so checking and using the code is one
   * statement: two kiosks (or two hubs) racing with the same code cannot both win. On PostgreSQL the
   * loser waits for the winner's row lock, then re-checks the row, now used, and changes nothing.
   */
  private async useCode(tx: Tx, { codeHash, now }: Redemption): Promise<string | undefined> {
    const used = await tx
      .updateTable('enrolment_codes')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('kiosk_id')
      .executeTakeFirst();
    return used?.kiosk_id;
  }
}
