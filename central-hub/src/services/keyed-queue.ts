/**
 * Runs async work one piece at a time per key (a kiosk), different keys side by side but at most
 * `maxRunning` at once; `exclusive` work waits for every key's work and holds every key until it is
 * done. A fleet evaluation reads, decides, then writes: two of the same kiosk interleaving at an `await`
 * could both open the same alert, but two kiosks never touch each other's rows, so one kiosk's commit no
 * longer waits behind every other kiosk's evaluation (issue 12). The bound matters in a reconnect storm:
 * ten thousand evaluations started in one turn would run their synchronous reads back to back and keep
 * the event loop (handshakes, `/health`) waiting for seconds; with a bound, each turn runs a few dozen.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private barrier: Promise<unknown> = Promise.resolve();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly maxRunning = 64) {}

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? this.barrier).then(() => this.slot()).then(async () => {
      try {
        return await work();
      } finally {
        this.release();
      }
    });
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = Promise.all([this.barrier, ...this.tails.values()]).then(work);
    this.barrier = result.catch(() => undefined);
    this.tails.clear();
    return result;
  }

  private slot(): Promise<void> | undefined {
    if (this.running < this.maxRunning) {
      this.running++;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
