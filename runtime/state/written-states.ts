/**
 * The states a process last wrote by compare-and-set (StateStore.writeIfUnchanged), as written: their
 * text, which the next compare-and-set compares, and parsed. A state found here is neither read
 * from the store nor parsed again. It is what the store holds unless another writer changed it
 * since; then the compare-and-set refuses, the caller forgets the keys it names, and applies again
 * to what the store holds. Kept within a budget of text characters, the least recently used first
 * out. The enrich stage rewrites each state a few times in a row (a post's replies and snapshots
 * of a few minutes, an author's items): three writes per state in bench:enrichment. The states
 * are values: the virality and author processors return a new state for each signal, never change
 * the one given, so a batch that fails or is refused leaves what is kept here as it was written.
 */
import type { StateStore } from "./state.js";

/** A key as it was read: its text (null: absent), and the state parsed when it was found here. */
export interface ReadState<T> {
  text: string | null;
  state: T | undefined;
}

export class WrittenStates<T> {
  private readonly entries = new Map<string, { text: string; state: T }>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** Each key's state: from here when found, else as `store` holds it (unparsed). */
  async read(store: StateStore, keys: string[]): Promise<ReadState<T>[]> {
    const found = keys.map((key) => this.take(key));
    const missing = keys.filter((_, i) => found[i] === undefined);
    const stored = await store.getMany(missing);
    let next = 0;
    return found.map((entry) => entry ?? { text: stored[next++] ?? null, state: undefined });
  }

  /** Keeps what was just written. */
  remember(key: string, text: string, state: T): void {
    this.forget([key]);
    this.entries.set(key, { text, state });
    this.chars += text.length;
    for (const [oldest, { text }] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= text.length;
    }
  }

  /** Drops keys another writer changed (or may have). */
  forget(keys: string[]): void {
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      this.entries.delete(key);
      this.chars -= entry.text.length;
    }
  }

  /** The entry of `key`, moved to the most recently used end. */
  private take(key: string): { text: string; state: T } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }
}
