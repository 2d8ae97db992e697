import type { CoinYen } from '@kiosk/protocols';
import { KIOSK_COINS } from '../cash/change-rules';
import type { CashPolicy } from '../hardware/device-services';

/**
 * The certificate flow's say over the cash services: coins are taken only while the flow is in its
 * payment step (opening the payment, then `pay`), and money in or out belongs to the flow's transaction (also after the session ended,
 * and while a restarted agent settles an unfinished one). Created before the device services; the flow
 * sets it.
 */
export class CertificateCashPolicy implements CashPolicy {
  private moneyTransaction: string | null = null;
  private payment = false;
  private takes: readonly CoinYen[] = KIOSK_COINS;
  private readonly listeners = new Set<() => void>();
  private gate: (() => Promise<boolean>) | null = null;

  transaction(): string | null {
    return this.moneyTransaction;
  }

  paymentStep(): boolean {
    return this.payment;
  }

  coins(): readonly CoinYen[] {
    return this.takes;
  }

  useGate(settled: () => Promise<boolean>): void {
    this.gate = settled;
  }

  /** Resolves once the coin acceptor matches this policy: true when it takes coins (false without one). */
  acceptorSettled(): Promise<boolean> {
    return this.gate?.() ?? Promise.resolve(false);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `transactionId`: money belongs to it (null: to the session). `paymentStep`: the acceptor may take
   * coins, those in `coins` (change-rules.ts `coinOffer`; all of them when not said).
   */
  set(transactionId: string | null, paymentStep: boolean, coins: readonly CoinYen[] = KIOSK_COINS): void {
    const sameCoins = coins.length === this.takes.length && coins.every((coin, index) => coin === this.takes[index]);
    if (transactionId === this.moneyTransaction && paymentStep === this.payment && sameCoins) return;
    this.moneyTransaction = transactionId;
    this.payment = paymentStep;
    this.takes = [...coins];
    for (const listener of [...this.listeners]) listener();
  }
}
