import { Inject, Injectable } from '@nestjs/common';
import type { CashPeriod, CashReconciliationQuery, CashReconciliationReport, HopperCount } from '@kiosk/protocols';
import { addDays, jstDate, jstInstant } from '../domain/jst';
import { forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import {
  CASH_RECONCILIATION_REPOSITORY,
  type CashKiosk,
  type CashReconciliationRepository,
  type CollectionRecord,
} from '../repositories/cash-reconciliation.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { hasRole, inScope, type Principal } from './access.rules';
import { cashReconciliationCsv } from './cash-reconciliation.csv';
import { cashDiscrepancyYen, reconcileCashPeriod, type CashCount } from './cash-reconciliation.rules';
import { MonitorService } from './monitor.service';

/**
 * Cash reconciliation (issue 18): each kiosk's collection periods (bounded by its `cash.collected`
 * events, in seq order) reconciled by the pure rule against the hub's ledger, as a report and a CSV for
 * technicians and administrators of the municipality; and, once a period is complete (every event
 * below the collection held), its cash box outcome kept for the `cash-discrepancy` alert.
 */
@Injectable()
export class CashReconciliationService {
  private readonly log: Logger;

  constructor(
    @Inject(CASH_RECONCILIATION_REPOSITORY) private readonly cash: CashReconciliationRepository,
    @Inject(MonitorService) private readonly monitor: MonitorService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'cash-reconciliation' });
  }

  async report(principal: Principal, query: CashReconciliationQuery): Promise<CashReconciliationReport> {
    const municipality = this.readable(principal, query.municipality);
    const now = this.clock.now();
    const fromIso = jstInstant(query.from).toISOString();
    const toIso = jstInstant(addDays(query.to, 1)).toISOString();
    const periods: CashPeriod[] = [];
    for (const collection of await this.cash.collections(municipality, fromIso, toIso)) {
      if (!inScope(principal, collection.municipality)) continue;
      periods.push(await this.period(collection, collection.previousSeq, collection.seq, collection.previousCollectedAt, collection, collection.previousHoppers));
    }
    if (query.to >= jstDate(now)) {
      for (const open of await this.cash.openPeriods(municipality)) {
        if (!inScope(principal, open.municipality)) continue;
        const period = await this.period(open, open.afterSeq, null, open.startedAt, null, open.startHoppers);
        if (period.cashBox.coins > 0 || period.hoppers.paidYen > 0 || period.vouchers.issuedYen > 0) periods.push(period);
      }
    }
    periods.sort((a, b) => a.kioskId.localeCompare(b.kioskId) || order(a) - order(b) || (a.collectedAt ?? '').localeCompare(b.collectedAt ?? ''));
    return { municipality, from: query.from, to: query.to, generatedAt: now.toISOString(), periods };
  }

  async csv(principal: Principal, query: CashReconciliationQuery): Promise<string> {
    return cashReconciliationCsv((await this.report(principal, query)).periods);
  }

  /**
   * Keeps the outcome of each of the kiosk's collections whose period is now complete, and re-evaluates
   * its alerts when one was kept. Called after a batch holding cash events was committed; idempotent.
   */
  async settle(kioskId: string): Promise<void> {
    let kept = 0;
    for (const collection of await this.cash.unsettled(kioskId)) {
      const input = await this.cash.periodInput(kioskId, collection.previousSeq, collection.seq);
      const result = reconcileCashPeriod({ ...input, count: countOf(collection), hoppersStart: collection.previousHoppers });
      const discrepancyYen = cashDiscrepancyYen(result);
      const stored = await this.cash.recordSettled({
        kioskId,
        seq: collection.seq,
        eventId: collection.eventId,
        collectedAt: collection.collectedAt,
        expectedYen: result.cashBox.expectedYen,
        recordedYen: collection.recordedYen,
        countedYen: collection.countedYen,
        discrepancyYen,
        settledAt: this.clock.now().toISOString(),
      });
      if (!stored) continue;
      kept++;
      const facts = { kioskId, seq: collection.seq, expectedYen: result.cashBox.expectedYen, countedYen: collection.countedYen, recordedYen: collection.recordedYen };
      if (discrepancyYen !== 0) this.log.warn({ ...facts, discrepancyYen, flags: result.flags }, 'cash collection does not balance');
      else this.log.info(facts, 'cash collection balances');
    }
    if (kept > 0) await this.monitor.evaluate(kioskId);
  }

  private async period(
    kiosk: CashKiosk,
    afterSeq: number,
    beforeSeq: number | null,
    startedAt: string | null,
    collection: CollectionRecord | null,
    hoppersStart: HopperCount[] | null,
  ): Promise<CashPeriod> {
    const input = await this.cash.periodInput(kiosk.kioskId, afterSeq, beforeSeq);
    const count: CashCount | null = collection ? countOf(collection) : null;
    return {
      kioskId: kiosk.kioskId,
      municipality: kiosk.municipality,
      site: kiosk.site,
      status: collection ? 'collected' : 'open',
      startedAt,
      collectedAt: collection?.collectedAt ?? null,
      ...reconcileCashPeriod({ ...input, count, hoppersStart }),
    };
  }

  /** The municipality asked for (null: every one in scope); another municipality is "not found". */
  private readable(principal: Principal, municipality: string | undefined): string | null {
    if (municipality !== undefined && !inScope(principal, municipality)) throw notFound(`no municipality ${municipality}`);
    if (!hasRole(principal, 'read-cash')) throw forbidden(`a ${principal.role} cannot read the cash reconciliation`);
    return municipality ?? principal.municipality;
  }
}

/** What the collection recorded: the kiosk's count, the technician's, and the hoppers'. */
function countOf(collection: CollectionRecord): CashCount {
  return { recordedYen: collection.recordedYen, countedYen: collection.countedYen, hoppers: collection.hoppers };
}

/** Collected periods before the open one. */
function order(period: CashPeriod): number {
  return period.status === 'collected' ? 0 : 1;
}
