import type { Scheduler } from '../../src/repositories/scheduler.repository';

/**
 * The hub's Scheduler seam, driven by the test: periodic tasks run only when the test calls `run`
 * (after moving its ManualClock), deferred ones at once.
 */
export class ManualScheduler implements Scheduler {
  private readonly tasks = new Map<string, () => Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly failures: unknown[] = [];

  every(name: string, _intervalMs: number, task: () => Promise<void>): void {
    this.tasks.set(name, task);
  }

  defer(_name: string, _delayMs: number, task: () => Promise<void>): void {
    const run: Promise<void> = Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.failures.push(error);
      })
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Forgets the tasks (a stopped hub); a hub started again registers its own. */
  stop(): void {
    this.tasks.clear();
  }

  /** Runs the named periodic task once and waits for it (and for what it deferred). */
  async run(name: string): Promise<void> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`no scheduled task "${name}" (known: ${[...this.tasks.keys()].join(', ')})`);
    await task();
    await this.idle();
  }

  /** Waits for deferred tasks; rethrows the first that failed. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    if (this.failures.length > 0) throw this.failures.splice(0)[0];
  }
}
