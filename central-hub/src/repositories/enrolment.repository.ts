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

export interface RedeemedCode {
  kioskId: string;
  entry: AuditEntry | undefined;
  /** The code had already enrolled this key: nothing was changed. */
  repeated: boolean;
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
   * audit row `audit` builds. The same code presented again with the key it enrolled is answered again
   * (`repeated`, nothing written): the agent that sent it may have died before it saved its identity.
   * Resolves with the kiosk id, or undefined when no such code can be redeemed (unknown, expired, or
   * used by another key).
   */
  redeem(redemption: Redemption, audit?: (kiosk: { kioskId: string; municipality: string }) => AuditDraft): Promise<RedeemedCode | undefined>;
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

  redeem(redemption: Redemption, audit?: EnrolmentAudit): Promise<RedeemedCode | undefined> {
    return this.store.transaction(
      async (tx) => {
        const kioskId = await this.useCode(tx, redemption);
        if (kioskId === undefined) {
          const repeated = await this.enrolledBy(tx, redemption);
          return repeated === undefined ? undefined : { kioskId: repeated, entry: undefined, repeated: true };
        }
        const enrolled = await tx
          .updateTable('kiosks')
          .set({ public_key: redemption.publicKey, enrolled_at: redemption.now })
          .where('kiosk_id', '=', kioskId)
          .returning('municipality')
          .executeTakeFirst();
        const entry = audit ? await appendAudit(tx, audit({ kioskId, municipality: enrolled?.municipality ?? '' })) : undefined;
        return { kioskId, entry, repeated: false };
      },
      { isolation: 'read committed' },
    );
  }

  /**
   * The kiosk a used code enrolled, when it enrolled this very key (and the kiosk still has it): only
   * the agent holding the code and that key's enrolment asks this; anyone else is refused as before.
   */
  private async enrolledBy(tx: Tx, { codeHash, publicKey }: Redemption): Promise<string | undefined> {
    const row = await tx
      .selectFrom('enrolment_codes')
      .innerJoin('kiosks', 'kiosks.kiosk_id', 'enrolment_codes.kiosk_id')
      .select('kiosks.kiosk_id')
      .where('enrolment_codes.code_hash', '=', codeHash)
      .where('enrolment_codes.used_at', 'is not', null)
      .where('kiosks.public_key', '=', publicKey)
      .executeTakeFirst();
    return row?.kiosk_id;
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
