/**
 * Keyed state shared by instances of a stage: Redis in production, an in-process map for the
 * embedded default. Batched on purpose: a stage reads and writes a whole batch's keys in one
 * round trip.
 */
export interface StateEntry {
  key: string;
  value: string;
}

export interface StateStore {
  readonly kind: "redis" | "memory";
  getMany(keys: string[]): Promise<(string | null)[]>;
  /** Sets every entry, each expiring after ttlSeconds. */
  setMany(entries: StateEntry[], ttlSeconds: number): Promise<void>;
  /**
   * Adds each member to its set (the set expires ttlSeconds after its last addition) and says, per
   * entry, whether the member was new. Enrichment applies an item's effect only when it is new, so
   * a redelivered item changes nothing.
   */
  addToSets(entries: StateEntry[], ttlSeconds: number): Promise<boolean[]>;
  healthy(): boolean;
  close(): Promise<void>;
}
