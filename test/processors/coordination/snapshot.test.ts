import { describe, expect, it } from "vitest";
import { createSyntheticIngestor, SYNTHETIC_DEFAULTS } from "../../../ingestors/synthetic/index.js";
import {
  CHUNK_SHARDS,
  type ChunkRows,
  CoordinationDetector,
  type CoordinationItem,
  chunkWidth,
  coordinationItem,
  shardedChunk,
  timeChunk,
} from "../../../processors/coordination/index.js";
import { fnv1a } from "../../../processors/coordination/minhash.js";

const START = SYNTHETIC_DEFAULTS.startTime;

async function items(): Promise<CoordinationItem[]> {
  const out: CoordinationItem[] = [];
  const ingestor = createSyntheticIngestor({
    speed: 0,
    mentionsPerMinute: 60,
    scenarios: [
      { type: "coordinated-campaign", agency: "polri", startMinute: 2, durationMinutes: 45, accounts: 15 },
      { type: "headline-quoted", agency: "kpk", startMinute: 5, quotes: 40 },
    ],
  });
  for await (const event of ingestor.events(new AbortController().signal)) {
    if (event.type !== "mention") continue;
    if (event.mention.eventTime >= START + 50 * 60_000) break;
    out.push(coordinationItem(event.mention));
  }
  return out;
}

/** A stand-in for the state store: chunk id -> stored JSON. Stores a capture and commits it; what it wrote. */
async function store(detector: CoordinationDetector, stored: Map<string, string>) {
  const capture = await detector.captureChunks();
  for (const [chunk, rows] of capture.changed) stored.set(chunk, JSON.stringify(rows));
  for (const chunk of capture.emptied) stored.delete(chunk);
  detector.committed(capture);
  return { written: [...capture.changed.keys()].sort(), emptied: capture.emptied, unchanged: capture.unchanged.sort() };
}

function restore(stored: Map<string, string>): CoordinationDetector {
  return CoordinationDetector.fromChunks(
    [...stored].map(([chunk, json]): [string, ChunkRows] => [chunk, JSON.parse(json)]),
  );
}

const share = (author: string, time: number): CoordinationItem => ({
  platform: "x",
  id: `${author}-${time}`,
  kind: "share",
  authorId: author,
  handle: author,
  followers: 10,
  text: "RT @portal: berita",
  eventTime: time,
  parentId: "viral",
});

