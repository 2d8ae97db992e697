import type { Clock, Timers } from './timers';

/** A manual clock and timer queue for specs: time moves only when the test says so. */
export class ManualTime implements Clock, Timers {
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
      const [id, timer] = due;
      this.#pending.delete(id);
      this.#now = timer.at;
      timer.callback();
    }
    this.#now = until;
  }
}
