/**
 * Drops mentions already processed, by platform and native id, remembered in the state store for a
 * TTL. Two steps on purpose: `unseen` before producing, `remember` only after the output was
 * acknowledged, so a crash in between redelivers (at-least-once) instead of losing the mention.
 */
import type { StateStore } from "../../runtime/state/state.js";

export class Deduplicator {
  constructor(
    private readonly state: StateStore,
    private readonly ttlSeconds: number,
    private readonly namespace = "simak:seen:",
  ) {}

  /** For each key, whether it is new: not seen before and not repeated earlier in this batch. */
  async unseen(keys: string[]): Promise<boolean[]> {
    const stored = await this.state.getMany(keys.map((key) => this.namespace + key));
    const inBatch = new Set<string>();
    return keys.map((key, i) => {
      if (stored[i] !== null || inBatch.has(key)) return false;
      inBatch.add(key);
      return true;
    });
  }

  async remember(keys: string[]): Promise<void> {
    await this.state.setMany(
      keys.map((key) => ({ key: this.namespace + key, value: "1" })),
      this.ttlSeconds,
    );
  }
}