describe("coordination detector snapshots", () => {
  it("goes on after a restore from stored chunks exactly as the detector that was never stopped", async () => {
    const all = await items();
    const uninterrupted = new CoordinationDetector();
    for (const item of all) uninterrupted.add(item);
    const expected = uninterrupted.campaigns();
    expect(expected).toHaveLength(1);
    expect(expected[0]?.accounts).toHaveLength(15);

    // Stored every 200 mentions (only what changed), stopped twice at arbitrary points (mid-wave
    // among them) and restored from the store, losing what came after the last store.
    const stored = new Map<string, string>();
    let detector = new CoordinationDetector();
    const cuts = [Math.floor(all.length / 3), Math.floor((all.length * 5) / 7)];
    let restarts = 0;
    for (let i = 0; i < all.length; i++) {
      if (i % 200 === 0) await store(detector, stored);
      if (i === cuts[restarts]) {
        detector = restore(stored);
        i -= i % 200;
        restarts++;
      }
      detector.add(all[i] as CoordinationItem);
    }
    expect(restarts).toBe(2);
    expect(detector.campaigns()).toEqual(expected);
    expect(detector.size).toEqual(uninterrupted.size);
  });

  it("stores incrementally what one store of everything holds, and restores it", async () => {
    const all = await items();
    const incremental = new CoordinationDetector();
    const stored = new Map<string, string>();
    let rewritten = 0;
    for (const [i, item] of all.entries()) {
      incremental.add(item);
      if (i % 120 === 0) rewritten += (await store(incremental, stored)).written.length;
    }
    await store(incremental, stored);
    const once = new CoordinationDetector();
    for (const item of all) once.add(item);
    const whole = new Map<string, string>();
    const first = await store(once, whole);
    expect(first.emptied).toEqual([]);
    expect(first.unchanged).toEqual([]);
    expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(whole));
    // 50 minutes in chunks: accounts, pairs, events, copies and the clocks.
    expect(first.written.filter((chunk) => chunk === "m")).toHaveLength(1);
    expect(new Set(first.written.map((chunk) => chunk[0]))).toEqual(new Set(["m", "a", "p", "e", "r"]));
    // Each store wrote only what changed: far fewer chunks than rewriting everything every time.
    expect(rewritten).toBeLessThan((all.length / 120) * first.written.length * 0.6);

    const restored = restore(whole);
    // A restored detector has nothing to write until it changes (listing campaigns marks their accounts).
    expect(await store(restored, whole)).toEqual({ written: [], emptied: [], unchanged: [...whole.keys()].sort() });
    expect(restored.size).toEqual(once.size);
    expect(restored.campaigns()).toEqual(once.campaigns());
  });

  it("writes exactly the chunks that changed, and deletes those that aged out of the window", async () => {
    const t0 = Math.floor(START / 3_600_000) * 3_600_000;
    const step = chunkWidth("e");
    // The event's chunk: its bucket, and a shard by a hash of its id.
    const shard = fnv1a("share:x:viral") % CHUNK_SHARDS;
    const [a, e] = [(t: number) => timeChunk("a", t), (t: number) => shardedChunk("e", t, shard)];
    const detector = new CoordinationDetector();
    const stored = new Map<string, string>();
    detector.add(share("a1", t0));
    expect(await store(detector, stored)).toEqual({ written: [a(t0), e(t0), "m"], emptied: [], unchanged: [] });
    expect(await store(detector, stored)).toEqual({ written: [], emptied: [], unchanged: [a(t0), e(t0), "m"] });
    // Another sharer in the next event chunk (accounts go by the hour): the event moves there (its last share).
    detector.add(share("a2", t0 + step));
    expect(await store(detector, stored)).toEqual({
      written: [a(t0), e(t0 + step), "m"],
      emptied: [e(t0)],
      unchanged: [],
    });
    expect(JSON.parse(stored.get(e(t0 + step)) as string)).toEqual([
      [
        "share:x:viral",
        "amplification",
        "x",
        t0,
        t0 + step,
        "berita",
        "viral",
        false,
        [
          ["x:a1", `a1-${t0}`, t0],
          ["x:a2", `a2-${t0 + step}`, t0 + step],
        ],
        // Created second: after its first sharer's account.
        2,
      ],
    ]);
    // A day later the event (never counted) is swept: its chunk is deleted; accounts stay 7 days.
    const later = t0 + 25 * 3_600_000;
    detector.add(share("a3", later));
    expect(await store(detector, stored)).toEqual({
      written: [a(later), e(later), "m"],
      emptied: [e(t0 + step)],
      unchanged: [a(t0)],
    });
    expect([...stored.keys()].sort()).toEqual([a(t0), a(later), e(later), "m"].sort());
    expect(restore(stored).size).toEqual(detector.size);
  });

  it("writes a capture that was not stored again with the next one", async () => {
    const t0 = Math.floor(START / 3_600_000) * 3_600_000;
    const step = chunkWidth("e");
    const detector = new CoordinationDetector();
    detector.add(share("a1", t0));
    const lost = await detector.captureChunks();
    const shard = fnv1a("share:x:viral") % CHUNK_SHARDS;
    expect([...lost.changed.keys()].sort()).toEqual([timeChunk("a", t0), shardedChunk("e", t0, shard), "m"]);
    // Not committed (the write failed): the next capture has them, and what changed since.
    detector.add(share("a2", t0 + step));
    const next = await detector.captureChunks();
    expect([...next.changed.keys()].sort()).toEqual([timeChunk("a", t0), shardedChunk("e", t0 + step, shard), "m"]);
    expect(next.emptied).toEqual([]);
    detector.committed(next);
    expect(detector.pendingChunks).toBe(0);
  });

  it("drops the oldest events and copies beyond their caps, counts them, and restores the same", async () => {
    const all = (await items()).slice(0, 1500);
    const capped = new CoordinationDetector({ maxEvents: 50, maxCopies: 40 });
    const stored = new Map<string, string>();
    for (const [i, item] of all.entries()) {
      capped.add(item);
      if (i % 100 === 0) await store(capped, stored);
    }
    await store(capped, stored);
    expect(capped.size.events).toBe(50);
    expect(capped.size.copies).toBe(40);
    expect(capped.evicted.events).toBeGreaterThan(0);
    expect(capped.evicted.copies).toBeGreaterThan(0);
    const restored = CoordinationDetector.fromChunks(
      [...stored].map(([chunk, json]): [string, ChunkRows] => [chunk, JSON.parse(json)]),
      { maxEvents: 50, maxCopies: 40 },
    );
    expect(restored.size).toEqual(capped.size);
    // Going on, the restored detector drops what the running one drops.
    for (const item of (await items()).slice(1500, 2500)) {
      capped.add(item);
      restored.add(item);
    }
    expect(restored.size).toEqual(capped.size);
    expect(restored.campaigns()).toEqual(capped.campaigns());
  });

  it("restores an empty detector and refuses an unknown chunk", () => {
    const empty = restore(new Map());
    expect(empty.size).toEqual({ accounts: 0, pairs: 0, events: 0, buckets: 0, copies: 0 });
    expect(() => CoordinationDetector.fromChunks([["z1", []]])).toThrow(/unknown chunk z1/);
  });
});
