/**
 * In-process state with TTLs, for the embedded default. Expired keys are not only hidden from
 * reads but freed: every key waits in the expiry wheel's bucket (one per minute) of its expiry
 * time, and each write sweeps the buckets whose minute has passed, a bounded number of keys at a
 * time, so memory follows the live keys and no write pays for a scan of the whole store. A key
 * whose TTL is extended stays in its bucket until that bucket is swept, and then moves to the
 * bucket of its new expiry (at most one place in the wheel per key, whatever the number of writes).
 */
import type { MemberTtl, ReadEntry, StateEntry, StateStore, StateWrite } from "./state.js";

const BUCKET_MS = 60_000;
/** Keys examined per write call at least, plus two per entry written, so sweeping keeps ahead of writing. */
const SWEEP_BUDGET = 1_000;

interface Slot {
  expiresAt: number;
  /** The wheel bucket the key waits in. */
  bucket: number;
}
interface ValueSlot extends Slot {
  value: string;
}
interface SetSlot extends Slot {
  members: Set<string>;
}

export class MemoryStateStore implements StateStore {
  readonly kind = "memory" as const;
  private readonly entries = new Map<string, ValueSlot>();
  private readonly sets = new Map<string, SetSlot>();
  private readonly leases = new Map<string, { holder: string; expiresAt: number }>();
  /** Bucket (expiry minute) -> keys waiting in it; every bucket before `swept` is empty. */
  private readonly wheel = new Map<number, string[]>();
  private swept: number;

  constructor(private readonly now: () => number = Date.now) {
    this.swept = bucketOf(now());
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    const now = this.now();
    return keys.map((key) => {
      const entry = this.entries.get(key);
      return entry && entry.expiresAt > now ? entry.value : null;
    });
  }

  async setMany(entries: StateEntry[], ttlSeconds: number): Promise<void> {
    this.put(entries, ttlSeconds);
  }

  async membersOf(keys: string[]): Promise<string[][]> {
    const now = this.now();
    return keys.map((key) => {
      const set = this.sets.get(key);
      return set !== undefined && set.expiresAt > now ? [...set.members] : [];
    });
  }

  async hasMembers(entries: StateEntry[]): Promise<boolean[]> {
    const now = this.now();
    return entries.map(({ key, value }) => {
      const set = this.sets.get(key);
      return set !== undefined && set.expiresAt > now && set.members.has(value);
    });
  }

  async writeAtomically(
    values: StateEntry[],
    members: StateEntry[],
    ttlSeconds: number,
    options: MemberTtl = {},
  ): Promise<void> {
    this.put(values, ttlSeconds);
    this.addMembers(members, options.membersTtlSeconds ?? ttlSeconds, options.fixedExpiry ?? false);
  }

  async replaceAtomically(values: StateEntry[], deletes: string[], renew: string[], ttlSeconds: number): Promise<void> {
    // No await in between: no other call sees a part of it.
    for (const key of deletes) this.entries.delete(key);
    const now = this.now();
    const expiresAt = now + ttlSeconds * 1000;
    for (const key of renew) {
      const entry = this.entries.get(key);
      if (entry && entry.expiresAt > now) this.extend(key, entry, expiresAt);
    }
    this.put(values, ttlSeconds);
  }

  async writeIfUnchanged(read: ReadEntry[], writes: StateWrite[]): Promise<string[]> {
    // Checked and written without an await in between: no other call runs in the middle.
    const now = this.now();
    const changed = read
      .filter(({ key, value }) => {
        const entry = this.entries.get(key);
        return (entry && entry.expiresAt > now ? entry.value : null) !== value;
      })
      .map(({ key }) => key);
    if (changed.length > 0) return changed;
    for (const { values, members, ttlSeconds, membersTtlSeconds, fixedExpiry } of writes) {
      this.put(values, ttlSeconds);
      this.addMembers(members, membersTtlSeconds ?? ttlSeconds, fixedExpiry ?? false);
    }
    return [];
  }

  async holdLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const lease = this.leases.get(key);
    if (lease && lease.expiresAt > now && lease.holder !== holder) return false;
    this.leases.set(key, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    const lease = this.leases.get(key);
    if (lease && lease.expiresAt > this.now() && lease.holder === holder) this.leases.delete(key);
  }

