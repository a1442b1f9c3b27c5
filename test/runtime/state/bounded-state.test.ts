/**
 * The embedded state is bounded (issue 12, "Bounded memory"): the process and enrich stages on the
 * in-process bus and state, fed 2000 simulated mentions, leave keys that go when their purpose is
 * over (virality after hours, a post's author after a day, applied item ids after two, dedup keys
 * after three, authors after ninety), and the store frees them, not only hides them: once the
 * clock has moved past every TTL, a few more mentions leave only their own keys in memory.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import { startPipeline } from "../../../pipeline/app.js";
import { loadConfig } from "../../../runtime/config.js";
import { encodeFor, topicName } from "../../../runtime/context.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { postKey } from "../../../schemas/topics.js";
import { postWith } from "../../fixtures/mentions.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const namespaceOf = (key: string) => /simak:([a-z-]+(?::[a-z-]+)?)/.exec(key)?.[1]?.replace(/^seen:.*/, "seen") ?? key;

describe("in-process state over simulated days", () => {
  it("drops each kind of key after its TTL and frees the memory", async () => {
    let now = Date.UTC(2026, 0, 5);
    const state = new MemoryStateStore(() => now);
    const config = loadConfig({ SIMAK_LOG_LEVEL: "silent" });
    const ingestor = createSyntheticIngestor({ seed: 7, speed: 0, maxMentions: 2000, startTime: now });
    const pipeline = await startPipeline({
      config,
      stages: ["ingest", "process", "enrich"],
      ingestor,
      state,
      http: false,
      logger: pino({ level: "silent" }),
    });
    const counts = () =>
      Object.fromEntries([...state.inventory(namespaceOf)].sort().map(([ns, row]) => [ns, row.keys]));
    try {
      await pipeline.ingestFinished;
      await pipeline.drained();
      const fed = counts();
      // Signals that waited for their parent post's author: how many depends on the order the
      // partitions' batches ran in (122 and 291 seen since the enrich stage applies each group of
      // batches by compare-and-set, issue 16; under 50 when routing ran apart), never on the
      // volume alone; each goes with the post's author after a day (below). Bounded here at a fifth
      // of the 2 000 mentions, so that a leak (every reply left pending) still fails.
      const { "authors:pending": pending, ...settled } = fed;
      expect(pending ?? 0).toBeLessThan(400);
      expect(settled).toEqual({
        "authors:items": 1700,
        "authors:post-author": 2000,
        "authors:state": 1700,
        // The simulator's source status (simak sources list), kept 90 days like checkpoints.
        "ingest:synthetic:status": 1,
        seen: 2000,
        "virality:depth": 1265,
        "virality:members": 394,
        "virality:post": 735,
      });
      const held = state.heldKeys;

      now += 6 * HOUR + 60_000;
      const afterHours = counts();
      expect(afterHours["virality:post"]).toBeUndefined();
      expect(afterHours["virality:members"]).toBeUndefined();
      expect(afterHours["virality:depth"]).toBeUndefined();
      expect(afterHours["authors:post-author"]).toBe(fed["authors:post-author"]);
      now += DAY;
      expect(counts()["authors:post-author"]).toBeUndefined();
      expect(counts()["authors:pending"]).toBeUndefined();
      expect(counts()["authors:items"]).toBe(fed["authors:items"]);
      now += DAY;
      expect(counts()["authors:items"]).toBeUndefined();
      expect(counts().seen).toBe(fed.seen);
      now += DAY;
      expect(counts()).toEqual({ "authors:state": fed["authors:state"], "ingest:synthetic:status": 1 });
      now += 90 * DAY;
      expect(counts()).toEqual({});
      expect(state.heldKeys).toBe(held);

      // Writes sweep what expired, a thousand keys or more at a time: after three more mentions
      // (a dozen writes) only their own keys are held.
      const producer = await pipeline.context.bus.producer();
      for (const id of ["late-1", "late-2", "late-3"]) {
        const mention = postWith({ id, eventTime: now, ingestTime: now });
        await producer.send(topicName(config, "mentionsRaw"), [
          encodeFor(pipeline.context, "mentionsRaw", postKey(mention.platform, mention.id), mention),
        ]);
        await pipeline.drained();
      }
      // One author (the fixture's) with one applied-items set for the day.
      const own = { "authors:items": 1, "authors:post-author": 3, "authors:state": 1, seen: 3, "virality:post": 3 };
      expect(counts()).toEqual(own);
      expect(state.heldKeys).toBe(11);
    } finally {
      await pipeline.stop();
    }
  });
});
