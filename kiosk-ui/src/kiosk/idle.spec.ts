import type { Clock, Timers } from '../shared/timers';
import { idleDecision, IdleTimer } from './idle';

describe('idleDecision', () => {
  it('is off when not armed, however long it has been', () => {
    expect(idleDecision({ armed: false, lastActivityAt: 0, idleMs: 1000, now: 1e9 })).toEqual({ kind: 'off' });
  });

  it('waits for the rest of the quiet period', () => {
    expect(idleDecision({ armed: true, lastActivityAt: 1000, idleMs: 60_000, now: 21_000 })).toEqual({
      kind: 'wait',
      ms: 40_000,
    });
  });

  it('expires exactly at the deadline and after it', () => {
    expect(idleDecision({ armed: true, lastActivityAt: 0, idleMs: 60_000, now: 60_000 })).toEqual({ kind: 'expired' });
    expect(idleDecision({ armed: true, lastActivityAt: 0, idleMs: 60_000, now: 90_000 })).toEqual({ kind: 'expired' });
  });
});

/** A manual clock and timer queue: time moves only when the test says so. */
class ManualTime implements Clock, Timers {
  #now = 0;
  #next = 1;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.#now;
  }

  set(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.#now + ms, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get pending(): number {
    return this.#pending.size;
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.#now = due[1].at;
      due[1].callback();
    }
    this.#now = until;
  }
}

describe('IdleTimer', () => {
  function setup(idleMs = 60_000) {
    const time = new ManualTime();
    let expired = 0;
    const timer = new IdleTimer(idleMs, time, time, () => (expired += 1));
    return { time, timer, expired: () => expired };
  }

  it('does nothing while disarmed', () => {
    const { time, timer, expired } = setup();
    timer.activity();
    time.advance(10 * 60_000);
    expect(expired()).toBe(0);
    expect(time.pending).toBe(0);
  });

  it('fires once, idleMs after arming, and disarms itself', () => {
    const { time, timer, expired } = setup();
    time.advance(5_000);
    timer.setArmed(true);
    time.advance(59_999);
    expect(expired()).toBe(0);
    time.advance(1);
    expect(expired()).toBe(1);
    expect(timer.armed).toBe(false);
    time.advance(10 * 60_000);
    expect(expired()).toBe(1);
  });

  it('each activity postpones the deadline', () => {
    const { time, timer, expired } = setup(10_000);
    timer.setArmed(true);
    for (let i = 0; i < 5; i++) {
      time.advance(9_000);
      timer.activity();
    }
    expect(expired()).toBe(0);
    time.advance(10_000);
    expect(expired()).toBe(1);
  });

  it('disarming cancels the pending timer', () => {
    const { time, timer, expired } = setup(10_000);
    timer.setArmed(true);
    time.advance(5_000);
    timer.setArmed(false);
    time.advance(60_000);
    expect(expired()).toBe(0);
    expect(time.pending).toBe(0);
  });

  it('re-arming starts a fresh quiet period', () => {
    const { time, timer, expired } = setup(10_000);
    timer.setArmed(true);
    time.advance(9_000);
    timer.setArmed(false);
    timer.setArmed(true);
    time.advance(9_000);
    expect(expired()).toBe(0);
    time.advance(1_000);
    expect(expired()).toBe(1);
  });
});
