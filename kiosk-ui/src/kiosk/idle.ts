/**
 * Idle reset: a kiosk left on any screen but the attract screen goes back to it after a quiet period,
 * so the next person never finds someone else's half-finished session. The rule is a pure function;
 * `IdleTimer` only schedules it with an injected clock and timers.
 */
import type { Clock, Timers } from '../shared/timers';

export interface IdleInput {
  /** Whether the current screen should time out at all. */
  armed: boolean;
  lastActivityAt: number;
  idleMs: number;
  now: number;
}

export type IdleDecision = { kind: 'off' } | { kind: 'wait'; ms: number } | { kind: 'expired' };

export function idleDecision({ armed, lastActivityAt, idleMs, now }: IdleInput): IdleDecision {
  if (!armed) return { kind: 'off' };
  const remaining = lastActivityAt + idleMs - now;
  return remaining > 0 ? { kind: 'wait', ms: remaining } : { kind: 'expired' };
}

export class IdleTimer {
  #armed = false;
  #lastActivityAt: number;
  #handle: unknown = null;

  constructor(
    private readonly idleMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly onExpire: () => void,
  ) {
    this.#lastActivityAt = clock.now();
  }

  /** A touch, click or key press anywhere. */
  activity(): void {
    this.#lastActivityAt = this.clock.now();
    this.#schedule();
  }

  setArmed(armed: boolean): void {
    if (armed === this.#armed) return;
    this.#armed = armed;
    // Arming starts a fresh quiet period: the change of screen was itself caused by a touch.
    if (armed) this.#lastActivityAt = this.clock.now();
    this.#schedule();
  }

  get armed(): boolean {
    return this.#armed;
  }

  dispose(): void {
    this.#cancel();
    this.#armed = false;
  }

  #cancel(): void {
    if (this.#handle !== null) this.timers.clear(this.#handle);
    this.#handle = null;
  }

  #schedule(): void {
    this.#cancel();
    const decision = idleDecision({
      armed: this.#armed,
      lastActivityAt: this.#lastActivityAt,
      idleMs: this.idleMs,
      now: this.clock.now(),
    });
    if (decision.kind === 'wait') {
      // Re-check when the timer fires rather than trusting it: activity may have moved the deadline.
      this.#handle = this.timers.set(() => {
        this.#handle = null;
        this.#schedule();
      }, decision.ms);
    } else if (decision.kind === 'expired') {
      this.#armed = false;
      this.onExpire();
    }
  }
}
