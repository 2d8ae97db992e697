import type { CoinAcceptor } from '@kiosk/devices';
import type { CoinYen } from '@kiosk/protocols';
import type { Logger } from '../logger';
import { shouldAcceptCoins } from './cash-rules';

export interface CoinGateInputs {
  /** A flow is in its payment step (the only time coins are taken). */
  paymentStep: () => boolean;
  /** The coins the payment step takes (e.g. no 500-yen coin when its change cannot be paid). */
  coins: () => readonly CoinYen[];
  sessionActive: () => boolean;
  outOfService: () => boolean;
  /** Calls back on any change of either; returns its unsubscribe functions. */
  subscribe: (changed: () => void) => Array<() => void>;
}

/**
 * Opens the coin acceptor (master inhibit off) for the coins the payment step takes while coins may be
 * taken, and closes it otherwise (cash-rules.ts). Changes are applied one at a time, always to the latest
 * wanted state, so a quick begin/end never leaves the acceptor open. The driver restores the wanted state
 * itself after a reconnect.
 */
export class CoinGate {
  /** The coins the acceptor was last set to take (empty: closed); null when unknown. */
  private applied: readonly CoinYen[] | null = null;
  private running: Promise<boolean> | null = null;
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly acceptor: CoinAcceptor,
    private readonly inputs: CoinGateInputs,
    private readonly logger: Logger,
  ) {}

  /** Applies the current state, then follows changes. */
  async start(): Promise<void> {
    this.unsubscribe = this.inputs.subscribe(() => void this.settle());
    await this.settle();
  }

  /** Closes the acceptor: a stopping agent takes no more coins. */
  async stop(): Promise<void> {
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.running;
    await this.acceptor.disable().catch((error: unknown) => this.logger.warn({ err: error }, 'could not inhibit the coin acceptor on stop'));
  }

  /**
   * Resolves once the acceptor matches the latest wanted state (or failed to; logged), with whether it is
   * accepting coins now. Never rejects. A change made while an earlier apply is finishing is applied too.
   */
  async settle(): Promise<boolean> {
    for (;;) {
      this.running ??= this.apply().finally(() => {
        this.running = null;
      });
      const applied = await this.running;
      if (!applied || sameCoins(this.wanted(), this.applied)) return this.applied !== null && this.applied.length > 0;
    }
  }

  private wanted(): readonly CoinYen[] {
    const open = shouldAcceptCoins({ paymentStep: this.inputs.paymentStep(), sessionActive: this.inputs.sessionActive(), outOfService: this.inputs.outOfService() });
    return open ? [...this.inputs.coins()].sort((a, b) => a - b) : [];
  }

  /** False when the device refused or was unreachable. */
  private async apply(): Promise<boolean> {
    for (;;) {
      const wanted = this.wanted();
      if (sameCoins(wanted, this.applied)) return true;
      const accepting = wanted.length > 0;
      try {
        if (accepting) await this.acceptor.enable(wanted);
        else await this.acceptor.disable();
        this.applied = wanted;
        this.logger.info({ accepting, coins: wanted }, accepting ? 'coin acceptor opened' : 'coin acceptor inhibited');
      } catch (error) {
        // Disconnected or refused: the driver re-applies its wanted inhibit state when the device is back.
        this.logger.warn({ err: error, accepting }, 'could not change the coin acceptor inhibit');
        this.applied = null;
        return false;
      }
    }
  }
}

function sameCoins(a: readonly CoinYen[], b: readonly CoinYen[] | null): boolean {
  return b !== null && a.length === b.length && a.every((coin, index) => coin === b[index]);
}
