/**
 * Keyed state shared by instances of a stage: Redis in production, an in-process map for the
 * embedded default. Batched on purpose: a stage reads and writes a whole batch's keys in one
 * round trip.
 */
export interface StateEntry {
  key: string;
  value: string;
}

/** How the sets written by `writeAtomically` expire, when not like its values. */
export interface MemberTtl {
  /** The sets' TTL (default: the values'), e.g. ids kept only as long as their items can be redelivered. */
  membersTtlSeconds?: number;
  /**
   * A set keeps the expiry it was created with: adding members does not extend it, so a set that
   * keeps growing still goes (Redis: EXPIRE ... NX).
   */
  fixedExpiry?: boolean;
}

/** Values and set members written together, expiring alike (see `writeIfUnchanged`). */
export interface StateWrite extends MemberTtl {
  values: StateEntry[];
  members: StateEntry[];
  ttlSeconds: number;
}

/** A key as it was read: its value, or null when it was absent. */
export interface ReadEntry {
  key: string;
  value: string | null;
}

export interface StateStore {
  readonly kind: "redis" | "memory";
  getMany(keys: string[]): Promise<(string | null)[]>;
  /** Sets every entry, each expiring after ttlSeconds. */
  setMany(entries: StateEntry[], ttlSeconds: number): Promise<void>;
  /** The members of the set at each key (empty for a missing key), in no particular order. */
  membersOf(keys: string[]): Promise<string[][]>;
  /** For each entry, whether `value` is a member of the set at `key`. */
  hasMembers(entries: StateEntry[]): Promise<boolean[]>;
  /**
   * Sets the values and adds the set members in one atomic step (all or nothing), each key
   * expiring after ttlSeconds. The owner of some state writes its new value together with the ids
   * of the items that produced it, so a redelivered item is recognised by its membership and never
   * applied twice, whatever moment a crash interrupts.
   */
  writeAtomically(values: StateEntry[], members: StateEntry[], ttlSeconds: number, options?: MemberTtl): Promise<void>;
  /**
   * Sets `values`, deletes the keys of `deletes` and renews the TTL of the existing keys of `renew`
   * (their values untouched), in one atomic step (all or nothing), every key written or renewed
   * expiring after ttlSeconds. State stored as chunks under one manifest: only the chunks that
   * changed are written, the ones emptied are deleted, the unchanged ones live as long as the
   * manifest that lists them.
   */
  replaceAtomically(values: StateEntry[], deletes: string[], renew: string[], ttlSeconds: number): Promise<void>;
  /**
   * Compare-and-set over many keys: if every key of `read` still holds the value it was read with
   * (null: still absent), performs every write (as `writeAtomically` does, each with its own TTLs)
   * in one atomic step and returns []; otherwise writes nothing and returns the keys that changed.
   * A state read, updated in the process and written back this way never loses another writer's
   * update, so any instance may apply any item: no single owner per key is needed.
   */
  writeIfUnchanged(read: ReadEntry[], writes: StateWrite[]): Promise<string[]>;
  /**
   * Takes the lease at `key` for `holder` if no one holds it, or extends it if `holder` does; each
   * for ttlMs. True when `holder` holds it afterwards. One atomic step: two instances asking at
   * once never both get it.
   */
  holdLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it (so another instance need not wait for it to expire). */
  releaseLease(key: string, holder: string): Promise<void>;
  healthy(): boolean;
  close(): Promise<void>;
}
