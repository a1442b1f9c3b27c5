import { describe, expect, it } from "vitest";
import { Deduplicator } from "../../../processors/dedup/index.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";

describe("Deduplicator", () => {
  it("keeps the first of repeated keys in a batch and forgets nothing until remembered", async () => {
    const dedup = new Deduplicator(new MemoryStateStore(), 60);
    expect(await dedup.unseen(["x:1", "x:2", "x:1"])).toEqual([true, true, false]);
    // Not remembered yet: a redelivered batch is still processed (at-least-once, nothing lost).
    expect(await dedup.unseen(["x:1"])).toEqual([true]);
    await dedup.remember(["x:1", "x:2"]);
    expect(await dedup.unseen(["x:1", "x:2", "x:3"])).toEqual([false, false, true]);
  });

  it("forgets keys after their TTL", async () => {
    let now = 1_000_000;
    const dedup = new Deduplicator(new MemoryStateStore(() => now), 60);
    await dedup.remember(["x:1"]);
    now += 59_999;
    expect(await dedup.unseen(["x:1"])).toEqual([false]);
    now += 1;
    expect(await dedup.unseen(["x:1"])).toEqual([true]);
  });
});
