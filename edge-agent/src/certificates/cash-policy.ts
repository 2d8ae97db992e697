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
  private readonly listeners = new Set<() => void>();
  private gate: (() => Promise<boolean>) | null = null;

  transaction(): string | null {
    return this.moneyTransaction;
  }

  paymentStep(): boolean {
    return this.payment;
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

  /** `transactionId`: money belongs to it (null: to the session). `paymentStep`: the acceptor may take coins. */
  set(transactionId: string | null, paymentStep: boolean): void {
    if (transactionId === this.moneyTransaction && paymentStep === this.payment) return;
    this.moneyTransaction = transactionId;
    this.payment = paymentStep;
    for (const listener of [...this.listeners]) listener();
  }
}
