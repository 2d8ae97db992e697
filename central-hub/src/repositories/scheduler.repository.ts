import type { Logger } from '../logger';

/**
 * Timers, behind an interface: the periodic sweep (offline detection, alert hold times, command
 * expiry) and the telemetry pruning run from here, so a test drives them by hand with the same clock
 * it moves, instead of waiting.
 */
export interface Scheduler {
  /** Runs `task` every `intervalMs`; a run still going when the next is due is not overlapped. */
  every(name: string, intervalMs: number, task: () => Promise<void>): void;
  /** Runs `task` once after `delayMs`; while one of that name is pending, further ones are dropped. */
  defer(name: string, delayMs: number, task: () => Promise<void>): void;
  /** Cancels everything; later calls are ignored. */
  stop(): void;
}
export const SCHEDULER = 'Scheduler';

/** The production scheduler: Node timers, unref'd so they never keep the process alive. */
export class TimerScheduler implements Scheduler {
  private readonly intervals = new Map<string, NodeJS.Timeout>();
  private readonly deferred = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private stopped = false;
  private readonly log: Logger;

  constructor(root: Logger) {
    this.log = root.child({ module: 'scheduler' });
  }

  every(name: string, intervalMs: number, task: () => Promise<void>): void {
    if (this.stopped) return;
    clearInterval(this.intervals.get(name));
    const timer = setInterval(() => this.run(name, task), intervalMs);
    timer.unref();
    this.intervals.set(name, timer);
  }

  defer(name: string, delayMs: number, task: () => Promise<void>): void {
    if (this.stopped || this.deferred.has(name)) return;
    const timer = setTimeout(() => {
      this.deferred.delete(name);
      this.run(name, task);
    }, delayMs);
    timer.unref();
    this.deferred.set(name, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.intervals.values()) clearInterval(timer);
    for (const timer of this.deferred.values()) clearTimeout(timer);
    this.intervals.clear();
    this.deferred.clear();
  }

  private run(name: string, task: () => Promise<void>): void {
    if (this.stopped || this.running.has(name)) return;
    this.running.add(name);
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.log.error({ task: name, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'scheduled task failed');
      })
      .finally(() => this.running.delete(name));
  }
}
