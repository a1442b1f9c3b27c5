/**
 * Answers shared between requests for a bounded time: while the pipeline writes, every browser of
 * the monitoring room asks for the overview again at each change (once a second), and each answer
 * took seven queries queued behind the store's inserts (bench:full: p95 1.3 s at half the
 * sustained rate). An answer younger than `maxAgeMs` is served as it is; an older one is served
 * too while one request computes the next in the background (at most one computation per key at a
 * time); one older than `maxStaleMs`, or none, is waited for. Every answer says when it was
 * computed (`asOf`), so the page and the benchmark see how fresh it is.
 */

export interface CachedAnswer<T> {
  value: T;
  /** Epoch ms when its computation started: the data it shows are at least this recent. */
  asOf: number;
}

interface Entry<T> {
  answer?: CachedAnswer<T>;
  computing?: Promise<CachedAnswer<T>>;
}

export interface AnswerCacheOptions {
  /** Served without recomputing until this old; 0 computes every answer. */
  maxAgeMs: number;
  /** Served while the next is computed until this old; older ones are waited for. */
  maxStaleMs: number;
  /** Keys kept at most (the least recently used go first): keys come from request parameters. */
  maxKeys: number;
  now?: () => number;
}

export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;

  constructor(private readonly options: AnswerCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The answer for `key`, computing it with `compute` when there is none fresh enough. */
  async get(key: string, compute: () => Promise<T>): Promise<CachedAnswer<T>> {
    const entry = this.entries.get(key) ?? {};
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxKeys) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    const age = entry.answer ? this.now() - entry.answer.asOf : Number.POSITIVE_INFINITY;
    if (entry.answer && age < this.options.maxAgeMs) return entry.answer;
    const next = entry.computing ?? this.compute(entry, compute);
    if (entry.answer && age < this.options.maxStaleMs) {
      // A failed background computation leaves the stale answer; the next request tries again.
      next.catch(() => undefined);
      return entry.answer;
    }
    return next;
  }

  /**
   * Forgets every answer, after a write the answers show (an acknowledged alert): the next request
   * computes. A computation under way finishes into the forgotten entry, not into a new one.
   */
  clear(): void {
    this.entries.clear();
  }

  private compute(entry: Entry<T>, compute: () => Promise<T>): Promise<CachedAnswer<T>> {
    const asOf = this.now();
    const computing = compute().then(
      (value) => {
        const answer = { value, asOf };
        if (this.options.maxAgeMs > 0) entry.answer = answer;
        entry.computing = undefined;
        return answer;
      },
      (error: unknown) => {
        entry.computing = undefined;
        throw error;
      },
    );
    entry.computing = computing;
    return computing;
  }
}
