import { Inject, Injectable } from '@nestjs/common';
import { EventPayloadSchemas, type AuditEntry } from '@kiosk/protocols';
import type { HubStore } from '../storage/hub-store';
import { appendAudit, type AuditDraft } from './audit.sql';
import { DATABASE } from './database.repository';

/** A voucher a kiosk printed (its `cash.voucher` event), and its redemption at the office if recorded. */
export interface IssuedVoucher {
  eventId: string;
  kioskId: string;
  transactionId: string;
  amountYen: number;
  reason: 'change' | 'refund';
  issuedAt: string;
  redemption: { redeemedAt: string; redeemedBy: string; note: string | null } | null;
}

export interface NewRedemption {
  voucher: IssuedVoucher;
  redeemedAt: string;
  redeemedBy: string;
  note: string | null;
}

export interface CashVoucherRepository {
  /** The vouchers a kiosk printed for one transaction (usually one), oldest first. */
  issued(kioskId: string, transactionId: string): Promise<IssuedVoucher[]>;
  /**
   * Records the voucher redeemed with its audit row, in one transaction; `redeemed` false (and the audit
   * row the refusal) when it already was, e.g. by another clerk a moment before.
   */
  redeem(redemption: NewRedemption, audit: (redeemed: boolean) => AuditDraft): Promise<{ redeemed: boolean; entry: AuditEntry }>;
}
export const CASH_VOUCHER_REPOSITORY = 'CashVoucherRepository';

@Injectable()
export class KyselyCashVoucherRepository implements CashVoucherRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async issued(kioskId: string, transactionId: string): Promise<IssuedVoucher[]> {
    // The kiosk's voucher events (a partial index holds only those), then the transaction's by payload.
    const rows = await this.store.db
      .selectFrom('events as e')
      .leftJoin('cash_voucher_redemptions as r', 'r.voucher_event_id', 'e.event_id')
      .select(['e.event_id', 'e.occurred_at', 'e.payload_json', 'r.redeemed_at', 'r.redeemed_by', 'r.note'])
      .where('e.kiosk_id', '=', kioskId)
      .where('e.type', '=', 'cash.voucher')
      .orderBy('e.seq')
      .execute();
    const vouchers: IssuedVoucher[] = [];
    for (const row of rows) {
      const payload = EventPayloadSchemas['cash.voucher'].parse(JSON.parse(row.payload_json));
      if (payload.transactionId !== transactionId) continue;
      vouchers.push({
        eventId: row.event_id,
        kioskId,
        transactionId,
        amountYen: payload.amountYen,
        reason: payload.reason,
        issuedAt: new Date(row.occurred_at).toISOString(),
        redemption: row.redeemed_at === null || row.redeemed_by === null ? null : { redeemedAt: row.redeemed_at, redeemedBy: row.redeemed_by, note: row.note },
      });
    }
    return vouchers;
  }

  redeem(r: NewRedemption, audit: (redeemed: boolean) => AuditDraft): Promise<{ redeemed: boolean; entry: AuditEntry }> {
    return this.store.transaction(async (tx) => {
      // The voucher's event id is the key: a second redemption of it stores nothing.
      const inserted = await tx
        .insertInto('cash_voucher_redemptions')
        .values({
          voucher_event_id: r.voucher.eventId,
          kiosk_id: r.voucher.kioskId,
          transaction_id: r.voucher.transactionId,
          amount_yen: r.voucher.amountYen,
          redeemed_at: r.redeemedAt,
          redeemed_by: r.redeemedBy,
          note: r.note,
        })
        .onConflict((conflict) => conflict.column('voucher_event_id').doNothing())
        .executeTakeFirst();
      const redeemed = Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
      return { redeemed, entry: await appendAudit(tx, audit(redeemed)) };
    });
  }
}
