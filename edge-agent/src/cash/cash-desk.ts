import { v7 as uuidv7 } from 'uuid';
import type { CoinAcceptor, CoinCredit, CoinDispenser, PayoutReason, PayoutResult } from '@kiosk/devices';
import type { CoinYen } from '@kiosk/protocols';
import type { Logger } from '../logger';
import type { AgentStore } from '../store/agent-store';
import { creditTransaction } from './cash-rules';

/**
 * A flow's money ledger as the cash desk writes it: always inside the desk's commit of the matching outbox
 * event, so the event and the ledger row are one commit (certificates/transaction-store.ts implements it).
 */
export interface CashLedger<Credit> {
  /** Counts a coin to `transactionId`; `paymentOpen`: the flow's payment step is on. Null when the ledger has no such transaction. */
  credit(transactionId: string, coinYen: number, paymentOpen: boolean): Credit | null;
  /** Counts a payout to `transactionId` (nothing when the ledger has no such transaction). */
  paidOut(transactionId: string, amountYen: number): void;
  /** Everything paid out for it so far. */
  paidOutYen(transactionId: string): number;
  /** What a printed voucher covers for it (the hopper could not pay). */
  voucher(transactionId: string, amountYen: number): void;
}

/** Whose money a coin or payout is. */
export interface MoneyOwner {
  /** The transaction a flow names (also after its session ended); null: the session's. */
  transaction(): string | null;
  /** Whether the flow's payment step is on now. */
  paymentStep(): boolean;
}

/** Test-only: the chaos hooks after a coin's commit and after every money commit (chaos.ts, KIOSK_CHAOS). */
export interface CashDeskChaos {
  coinCommitted(coinNumber: number): void;
  moneyStep?(step: 'cash.credit' | 'cash.payout' | 'cash.voucher'): void;
}

/** What the desk uses of the drivers. */
export type CashDeskAcceptor = Pick<CoinAcceptor, 'onCredit' | 'onLostCredit' | 'onRejected'>;
export type CashDeskDispenser = Pick<CoinDispenser, 'onPayout' | 'payout'>;

export interface CashDeskDeps<Credit> {
  store: Pick<AgentStore, 'atomically' | 'outbox'>;
  ledger: CashLedger<Credit>;
  owner: MoneyOwner;
  /** The active kiosk session's id (a session is the transaction), or null. */
  activeSession: () => string | null;
  chaos?: CashDeskChaos;
  logger: Logger;
  newId?: () => string;
}

/** A coin, once committed: the outbox event and (when the ledger holds the transaction) its ledger credit. */
export interface CreditCommitted<Credit> {
  transactionId: string;
  coinYen: CoinYen;
  /** What the ledger made of it; null when the ledger holds no such transaction. */
  ledger: Credit | null;
}

export interface PayoutOutcome {
  paidYen: number;
  unpaidYen: number;
}

/**
 * The one owner of money on the agent. It alone listens to the coin acceptor's credits and the hoppers'
 * payouts and commits each as its outbox event (`cash.credit`, `cash.payout`; vouchers `cash.voucher`) and its ledger change in
 * one `atomically` transaction, before anyone is told; flows learn of a coin from it (`onCredit`), pay
 * change and refunds through it (`payOut`) and record vouchers through it (`voucher`).
 */
export class CashDesk<Credit> {
  private readonly newId: () => string;
  private readonly creditListeners = new Set<(credit: CreditCommitted<Credit>) => void>();
  /** The transaction a running `payOut` pays for (recovery: no session names it). */
  private payingFor: string | null = null;
  private payouts: Promise<unknown> = Promise.resolve();
  private coinsCommitted = 0;
  private dispenser: CashDeskDispenser | null = null;

  constructor(private readonly deps: CashDeskDeps<Credit>) {
    this.newId = deps.newId ?? uuidv7;
  }

  /** Subscribes to the drivers' money events; returns the function that unsubscribes. */
  attach(acceptor: CashDeskAcceptor | null, dispenser: CashDeskDispenser | null): () => void {
    const unsubscribe = [
      acceptor?.onCredit((credit) => this.credit(credit)),
      acceptor?.onLostCredit((error) =>
        // The driver keeps `lost-credit` in its health until a technician reconciles the cash box.
        this.deps.logger.error({ deviceId: error.deviceId, lostEvents: error.lostEvents }, 'coins were accepted whose credit was lost'),
      ),
      acceptor?.onRejected((rejection) => this.deps.logger.info({ errorCode: rejection.errorCode }, 'coin rejected')),
      dispenser?.onPayout((payout) => this.payout(payout)),
    ];
    this.dispenser = dispenser;
    return () => {
      for (const stop of unsubscribe) stop?.();
      this.dispenser = null;
    };
  }

  /** Told after each coin's commit (never before). */
  onCredit(listener: (credit: CreditCommitted<Credit>) => void): () => void {
    this.creditListeners.add(listener);
    return () => this.creditListeners.delete(listener);
  }

