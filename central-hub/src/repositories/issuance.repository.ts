import { Inject, Injectable } from '@nestjs/common';
import { sql, type Insertable, type Selectable } from 'kysely';
import { CertificateOptionsSchema, type CertificateOptions, type CertificateType } from '@kiosk/protocols';
import { formatSerial } from '../domain/certificates/codes';
import type { CertificateIssuancesTable, CertificateLedgerTable } from '../storage/hub-schema';
import { onPostgres, type HubDb, type HubStore, type Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';

export interface IssuanceRecord {
  issuanceId: string;
  transactionId: string;
  requestHash: string;
  kioskId: string;
  municipality: string;
  residentId: string;
  certificateType: CertificateType;
  options: CertificateOptions;
  copies: number;
  unitFeeYen: number;
  feeYen: number;
  serial: string;
  verificationCode: string;
  issuedAt: string;
  voidedAt: string | null;
}

/** An issuance to record; the repository allocates the serial (prefix, JST year, next number of that year). */
export type NewIssuance = Omit<IssuanceRecord, 'serial' | 'voidedAt'> & { serialPrefix: string; serialYear: number };

export type IssuanceOutcome =
  | { kind: 'created'; record: IssuanceRecord }
  | { kind: 'existing'; record: IssuanceRecord }
  | { kind: 'refunded' };

export interface NewRefund {
  transactionId: string;
  kioskId: string;
  amountYen: number;
  /** Codes only (`print-failed/hopper`): the ledger never carries free text. */
  detail: string;
  at: string;
}

export type RefundOutcome =
  | { kind: 'recorded' | 'duplicate'; voided: IssuanceRecord | null }
  | { kind: 'refused'; reason: 'refund-exceeds-payment' | 'idempotency-conflict' };

/** Issuances under their idempotency key, and the ledger that follows the money. */
export interface IssuanceRepository {
  findByTransaction(transactionId: string): Promise<IssuanceRecord | undefined>;
  findByVerificationCode(code: string): Promise<IssuanceRecord | undefined>;
  /**
   * In one transaction: the issuance already recorded under this key (`existing`), or `refunded` when
   * the key was refunded before anything was issued, or a new issuance with its serial and its
   * `issuance` and `payment` ledger rows (`created`).
   */
  recordIssuance(draft: NewIssuance): Promise<IssuanceOutcome>;
  /** In one transaction: the refund ledger row (once per key) and the voiding of the key's issuance, if any. */
  recordRefund(refund: NewRefund): Promise<RefundOutcome>;
}
export const ISSUANCE_REPOSITORY = 'IssuanceRepository';

type IssuanceRow = Selectable<CertificateIssuancesTable>;
type LedgerRow = Insertable<CertificateLedgerTable>;

/**
 * Issuances and refunds of one transaction id wait for each other on PostgreSQL (a transaction-scoped
 * advisory lock in this class of keys), so that "already issued?" and "already refunded?" are answered
 * from what the other committed. SQLite has one writer: nothing to wait for.
 */
const TRANSACTION_KEY_LOCK_CLASS = 13;

@Injectable()
export class KyselyIssuanceRepository implements IssuanceRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  findByTransaction(transactionId: string): Promise<IssuanceRecord | undefined> {
    return this.issuanceOf(this.store.db, transactionId);
  }

  async findByVerificationCode(code: string): Promise<IssuanceRecord | undefined> {
    return fromRow(await this.store.db.selectFrom('certificate_issuances').selectAll().where('verification_code', '=', code).executeTakeFirst());
  }

  /**
   * Read committed: what keeps two issuances apart is the transaction id's lock, the unique keys and
   * the serial counter's atomic upsert (whose row lock holds one municipality's issuers in line), so
   * a serializable transaction would only be refused and re-run on every concurrent issue.
   */
  recordIssuance(draft: NewIssuance): Promise<IssuanceOutcome> {
    return this.store.transaction(
      async (tx): Promise<IssuanceOutcome> => {
        await lockTransactionKey(tx, draft.transactionId);
        const existing = await this.issuanceOf(tx, draft.transactionId);
        if (existing) return { kind: 'existing', record: existing };
        if (await refundRecorded(tx, draft.transactionId)) return { kind: 'refunded' };
        const serialSeq = await nextSerialSeq(tx, draft.municipality, draft.serialYear);
        const serial = formatSerial(draft.serialPrefix, draft.serialYear, serialSeq);
        const row = await tx
          .insertInto('certificate_issuances')
          .values({
            issuance_id: draft.issuanceId,
            transaction_id: draft.transactionId,
            request_hash: draft.requestHash,
            kiosk_id: draft.kioskId,
            municipality: draft.municipality,
            resident_id: draft.residentId,
            certificate_type: draft.certificateType,
            options_json: JSON.stringify(draft.options),
            copies: draft.copies,
            unit_fee_yen: draft.unitFeeYen,
            fee_yen: draft.feeYen,
            serial,
            serial_year: draft.serialYear,
            serial_seq: serialSeq,
            verification_code: draft.verificationCode,
            issued_at: draft.issuedAt,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const record = fromRow(row);
        if (!record) throw new Error('the issuance just inserted came back empty');
        const ledger = ledgerOfIssuance(record);
        await tx
          .insertInto('certificate_ledger')
          .values([
            { ...ledger, kind: 'payment' },
            { ...ledger, kind: 'issuance' },
          ])
          .execute();
        return { kind: 'created', record };
      },
      { isolation: 'read committed' },
    );
  }

  /** Read committed, as `recordIssuance`: the transaction id's lock and the ledger's unique key keep it right. */
  recordRefund(refund: NewRefund): Promise<RefundOutcome> {
    return this.store.transaction(
      async (tx): Promise<RefundOutcome> => {
        await lockTransactionKey(tx, refund.transactionId);
        const issuance = await this.issuanceOf(tx, refund.transactionId);
        if (issuance && issuance.kioskId !== refund.kioskId) return { kind: 'refused', reason: 'idempotency-conflict' };
        if (issuance && refund.amountYen > issuance.feeYen) return { kind: 'refused', reason: 'refund-exceeds-payment' };
        const inserted = await tx
          .insertInto('certificate_ledger')
          .values({
            kind: 'refund',
            transaction_id: refund.transactionId,
            issuance_id: issuance?.issuanceId ?? null,
            kiosk_id: refund.kioskId,
            municipality: issuance?.municipality ?? null,
            certificate_type: issuance?.certificateType ?? null,
            copies: issuance?.copies ?? null,
            amount_yen: refund.amountYen,
            serial: issuance?.serial ?? null,
            detail: refund.detail,
            occurred_at: refund.at,
          })
          .onConflict((conflict) => conflict.columns(['transaction_id', 'kind']).doNothing())
          .returning('entry_id')
          .executeTakeFirst();
        if (!inserted) return { kind: 'duplicate', voided: issuance ?? null };
        await tx
          .updateTable('certificate_issuances')
          .set({ voided_at: refund.at })
          .where('transaction_id', '=', refund.transactionId)
          .where('voided_at', 'is', null)
          .execute();
        return { kind: 'recorded', voided: issuance ? { ...issuance, voidedAt: refund.at } : null };
      },
      { isolation: 'read committed' },
    );
  }

  private async issuanceOf(db: HubDb | Tx, transactionId: string): Promise<IssuanceRecord | undefined> {
    return fromRow(await db.selectFrom('certificate_issuances').selectAll().where('transaction_id', '=', transactionId).executeTakeFirst());
  }
}

/** PostgreSQL: waits for (and then holds, until commit) any other issue or refund of this transaction id. */
async function lockTransactionKey(tx: Tx, transactionId: string): Promise<void> {
  if (!onPostgres(tx)) return;
  await sql`SELECT pg_advisory_xact_lock(${TRANSACTION_KEY_LOCK_CLASS}, hashtext(${transactionId}))`.execute(tx);
}

async function refundRecorded(tx: Tx, transactionId: string): Promise<boolean> {
  const refund = await tx
    .selectFrom('certificate_ledger')
    .select('entry_id')
    .where('transaction_id', '=', transactionId)
    .where('kind', '=', 'refund')
    .executeTakeFirst();
  return refund !== undefined;
}

/**
 * The municipality's next serial number of the year, in one atomic statement: the counter row is
 * created at 1 or incremented, and stays locked until the issuance commits (a rolled-back issuance
 * gives its number back), so two issuers never hold the same number.
 */
async function nextSerialSeq(tx: Tx, municipality: string, serialYear: number): Promise<number> {
  const counter = await tx
    .insertInto('certificate_serial_counters')
    .values({ municipality, serial_year: serialYear, last_seq: 1 })
    .onConflict((conflict) =>
      conflict.columns(['municipality', 'serial_year']).doUpdateSet((eb) => ({ last_seq: eb('certificate_serial_counters.last_seq', '+', 1) })),
    )
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return counter.last_seq;
}

function ledgerOfIssuance(record: IssuanceRecord): Omit<LedgerRow, 'kind'> {
  return {
    transaction_id: record.transactionId,
    issuance_id: record.issuanceId,
    kiosk_id: record.kioskId,
    municipality: record.municipality,
    certificate_type: record.certificateType,
    copies: record.copies,
    amount_yen: record.feeYen,
    serial: record.serial,
    detail: null,
    occurred_at: record.issuedAt,
  };
}

function fromRow(row: IssuanceRow | undefined): IssuanceRecord | undefined {
  if (!row) return undefined;
  return {
    issuanceId: row.issuance_id,
    transactionId: row.transaction_id,
    requestHash: row.request_hash,
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    residentId: row.resident_id,
    // Written by this class from the protocol's own values (the schema types the column TEXT).
    certificateType: row.certificate_type as CertificateType,
    // Written by this class from a parsed value; parsed again so a hand-edited row cannot smuggle options in.
    options: CertificateOptionsSchema.parse(JSON.parse(row.options_json)),
    copies: row.copies,
    unitFeeYen: row.unit_fee_yen,
    feeYen: row.fee_yen,
    serial: row.serial,
    verificationCode: row.verification_code,
    issuedAt: row.issued_at,
    voidedAt: row.voided_at,
  };
}
