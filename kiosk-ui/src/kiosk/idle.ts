/**
 * Idle reset: a kiosk left on any screen but the attract screen goes back to it after a quiet period,
 * so the next person never finds someone else's half-finished session. A flow may first warn: after
 * `idleMs` without a touch the screen asks "still there?" and counts down `warnMs`; a touch starts the
 * quiet period again; when the countdown runs out the session ends. With `warnMs` 0 there is no warning
 * (the shell's attract reset). Screens that must never time out (money or paper in play) disarm it.
 * The rule is a pure function; `IdleTimer` only schedules it with an injected clock and timers.
 */
import type { Clock, Timers } from '../shared/timers';

export interface IdleInput {
  /** Whether the current screen should time out at all. */
  armed: boolean;
  lastActivityAt: number;
  idleMs: number;
  /** How long the "still there?" countdown lasts after the quiet period; 0 for none. */
  warnMs: number;
  now: number;
}

export type IdlePhase =
  | { kind: 'off' }
  | { kind: 'quiet'; warnInMs: number }
  | { kind: 'warning'; secondsLeft: number; nextTickMs: number }
  | { kind: 'expired' };

export function idlePhase({ armed, lastActivityAt, idleMs, warnMs, now }: IdleInput): IdlePhase {
  if (!armed) return { kind: 'off' };
  const warnAt = lastActivityAt + idleMs;
  const endAt = warnAt + warnMs;
  if (now < warnAt) return { kind: 'quiet', warnInMs: warnAt - now };
  if (now >= endAt) return { kind: 'expired' };
  const leftMs = endAt - now;
  // Whole seconds, rounded up: the screen never says 0 while there is still time.
  const secondsLeft = Math.ceil(leftMs / 1000);
  const nextTickMs = leftMs - (secondsLeft - 1) * 1000;
  return { kind: 'warning', secondsLeft, nextTickMs: Math.max(1, nextTickMs) };
}

export interface IdleListener {
  /** Seconds left while the warning shows; null when it does not. Never called without a warning period. */
  warning?(secondsLeft: number | null): void;
  expired(): void;
}

export class IdleTimer {
  #armed = false;
  #lastActivityAt: number;
  #handle: unknown = null;
  #showing: number | null = null;

  constructor(
    private readonly idleMs: number,
    private readonly warnMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly listener: IdleListener,
  ) {
    this.#lastActivityAt = clock.now();
  }

  get armed(): boolean {
    return this.#armed;
  }

  /** A touch, click or key press anywhere, or "continue" on the warning. */
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

  dispose(): void {
    this.#cancel();
    this.#armed = false;
    this.#show(null);
  }

  #cancel(): void {
    if (this.#handle !== null) this.timers.clear(this.#handle);
    this.#handle = null;
  }

  #show(secondsLeft: number | null): void {
    if (secondsLeft === this.#showing) return;
    this.#showing = secondsLeft;
    this.listener.warning?.(secondsLeft);
  }

  #schedule(): void {
    this.#cancel();
    const phase = idlePhase({
      armed: this.#armed,
      lastActivityAt: this.#lastActivityAt,
      idleMs: this.idleMs,
      warnMs: this.warnMs,
      now: this.clock.now(),
    });
    switch (phase.kind) {
      case 'off':
        this.#show(null);
        return;
      case 'quiet':
        this.#show(null);
        this.#later(phase.warnInMs);
        return;
      case 'warning':
        this.#show(phase.secondsLeft);
        this.#later(phase.nextTickMs);
        return;
      case 'expired':
        this.#armed = false;
        this.#show(null);
        this.listener.expired();
        return;
    }
  }

  /** Re-check when the timer fires rather than trusting it: activity may have moved the deadline. */
  #later(ms: number): void {
    this.#handle = this.timers.set(() => {
      this.#handle = null;
      this.#schedule();
    }, ms);
  }
}
