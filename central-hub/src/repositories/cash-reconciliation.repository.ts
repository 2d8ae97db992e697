import { Inject, Injectable } from '@nestjs/common';
import type { ExpressionBuilder } from 'kysely';
import { EventPayloadSchemas, type HopperCount } from '@kiosk/protocols';
import type { CashMovement, CashPeriodInput, TransactionFee } from '../services/cash-reconciliation.rules';
import type { HubSchema } from '../storage/hub-schema';
import type { HubDb, HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';

/** A kiosk as the report names it. */
export interface CashKiosk {
  kioskId: string;
  municipality: string;
  site: string;
}

/** One `cash.collected` event: the end of a period that began after `previousSeq` (0: the kiosk's first event). */
export interface CollectionRecord extends CashKiosk {
  seq: number;
  eventId: string;
  collectedAt: string;
  recordedYen: number;
  countedYen: number | null;
  /** What the technician counted in each hopper (null: not counted). */
  hoppers: HopperCount[] | null;
  previousSeq: number;
  previousCollectedAt: string | null;
  /** The previous collection's hopper counts: what it left in them is this period's start (null: none). */
  previousHoppers: HopperCount[] | null;
}

/** A collection's cash box outcome, kept once its period is complete. */
export interface SettledCollection {
  kioskId: string;
  seq: number;
  eventId: string;
  collectedAt: string;
  expectedYen: number;
  recordedYen: number;
  countedYen: number | null;
  discrepancyYen: number;
  settledAt: string;
}

export interface CashReconciliationRepository {
  /** Collections that happened in [fromIso, toIso) on kiosks of `municipality` (null: every one), by kiosk then seq. */
  collections(municipality: string | null, fromIso: string, toIso: string): Promise<CollectionRecord[]>;
  /** Kiosks of `municipality` (null: every one) with the seq and time of their last collection (0 / null: none yet). */
  openPeriods(municipality: string | null): Promise<Array<CashKiosk & { afterSeq: number; startedAt: string | null; startHoppers: HopperCount[] | null }>>;
  /** The rule's input for the period (afterSeq, beforeSeq) of a kiosk (beforeSeq null: up to now). */
  periodInput(kioskId: string, afterSeq: number, beforeSeq: number | null): Promise<Omit<CashPeriodInput, 'count'>>;
  /** The kiosk's collections not settled yet whose periods are complete (seq at or below `acked_through_seq`). */
  unsettled(kioskId: string): Promise<CollectionRecord[]>;
  /** Keeps a collection's outcome (once: a second call for the same collection changes nothing). */
  recordSettled(settled: SettledCollection): Promise<boolean>;
}
export const CASH_RECONCILIATION_REPOSITORY = 'CashReconciliationRepository';

interface CollectionRow {
  kiosk_id: string;
  municipality: string;
  site: string;
  seq: number;
  event_id: string;
  occurred_at: string;
  payload_json: string;
  previous_seq: number | null;
  previous_at: string | null;
  previous_payload: string | null;
}

interface MovementRow {
  type: string;
  event_id: string;
  payload_json: string;
}

const CASH_MOVEMENT_TYPES = ['cash.credit', 'cash.payout', 'cash.voucher'];
/** Transactions looked up per statement (well below either engine's limit on bound parameters). */
const LOOKUP_CHUNK = 500;

/** The hopper counts a stored `cash.collected` payload carries (null: none). */
function hoppersOf(payloadJson: string | null): HopperCount[] | null {
  if (payloadJson === null) return null;
  return EventPayloadSchemas['cash.collected'].parse(JSON.parse(payloadJson)).hoppers ?? null;
}

function collectionFromRow(row: CollectionRow): CollectionRecord {
  const payload = EventPayloadSchemas['cash.collected'].parse(JSON.parse(row.payload_json));
  return {
    kioskId: row.kiosk_id,
    municipality: row.municipality,
    site: row.site,
    seq: row.seq,
    eventId: row.event_id,
    collectedAt: new Date(row.occurred_at).toISOString(),
    recordedYen: payload.recordedYen,
    countedYen: payload.countedYen ?? null,
    hoppers: payload.hoppers ?? null,
    previousSeq: row.previous_seq ?? 0,
    previousCollectedAt: row.previous_at === null ? null : new Date(row.previous_at).toISOString(),
    previousHoppers: hoppersOf(row.previous_payload),
  };
}

/** An event row of the period as the rule's movement (payloads parsed: the events table holds JSON). */
function movementFromRow(row: MovementRow, redeemed: ReadonlySet<string>): CashMovement {
  const json: unknown = JSON.parse(row.payload_json);
  switch (row.type) {
    case 'cash.credit': {
      const payload = EventPayloadSchemas['cash.credit'].parse(json);
      return { type: 'credit', transactionId: payload.transactionId, yen: payload.coinYen };
    }
    case 'cash.payout': {
      const payload = EventPayloadSchemas['cash.payout'].parse(json);
      return { type: 'payout', transactionId: payload.transactionId, yen: payload.amountYen, reason: payload.reason };
    }
    case 'cash.voucher': {
      const payload = EventPayloadSchemas['cash.voucher'].parse(json);
      return { type: 'voucher', transactionId: payload.transactionId, yen: payload.amountYen, reason: payload.reason, redeemed: redeemed.has(row.event_id) };
    }
    default:
      throw new Error(`not a cash movement: ${row.type}`);
  }
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let at = 0; at < items.length; at += size) chunks.push(items.slice(at, at + size));
  return chunks;
}