  /** Live keys and set members per namespace (`namespaceOf(key)`), for benchmarks and tests of its size. */
  inventory(namespaceOf: (key: string) => string): Map<string, { keys: number; members: number }> {
    const now = this.now();
    const counts = new Map<string, { keys: number; members: number }>();
    const count = (key: string, members: number) => {
      const namespace = namespaceOf(key);
      const row = counts.get(namespace) ?? { keys: 0, members: 0 };
      row.keys++;
      row.members += members;
      counts.set(namespace, row);
    };
    for (const [key, entry] of this.entries) if (entry.expiresAt > now) count(key, 0);
    for (const [key, set] of this.sets) if (set.expiresAt > now) count(key, set.members.size);
    return counts;
  }

  /** Keys held in memory, expired or not (what the sweep frees), for tests of its size. */
  get heldKeys(): number {
    return this.entries.size + this.sets.size;
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.sets.clear();
    this.leases.clear();
    this.wheel.clear();
  }

  private put(entries: StateEntry[], ttlSeconds: number): void {
    const expiresAt = this.now() + ttlSeconds * 1000;
    for (const { key, value } of entries) {
      const entry = this.entries.get(key);
      if (entry) {
        entry.value = value;
        this.extend(key, entry, expiresAt);
      } else {
        const held = flat(key);
        this.entries.set(held, { value, expiresAt, bucket: this.enqueue(held, expiresAt) });
      }
    }
    this.sweep(SWEEP_BUDGET + 2 * entries.length);
  }

  private addMembers(members: StateEntry[], ttlSeconds: number, fixedExpiry: boolean): void {
    const now = this.now();
    const expiresAt = now + ttlSeconds * 1000;
    for (const { key, value } of members) {
      let set = this.sets.get(key);
      const expired = set !== undefined && set.expiresAt <= now;
      if (set && expired) set.members.clear();
      if (set && (expired || !fixedExpiry)) this.extend(key, set, expiresAt);
      else if (!set) {
        const held = flat(key);
        set = { members: new Set(), expiresAt, bucket: this.enqueue(held, expiresAt) };
        this.sets.set(held, set);
      }
      if (!set.members.has(value)) set.members.add(flat(value));
    }
    this.sweep(2 * members.length);
  }

  /** Puts `key` in the bucket of `expiresAt` (never one already swept); returns the bucket. */
  private enqueue(key: string, expiresAt: number): number {
    const bucket = Math.max(bucketOf(expiresAt), this.swept);
    const keys = this.wheel.get(bucket);
    if (keys) keys.push(key);
    else this.wheel.set(bucket, [key]);
    return bucket;
  }

  /** A new expiry for a held key: it moves only when it must expire before its bucket is swept. */
  private extend(key: string, slot: Slot, expiresAt: number): void {
    slot.expiresAt = expiresAt;
    if (bucketOf(expiresAt) < slot.bucket) slot.bucket = this.enqueue(key, expiresAt);
  }

  /** Frees the expired keys of the buckets whose minute has passed, at most `budget` keys examined. */
  private sweep(budget: number): void {
    const now = this.now();
    const current = bucketOf(now);
    if (current - this.swept > this.wheel.size) {
      // A long quiet spell (or a clock that jumped): skip the empty minutes.
      let first = current;
      for (const bucket of this.wheel.keys()) first = Math.min(first, bucket);
      this.swept = first;
    }
    while (this.swept < current && budget > 0) {
      const bucket = this.swept;
      const keys = this.wheel.get(bucket);
      while (keys && keys.length > 0 && budget > 0) {
        budget--;
        const key = keys.pop() as string;
        this.settle(this.entries, key, bucket, now);
        this.settle(this.sets, key, bucket, now);
      }
      if (keys && keys.length > 0) return;
      this.wheel.delete(bucket);
      this.swept++;
    }
  }

  /** Deletes `key` from `map` if it expired, or moves it to the bucket of its later expiry. */
  private settle(map: Map<string, Slot>, key: string, bucket: number, now: number): void {
    const slot = map.get(key);
    if (slot === undefined || slot.bucket !== bucket) return;
    if (slot.expiresAt <= now) map.delete(key);
    else slot.bucket = this.enqueue(key, slot.expiresAt);
  }
}

/**
 * A copy of `text` in one flat piece. Keys are mostly built by concatenation, and a concatenated
 * string kept as a map key holds both its parts and, once hashed, a flat copy too (about 60 more
 * bytes per key); JSON keeps every code unit, lone surrogates included.
 */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

function bucketOf(time: number): number {
  return Math.floor(time / BUCKET_MS);
}
