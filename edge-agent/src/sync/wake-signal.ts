/**
 * Lets the drain loop sleep until there may be work: woken by a local enqueue (or by the session closing,
 * which also calls `notify`), or after `ms` to notice rows another process committed. A notify that
 * arrives while nobody waits is remembered once, so a wake-up is never lost between check and wait.
 */
export class WakeSignal {
  private waiters = new Set<() => void>();
  private pending = false;

  notify(): void {
    if (this.waiters.size === 0) {
      this.pending = true;
      return;
    }
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}
