/**
 * Runs async work one piece at a time. Fleet evaluations read state, decide, then write; two of them
 * interleaving at an `await` could both decide to open the same alert. Each piece is short (a few
 * indexed queries), so serialising them costs nothing at fleet scale.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