type CollectionScope = ExpressionBuilder<HubSchema & { k: HubSchema['kiosks']; e: HubSchema['events'] }, 'k' | 'e'>;

/** The `cash.collected` event before `e` at the same kiosk (the start of e's period). */
const previousCollection = (eb: CollectionScope) =>
  eb
    .selectFrom('events as p')
    .whereRef('p.kiosk_id', '=', 'e.kiosk_id')
    .where('p.type', '=', 'cash.collected')
    .whereRef('p.seq', '<', 'e.seq')
    .orderBy('p.seq', 'desc')
    .limit(1);

/** Each kiosk's `cash.collected` events with the collection before each. */
function collectionsQuery(db: HubDb | Tx) {
  return db
    .selectFrom('kiosks as k')
    .innerJoin('events as e', (join) => join.onRef('e.kiosk_id', '=', 'k.kiosk_id').on('e.type', '=', 'cash.collected'))
    .select((eb) => [
      'k.kiosk_id',
      'k.municipality',
      'k.site',
      'e.seq',
      'e.event_id',
      'e.occurred_at',
      'e.payload_json',
      previousCollection(eb).select('p.seq').as('previous_seq'),
      previousCollection(eb).select('p.occurred_at').as('previous_at'),
      previousCollection(eb).select('p.payload_json').as('previous_payload'),
    ]);
}

