import { Inject, Injectable } from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import { CertificateOptionsSchema, type CertificateOptions, type CertificateType } from '@kiosk/protocols';
import { formatSerial } from '../domain/certificates/codes';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

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

interface IssuanceRow {
  issuance_id: string;
  transaction_id: string;
  request_hash: string;
  kiosk_id: string;
  municipality: string;
  resident_id: string;
  certificate_type: CertificateType;
  options_json: string;
  copies: number;
  unit_fee_yen: number;
  fee_yen: number;
  serial: string;
  verification_code: string;
  issued_at: string;
  voided_at: string | null;
}

@Injectable()
export class SqliteIssuanceRepository implements IssuanceRepository {
  private readonly db: Database;
  private readonly byTransaction: Statement<[string], IssuanceRow>;
  private readonly byCode: Statement<[string], IssuanceRow>;
  private readonly nextSeq: Statement<[string, number], number>;
  private readonly insertIssuance: Statement<Record<string, unknown>>;
  private readonly insertLedger: Statement<Record<string, unknown>>;
  private readonly refundExists: Statement<[string], number>;
  private readonly voidIssuance: Statement<[string, string]>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.db = db;
    this.byTransaction = db.prepare('SELECT * FROM certificate_issuances WHERE transaction_id = ?');
    this.byCode = db.prepare('SELECT * FROM certificate_issuances WHERE verification_code = ?');
    this.nextSeq = db
      .prepare<[string, number], number>('SELECT COALESCE(MAX(serial_seq), 0) + 1 FROM certificate_issuances WHERE municipality = ? AND serial_year = ?')
      .pluck();
    this.insertIssuance = db.prepare(`INSERT INTO certificate_issuances (issuance_id, transaction_id, request_hash, kiosk_id, municipality,
        resident_id, certificate_type, options_json, copies, unit_fee_yen, fee_yen, serial, serial_year, serial_seq, verification_code, issued_at)
      VALUES (@issuanceId, @transactionId, @requestHash, @kioskId, @municipality, @residentId, @certificateType, @optionsJson, @copies,
        @unitFeeYen, @feeYen, @serial, @serialYear, @serialSeq, @verificationCode, @issuedAt)`);
    this.insertLedger = db.prepare(`INSERT INTO certificate_ledger (kind, transaction_id, issuance_id, kiosk_id, municipality, certificate_type,
        copies, amount_yen, serial, detail, occurred_at)
      VALUES (@kind, @transactionId, @issuanceId, @kioskId, @municipality, @certificateType, @copies, @amountYen, @serial, @detail, @occurredAt)
      ON CONFLICT (transaction_id, kind) DO NOTHING`);
    this.refundExists = db.prepare<[string], number>("SELECT count(*) FROM certificate_ledger WHERE transaction_id = ? AND kind = 'refund'").pluck();
    this.voidIssuance = db.prepare('UPDATE certificate_issuances SET voided_at = ? WHERE transaction_id = ? AND voided_at IS NULL');
  }

  findByTransaction(transactionId: string): Promise<IssuanceRecord | undefined> {
    return settle(() => fromRow(this.byTransaction.get(transactionId)));
  }

  findByVerificationCode(code: string): Promise<IssuanceRecord | undefined> {
    return settle(() => fromRow(this.byCode.get(code)));
  }

  recordIssuance(draft: NewIssuance): Promise<IssuanceOutcome> {
    return settle(() =>
      this.db.transaction((): IssuanceOutcome => {
        const existing = fromRow(this.byTransaction.get(draft.transactionId));
        if (existing) return { kind: 'existing', record: existing };
        if (this.refundExists.get(draft.transactionId)) return { kind: 'refunded' };
        const serialSeq = this.nextSeq.get(draft.municipality, draft.serialYear) ?? 1;
        const serial = formatSerial(draft.serialPrefix, draft.serialYear, serialSeq);
        const { serialPrefix: _prefix, options, ...fields } = draft;
        this.insertIssuance.run({ ...fields, serial, serialSeq, optionsJson: JSON.stringify(options) });
        const ledger = {
          transactionId: draft.transactionId,
          issuanceId: draft.issuanceId,
          kioskId: draft.kioskId,
          municipality: draft.municipality,
          certificateType: draft.certificateType,
          copies: draft.copies,
          amountYen: draft.feeYen,
          serial,
          detail: null,
          occurredAt: draft.issuedAt,
        };
        this.insertLedger.run({ ...ledger, kind: 'payment' });
        this.insertLedger.run({ ...ledger, kind: 'issuance' });
        const record = fromRow(this.byTransaction.get(draft.transactionId));
        if (!record) throw new Error('issuance vanished inside its own transaction');
        return { kind: 'created', record };
      })(),
    );
  }

  recordRefund(refund: NewRefund): Promise<RefundOutcome> {
    return settle(() =>
      this.db.transaction((): RefundOutcome => {
        const issuance = fromRow(this.byTransaction.get(refund.transactionId));
        if (issuance && issuance.kioskId !== refund.kioskId) return { kind: 'refused', reason: 'idempotency-conflict' };
        if (issuance && refund.amountYen > issuance.feeYen) return { kind: 'refused', reason: 'refund-exceeds-payment' };
        const inserted = this.insertLedger.run({
          kind: 'refund',
          transactionId: refund.transactionId,
          issuanceId: issuance?.issuanceId ?? null,
          kioskId: refund.kioskId,
          municipality: issuance?.municipality ?? null,
          certificateType: issuance?.certificateType ?? null,
          copies: issuance?.copies ?? null,
          amountYen: refund.amountYen,
          serial: issuance?.serial ?? null,
          detail: refund.detail,
          occurredAt: refund.at,
        });
        if (inserted.changes === 0) return { kind: 'duplicate', voided: issuance ?? null };
        this.voidIssuance.run(refund.at, refund.transactionId);
        return { kind: 'recorded', voided: issuance ? { ...issuance, voidedAt: refund.at } : null };
      })(),
    );
  }
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
    certificateType: row.certificate_type,
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