  /**
   * Pays `amountYen` of `transactionId` from the hoppers (one payout at a time). What left the machine is
   * counted from the hoppers' payout events (committed to the ledger as they come); the rest is unpaid.
   */
  payOut(transactionId: string, amountYen: number, reason: PayoutReason): Promise<PayoutOutcome> {
    const run = this.payouts.then(() => this.payOutNow(transactionId, amountYen, reason));
    this.payouts = run.catch(() => undefined);
    return run;
  }

  /**
   * Records that a printed voucher covers `amountYen` of `transactionId` (before it is printed): its
   * `cash.voucher` event and its ledger change in one commit, so the hub's reconciliation knows what is
   * owed. Throws (nothing recorded) when the database refuses it.
   */
  voucher(transactionId: string, amountYen: number, reason: PayoutReason): void {
    if (amountYen <= 0) return;
    this.deps.store.atomically(() => {
      this.deps.store.outbox.enqueue({ type: 'cash.voucher', payload: { transactionId, amountYen, reason } });
      this.deps.ledger.voucher(transactionId, amountYen);
    });
    this.deps.logger.info({ type: 'cash.voucher', transactionId, amountYen, reason }, 'cash event recorded');
    this.deps.chaos?.moneyStep?.('cash.voucher');
  }

  private async payOutNow(transactionId: string, amountYen: number, reason: PayoutReason): Promise<PayoutOutcome> {
    if (amountYen <= 0) return { paidYen: 0, unpaidYen: 0 };
    const before = this.deps.ledger.paidOutYen(transactionId);
    this.payingFor = transactionId;
    try {
      if (this.dispenser) await this.dispenser.payout(amountYen, reason);
    } catch (error) {
      this.deps.logger.warn({ err: error, transactionId, amountYen }, 'hopper could not pay it all');
    } finally {
      this.payingFor = null;
    }
    const paidYen = this.deps.ledger.paidOutYen(transactionId) - before;
    return { paidYen, unpaidYen: Math.max(0, amountYen - paidYen) };
  }

  private owner(): string | null {
    return this.payingFor ?? this.deps.owner.transaction() ?? this.deps.activeSession();
  }

  private credit(credit: CoinCredit): void {
    const { transactionId, outsideTransaction } = creditTransaction(this.owner(), this.newId);
    if (outsideTransaction) this.deps.logger.warn({ transactionId, coinYen: credit.coinYen }, 'credit outside a transaction');
    const paymentOpen = this.deps.owner.paymentStep();
    const committed = this.commit(
      { type: 'cash.credit', transactionId, amountYen: credit.coinYen },
      () => this.deps.store.outbox.enqueue({ type: 'cash.credit', payload: { transactionId, coinYen: credit.coinYen }, occurredAt: credit.at }),
      () => (outsideTransaction ? null : this.deps.ledger.credit(transactionId, credit.coinYen, paymentOpen)),
    );
    if (!committed.ok) return;
    this.coinsCommitted += 1;
    this.deps.chaos?.coinCommitted(this.coinsCommitted);
    this.deps.chaos?.moneyStep?.('cash.credit');
    const event: CreditCommitted<Credit> = { transactionId, coinYen: credit.coinYen, ledger: committed.value };
    for (const listener of [...this.creditListeners]) listener(event);
  }

  private payout(payout: PayoutResult): void {
    if (payout.paidYen === 0) return; // nothing left the machine; the flow records what it still owes
    const { transactionId, outsideTransaction } = creditTransaction(this.owner(), this.newId);
    if (outsideTransaction) this.deps.logger.warn({ transactionId, amountYen: payout.paidYen }, 'payout outside a transaction');
    const committed = this.commit(
      { type: 'cash.payout', transactionId, amountYen: payout.paidYen },
      () => this.deps.store.outbox.enqueue({ type: 'cash.payout', payload: { transactionId, amountYen: payout.paidYen, reason: payout.reason } }),
      () => (outsideTransaction ? undefined : this.deps.ledger.paidOut(transactionId, payout.paidYen)),
    );
    if (committed.ok) this.deps.chaos?.moneyStep?.('cash.payout');
  }

  /**
   * The outbox event and the ledger change in one commit: both or neither. Should the ledger refuse (a
   * bug; a full or failing disk refuses the event too), the event is still committed on its own: the
   * money moved and the hub must know it.
   */
  private commit<T>(what: { type: string; transactionId: string; amountYen: number }, event: () => void, ledger: () => T): { ok: true; value: T | null } | { ok: false } {
    try {
      const value = this.deps.store.atomically(() => {
        event();
        return ledger();
      });
      this.deps.logger.info(what, 'cash event recorded');
      return { ok: true, value };
    } catch (error) {
      this.deps.logger.fatal({ err: error, ...what }, 'could not record a cash event with its ledger change');
    }
    try {
      event();
      this.deps.logger.error(what, 'cash event recorded without its ledger change');
      return { ok: true, value: null };
    } catch (error) {
      // The coin is in the box and the database refused it: this line is then the only record; it says
      // exactly what a technician needs to reconcile (no personal data exists in a cash event).
      this.deps.logger.fatal({ err: error, ...what }, 'could not record a cash event');
      return { ok: false };
    }
  }
}
