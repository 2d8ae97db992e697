import type { CashPolicy } from '../hardware/device-services';

/**
 * The certificate flow's say over the cash services: while a flow runs, coins are taken only on the
 * payment screen, and money in or out belongs to the flow's transaction (also after the session ended,
 * and while a restarted agent settles an unfinished one). Created before the device services; the flow
 * sets it.
 */
export class CertificateCashPolicy implements CashPolicy {
  private moneyTransaction: string | null = null;
  private coins: boolean | null = null;
  private readonly listeners = new Set<() => void>();

  transaction(): string | null {
    return this.moneyTransaction;
  }

  acceptsCoins(): boolean | null {
    return this.coins;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `transactionId`: money belongs to it (null: to the session). `acceptCoins`: null when no flow runs. */
  set(transactionId: string | null, acceptCoins: boolean | null): void {
    if (transactionId === this.moneyTransaction && acceptCoins === this.coins) return;
    this.moneyTransaction = transactionId;
    this.coins = acceptCoins;
    for (const listener of [...this.listeners]) listener();
  }
}