@Injectable()
export class KyselyCashReconciliationRepository implements CashReconciliationRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async collections(municipality: string | null, fromIso: string, toIso: string): Promise<CollectionRecord[]> {
    // Kiosks send UTC instants, but the schema allows an offset: narrow by text a day wide, then exactly.
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    const wide = (ms: number) => new Date(ms).toISOString();
    let query = collectionsQuery(this.store.db).where('e.occurred_at', '>=', wide(from - 86_400_000)).where('e.occurred_at', '<', wide(to + 86_400_000));
    if (municipality !== null) query = query.where('k.municipality', '=', municipality);
    const rows = await query.orderBy('k.kiosk_id').orderBy('e.seq').execute();
    return rows
      .map(collectionFromRow)
      .filter((collection) => Date.parse(collection.collectedAt) >= from && Date.parse(collection.collectedAt) < to);
  }

  async openPeriods(municipality: string | null): Promise<Array<CashKiosk & { afterSeq: number; startedAt: string | null; startHoppers: HopperCount[] | null }>> {
    const lastCollection = (eb: ExpressionBuilder<HubSchema & { k: HubSchema['kiosks'] }, 'k'>) =>
      eb.selectFrom('events as e').whereRef('e.kiosk_id', '=', 'k.kiosk_id').where('e.type', '=', 'cash.collected');
    let query = this.store.db
      .selectFrom('kiosks as k')
      .select((eb) => [
        'k.kiosk_id',
        'k.municipality',
        'k.site',
        lastCollection(eb)
          .select((inner) => inner.fn.max('e.seq').as('seq'))
          .as('after_seq'),
        lastCollection(eb).select('e.occurred_at').orderBy('e.seq', 'desc').limit(1).as('started_at'),
        lastCollection(eb).select('e.payload_json').orderBy('e.seq', 'desc').limit(1).as('last_payload'),
      ])
      .where('k.public_key', 'is not', null);
    if (municipality !== null) query = query.where('k.municipality', '=', municipality);
    const rows = await query.orderBy('k.kiosk_id').execute();
    return rows.map((row) => ({
      kioskId: row.kiosk_id,
      municipality: row.municipality,
      site: row.site,
      afterSeq: row.after_seq ?? 0,
      startedAt: row.started_at === null ? null : new Date(row.started_at).toISOString(),
      startHoppers: hoppersOf(row.last_payload),
    }));
  }

  /** One transaction: the movements, the transactions they open and those fees are read as of one instant. */
  periodInput(kioskId: string, afterSeq: number, beforeSeq: number | null): Promise<Omit<CashPeriodInput, 'count'>> {
    return this.store.transaction(async (tx) => {
      const rows = await tx
        .selectFrom('events')
        .select(['type', 'event_id', 'payload_json'])
        .where('kiosk_id', '=', kioskId)
        .where('seq', '>', afterSeq)
        .where('seq', '<', beforeSeq ?? Number.MAX_SAFE_INTEGER)
        .where('type', 'in', CASH_MOVEMENT_TYPES)
        .orderBy('seq')
        .execute();
      const vouchers = rows.filter((row) => row.type === 'cash.voucher').map((row) => row.event_id);
      const redeemed = await this.redeemedVouchers(tx, kioskId, vouchers);
      const movements = rows.map((row) => movementFromRow(row, redeemed));
      const opened = await this.openedAfter(tx, movements, afterSeq);
      return { movements, fees: await this.feesOf(tx, opened) };
    });
  }

  async unsettled(kioskId: string): Promise<CollectionRecord[]> {
    const rows = await collectionsQuery(this.store.db)
      .where('k.kiosk_id', '=', kioskId)
      .whereRef('e.seq', '<=', 'k.acked_through_seq')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('cash_collections as c')
              .select('c.seq')
              .whereRef('c.kiosk_id', '=', 'e.kiosk_id')
              .whereRef('c.seq', '=', 'e.seq'),
          ),
        ),
      )
      .orderBy('e.seq')
      .execute();
    return rows.map(collectionFromRow);
  }

  async recordSettled(s: SettledCollection): Promise<boolean> {
    const inserted = await this.store.db
      .insertInto('cash_collections')
      .values({
        kiosk_id: s.kioskId,
        seq: s.seq,
        event_id: s.eventId,
        collected_at: s.collectedAt,
        expected_yen: s.expectedYen,
        recorded_yen: s.recordedYen,
        counted_yen: s.countedYen,
        discrepancy_yen: s.discrepancyYen,
        settled_at: s.settledAt,
      })
      .onConflict((conflict) => conflict.columns(['kiosk_id', 'seq']).doNothing())
      .returning('seq')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** Which of these `cash.voucher` events of the kiosk the office has recorded as redeemed. */
  private async redeemedVouchers(tx: Tx, kioskId: string, eventIds: readonly string[]): Promise<Set<string>> {
    const redeemed = new Set<string>();
    for (const chunk of chunked(eventIds, LOOKUP_CHUNK)) {
      const rows = await tx
        .selectFrom('cash_voucher_redemptions')
        .select('voucher_event_id')
        .where('kiosk_id', '=', kioskId)
        .where('voucher_event_id', 'in', chunk)
        .execute();
      for (const row of rows) redeemed.add(row.voucher_event_id);
    }
    return redeemed;
  }

  /**
   * The transactions whose coins this period holds and whose first credit falls in it (after
   * `afterSeq`, or none recorded in the ledger): their fees belong to this period. In the order the
   * period first credits them.
   */
  private async openedAfter(tx: Tx, movements: readonly CashMovement[], afterSeq: number): Promise<string[]> {
    const credited = [...new Set(movements.filter((movement) => movement.type === 'credit').map((movement) => movement.transactionId))];
    const firstCredit = new Map<string, number>();
    for (const transactionIds of chunked(credited, LOOKUP_CHUNK)) {
      const rows = await tx
        .selectFrom('cash_ledger as c')
        .innerJoin('events as e', (join) => join.onRef('e.kiosk_id', '=', 'c.kiosk_id').onRef('e.event_id', '=', 'c.event_id'))
        .select((eb) => ['c.transaction_id', eb.fn.min('e.seq').as('first_seq')])
        .where('c.transaction_id', 'in', transactionIds)
        .where('c.direction', '=', 'credit')
        .groupBy('c.transaction_id')
        .execute();
      for (const row of rows) firstCredit.set(row.transaction_id, row.first_seq);
    }
    return credited.filter((transactionId) => {
      const first = firstCredit.get(transactionId);
      return first === undefined || first > afterSeq;
    });
  }

  /** What each transaction was charged and refunded (certificate fees), in the order given. */
  private async feesOf(tx: Tx, transactionIds: readonly string[]): Promise<TransactionFee[]> {
    const fees = new Map<string, TransactionFee>(transactionIds.map((transactionId) => [transactionId, { transactionId, paidYen: 0, refundedYen: 0 }]));
    for (const chunk of chunked(transactionIds, LOOKUP_CHUNK)) {
      const rows = await tx
        .selectFrom('certificate_ledger')
        .select(['transaction_id', 'kind', 'amount_yen'])
        .where('transaction_id', 'in', chunk)
        .where('kind', 'in', ['payment', 'refund'])
        .execute();
      for (const row of rows) {
        const fee = fees.get(row.transaction_id);
        if (!fee) continue;
        if (row.kind === 'payment') fee.paidYen += row.amount_yen;
        else fee.refundedYen += row.amount_yen;
      }
    }
    return [...fees.values()];
  }
}
