import { v7 as uuidv7 } from 'uuid';
import type { CoinAcceptor, CoinCredit, CoinDispenser, PayoutResult } from '@kiosk/devices';
import type { Logger } from '../logger';
import type { Outbox } from '../store/outbox';
import { creditTransaction } from './cash-rules';

export interface CashRecorderDeps {
  outbox: Outbox;
  /** The active session's id (a session is the transaction), or null. */
  activeSession: () => string | null;
  logger: Logger;
  newId?: () => string;
}

/**
 * Durable before visible, for money: every coin the acceptor credits and every payout the hoppers make is
 * committed to the outbox (`cash.credit`, `cash.payout`) as the driver reports it, before anything shows it.
 */
export class CashRecorder {
  private readonly newId: () => string;

  constructor(private readonly deps: CashRecorderDeps) {
    this.newId = deps.newId ?? uuidv7;
  }

  /** Subscribes to the drivers' money events; returns the function that unsubscribes. */
  attach(acceptor: CoinAcceptor | null, dispenser: CoinDispenser | null): () => void {
    const unsubscribe = [
      acceptor?.onCredit((credit) => this.credit(credit)),
      acceptor?.onLostCredit((error) =>
        // The driver keeps `lost-credit` in its health until a technician reconciles the cash box.
        this.deps.logger.error({ deviceId: error.deviceId, lostEvents: error.lostEvents }, 'coins were accepted whose credit was lost'),
      ),
      acceptor?.onRejected((rejection) => this.deps.logger.info({ errorCode: rejection.errorCode }, 'coin rejected')),
      dispenser?.onPayout((payout) => this.payout(payout)),
    ];
    return () => {
      for (const stop of unsubscribe) stop?.();
    };
  }

  private credit(credit: CoinCredit): void {
    const { transactionId, outsideTransaction } = creditTransaction(this.deps.activeSession(), this.newId);
    if (outsideTransaction) this.deps.logger.warn({ transactionId, coinYen: credit.coinYen }, 'credit outside a transaction');
    this.commit('cash.credit', transactionId, credit.coinYen, () =>
      this.deps.outbox.enqueue({ type: 'cash.credit', payload: { transactionId, coinYen: credit.coinYen }, occurredAt: credit.at }),
    );
  }

  private payout(payout: PayoutResult): void {
    if (payout.paidYen === 0) return; // nothing left the machine; the flow records what it still owes
    const { transactionId, outsideTransaction } = creditTransaction(this.deps.activeSession(), this.newId);
    if (outsideTransaction) this.deps.logger.warn({ transactionId, amountYen: payout.paidYen }, 'payout outside a transaction');
    this.commit('cash.payout', transactionId, payout.paidYen, () =>
      this.deps.outbox.enqueue({ type: 'cash.payout', payload: { transactionId, amountYen: payout.paidYen, reason: payout.reason } }),
    );
  }

  private commit(type: string, transactionId: string, amountYen: number, enqueue: () => void): void {
    try {
      enqueue();
      this.deps.logger.info({ type, transactionId, amountYen }, 'cash event recorded');
    } catch (error) {
      // The coin is in the box and the database refused it: this line is then the only record; it says
      // exactly what a technician needs to reconcile (no personal data exists in a cash event).
      this.deps.logger.fatal({ err: error, type, transactionId, amountYen }, 'could not record a cash event');
    }
  }
}
