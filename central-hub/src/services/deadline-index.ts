/**
 * Per-kiosk "evaluate again at" instants, ordered (a binary min-heap with lazy deletion): taking the
 * due ones costs O(due · log n), never a walk over the fleet (issue 12). In memory only: a cache of
 * what an evaluation decided, rebuilt by evaluating every kiosk once after a start.
 */
export class DeadlineIndex {
  private readonly heap: { atMs: number; kioskId: string }[] = [];
  private readonly current = new Map<string, number>();

  get size(): number {
    return this.current.size;
  }

  /** Replaces the kiosk's deadline; null removes it. */
  set(kioskId: string, atMs: number | null): void {
    if (atMs === null) {
      this.current.delete(kioskId);
      return;
    }
    if (this.current.get(kioskId) === atMs) return;
    this.current.set(kioskId, atMs);
    this.push({ atMs, kioskId });
    // Stale entries are skipped when popped; compact when they outnumber the live ones.
    if (this.heap.length > 2 * this.current.size + 1024) this.rebuild();
  }

  /** Removes and returns the kiosks whose deadline is at or before `nowMs`, earliest first. */
  takeDue(nowMs: number): string[] {
    const due: string[] = [];
    for (let top = this.heap[0]; top !== undefined && top.atMs <= nowMs; top = this.heap[0]) {
      this.pop();
      if (this.current.get(top.kioskId) !== top.atMs) continue;
      this.current.delete(top.kioskId);
      due.push(top.kioskId);
    }
    return due;
  }

  private rebuild(): void {
    this.heap.length = 0;
    for (const [kioskId, atMs] of this.current) this.push({ atMs, kioskId });
  }

  private push(entry: { atMs: number; kioskId: string }): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = heap[parent] as { atMs: number; kioskId: string };
      if (up.atMs <= entry.atMs) break;
      heap[i] = up;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as { atMs: number }).atMs < (heap[left] as { atMs: number }).atMs ? right : left;
      const smaller = heap[child] as { atMs: number; kioskId: string };
      if (smaller.atMs >= last.atMs) break;
      heap[i] = smaller;
      i = child;
    }
    heap[i] = last;
  }
}
