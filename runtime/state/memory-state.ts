import type { StateEntry, StateStore } from "./state.js";

const SWEEP_EVERY_WRITES = 10_000;

/** In-process state with TTLs; expired keys are swept every so many writes. */
export class MemoryStateStore implements StateStore {
  readonly kind = "memory" as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly sets = new Map<string, { members: Set<string>; expiresAt: number }>();
  private writesSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async getMany(keys: string[]): Promise<(string | null)[]> {
    const now = this.now();
    return keys.map((key) => {
      const entry = this.entries.get(key);
      return entry && entry.expiresAt > now ? entry.value : null;
    });
  }

  async setMany(entries: StateEntry[], ttlSeconds: number): Promise<void> {
    const expiresAt = this.now() + ttlSeconds * 1000;
    for (const { key, value } of entries) this.entries.set(key, { value, expiresAt });
    this.writesSinceSweep += entries.length;
    if (this.writesSinceSweep >= SWEEP_EVERY_WRITES) this.sweep();
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

  async writeAtomically(values: StateEntry[], members: StateEntry[], ttlSeconds: number): Promise<void> {
    await this.setMany(values, ttlSeconds);
    const now = this.now();
    for (const { key, value } of members) {
      let set = this.sets.get(key);
      if (!set || set.expiresAt <= now) {
        set = { members: new Set(), expiresAt: 0 };
        this.sets.set(key, set);
      }
      set.expiresAt = now + ttlSeconds * 1000;
      set.members.add(value);
    }
  }

  async holdLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const lease = this.entries.get(key);
    if (lease && lease.expiresAt > now && lease.value !== holder) return false;
    this.entries.set(key, { value: holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    const lease = this.entries.get(key);
    if (lease && lease.expiresAt > this.now() && lease.value === holder) this.entries.delete(key);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, set] of this.sets) if (set.expiresAt <= now) this.sets.delete(key);
    this.writesSinceSweep = 0;
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.sets.clear();
  }
}
