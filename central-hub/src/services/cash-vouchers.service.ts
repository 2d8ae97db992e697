import { Inject, Injectable } from '@nestjs/common';
import type { VoucherRedemption, VoucherRedemptionRequest } from '@kiosk/protocols';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CASH_VOUCHER_REPOSITORY, type CashVoucherRepository, type IssuedVoucher } from '../repositories/cash-vouchers.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { refusal, type Principal } from './access.rules';
import { AuditService } from './audit.service';
import { chooseVoucher } from './cash-vouchers.rules';

/**
 * Vouchers paid at the municipal office (issue 18): an administrator records that the office paid a
 * voucher a kiosk printed (its kiosk and transaction, as printed, and its amount), once per voucher,
 * audited; the cash reconciliation then shows it redeemed against the vouchers issued.
 */
@Injectable()
export class CashVoucherService {
  private readonly log: Logger;

  constructor(
    @Inject(CASH_VOUCHER_REPOSITORY) private readonly vouchers: CashVoucherRepository,
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'cash-vouchers' });
  }

  async redeem(principal: Principal, request: VoucherRedemptionRequest): Promise<VoucherRedemption> {
    const { kioskId, transactionId, amountYen } = request;
    const kiosk = await this.kiosks.findById(kioskId);
    const municipality = kiosk?.municipality ?? null;
    const facts = { action: 'cash-voucher.redeemed' as const, municipality, kioskId: kiosk ? kioskId : null, target: transactionId };
    const refused = kiosk ? refusal(principal, 'redeem-voucher', kiosk.municipality) : 'municipality';
    if (refused) {
      await this.audit.record(this.audit.draft(principal, { ...facts, outcome: 'refused', detail: { reason: refused, amountYen } }));
      throw refused === 'municipality' ? notFound(`no kiosk ${kioskId}`) : forbidden(`a ${principal.role} cannot record vouchers redeemed`);
    }

    const choice = chooseVoucher(await this.vouchers.issued(kioskId, transactionId), amountYen);
    switch (choice.kind) {
      case 'none':
        throw notFound(`kiosk ${kioskId} printed no voucher for transaction ${transactionId}`);
      case 'amount-mismatch': {
        const amounts = choice.amountsYen.map((yen) => `¥${yen}`).join(', ');
        throw badRequest('invalid_message', `the vouchers of this transaction are of ${amounts}, not ¥${amountYen}`, [{ path: 'amountYen', message: `one of ${amounts}` }]);
      }
      case 'redeemed':
        return this.alreadyRedeemed(principal, facts, choice.voucher);
      case 'found':
        break;
    }
    const voucher = choice.voucher;
    const redeemedAt = this.clock.now().toISOString();
    const note = request.note ?? null;
    const outcome = await this.vouchers.redeem({ voucher, redeemedAt, redeemedBy: principal.username, note }, (redeemed) =>
      this.audit.draft(principal, { ...facts, outcome: redeemed ? 'ok' : 'refused', detail: { amountYen, reason: redeemed ? voucher.reason : 'already-redeemed' } }),
    );
    this.audit.published(outcome.entry);
    // Another clerk recorded it a moment before: the same refusal as for one redeemed long ago.
    if (!outcome.redeemed) throw conflict(`this voucher of ¥${amountYen} was redeemed a moment ago`);
    this.log.info({ username: principal.username, kioskId, transactionId, amountYen }, 'voucher redeemed at the office');
    return { kioskId, transactionId, amountYen, reason: voucher.reason, issuedAt: voucher.issuedAt, redeemedAt, redeemedBy: principal.username, note };
  }

  private async alreadyRedeemed(
    principal: Principal,
    facts: { action: 'cash-voucher.redeemed'; municipality: string | null; kioskId: string | null; target: string },
    voucher: IssuedVoucher,
  ): Promise<never> {
    const when = voucher.redemption?.redeemedAt ?? '';
    await this.audit.record(this.audit.draft(principal, { ...facts, outcome: 'refused', detail: { amountYen: voucher.amountYen, reason: 'already-redeemed' } }));
    this.log.warn({ username: principal.username, kioskId: voucher.kioskId, transactionId: voucher.transactionId, amountYen: voucher.amountYen }, 'voucher already redeemed: refused');
    throw conflict(`this voucher of ¥${voucher.amountYen} was already redeemed at ${when} by ${voucher.redemption?.redeemedBy ?? 'someone'}`);
  }
}
