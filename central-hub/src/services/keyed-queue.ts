/**
 * Runs async work one piece at a time per key (a kiosk), different keys side by side; `exclusive`
 * work waits for every key's work and holds every key until it is done. A fleet evaluation reads,
 * decides, then writes: two of the same kiosk interleaving at an `await` could both open the same
 * alert, but two kiosks never touch each other's rows, so one kiosk's commit no longer waits behind
 * every other kiosk's evaluation (issue 12).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private barrier: Promise<unknown> = Promise.resolve();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? this.barrier).then(work);
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
}
