/**
 * The certificate flow's idle rule: after `idleMs` without a touch the screen asks "still there?" and
 * counts down `warnMs`; a touch on "continue" (or anywhere) starts the quiet period again; when the
 * countdown runs out the session ends and the agent wipes it. Some steps never time out (money or
 * paper in play: issuing, printing); the flow says so through `armed`. Pure rule plus a small scheduler
 * with injected clock and timers, like `../idle.ts`.
 */
import type { Clock, Timers } from '../../shared/timers';

export const CERT_IDLE_MS = 60_000;
export const CERT_WARN_MS = 30_000;

/** The warning is 30 s, or half the idle period when a test shortens it (`?idle=4` → 2 s warning). */
export function warningMsFor(idleMs: number): number {
  return Math.min(CERT_WARN_MS, Math.round(idleMs / 2));
}

export interface IdleWarningInput {
  armed: boolean;
  lastActivityAt: number;
  idleMs: number;
  warnMs: number;
  now: number;
}

export type IdleWarningPhase =
  | { kind: 'off' }
  | { kind: 'quiet'; warnInMs: number }
  | { kind: 'warning'; secondsLeft: number; nextTickMs: number }
  | { kind: 'expired' };

export function idleWarningPhase({ armed, lastActivityAt, idleMs, warnMs, now }: IdleWarningInput): IdleWarningPhase {
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

export interface IdleWarningListener {
  /** Seconds left while the warning shows; null when it does not. */
  warning(secondsLeft: number | null): void;
  expired(): void;
}

export class IdleWarningTimer {
  #armed = false;
  #lastActivityAt: number;
  #handle: unknown = null;
  #showing: number | null = null;

  constructor(
    private readonly idleMs: number,
    private readonly warnMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly listener: IdleWarningListener,
  ) {
    this.#lastActivityAt = clock.now();
  }

  get armed(): boolean {
    return this.#armed;
  }

  /** A touch or key press anywhere, or "continue" on the warning. */
  activity(): void {
    this.#lastActivityAt = this.clock.now();
    this.#schedule();
  }

  setArmed(armed: boolean): void {
    if (armed === this.#armed) return;
    this.#armed = armed;
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
    this.listener.warning(secondsLeft);
  }

  #schedule(): void {
    this.#cancel();
    const phase = idleWarningPhase({
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

  #later(ms: number): void {
    this.#handle = this.timers.set(() => {
      this.#handle = null;
      this.#schedule();
    }, ms);
  }
}
