/**
 * A min-heap of timed entries. Engagement snapshots are scheduled minutes ahead and interleaved
 * with new mentions in time order; ties go to the earlier-scheduled entry so the order is
 * deterministic.
 */
export interface Timed {
  time: number;
  /** Insertion order, the tie-breaker. Set by the schedule. */
  seq: number;
}

export class Schedule<T extends Timed> {
  private readonly heap: T[] = [];
  private inserted = 0;

  /** The earliest entry, without removing it. */
  peek(): T | undefined {
    return this.heap[0];
  }

  push(entry: T): void {
    entry.seq = this.inserted++;
    const heap = this.heap;
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(entry, heap[parent] as T)) break;
      heap[i] = heap[parent] as T;
      i = parent;
    }
    heap[i] = entry;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && this.before(heap[right] as T, heap[left] as T) ? right : left;
      if (!this.before(heap[child] as T, last)) break;
      heap[i] = heap[child] as T;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  private before(a: T, b: T): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }
}
