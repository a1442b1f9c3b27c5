/**
 * The ingest stage against a bus whose produce fails: a failed send is retried with the same batch
 * until it is acknowledged (nothing lost, order kept), and a bus that never acknowledges makes the
 * stage give up after `ingest.maxProduceFailures` failures in a row, rejecting `finished` and
 * reporting unhealthy instead of stopping silently.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { startIngestStage } from "../../../pipeline/stages/ingest.js";
import type { Bus, OutgoingRecord } from "../../../runtime/bus/bus.js";
import { loadConfig } from "../../../runtime/config.js";
import type { PipelineContext } from "../../../runtime/context.js";
import { editEvent, type Ingestor, removalEvent, type SourceEvent } from "../../../runtime/ingestor.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import { AvroCodec, createRegistryClient } from "../../../runtime/serde.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { contracts } from "../../../schemas/contracts.js";
import type { Mention, MentionChange } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";

const FAST = { initialMs: 5, maxMs: 20, factor: 2, jitter: 0.5 };

/** A bus whose producer fails the first `failures` sends, then stores what it is sent. */
function flakyBus(failures: number) {
  const sent: OutgoingRecord[] = [];
  let attempts = 0;
  const bus: Bus = {
    kind: "memory",
    ensureTopics: async () => {},
    progress: async () => [],
    producer: async () => ({
      send: async () => {},
      sendMany: async (batches) => {
        attempts++;
        if (attempts <= failures) throw new Error(`broker unavailable (attempt ${attempts})`);
        for (const batch of batches) sent.push(...batch.records);
      },
      close: async () => {},
    }),
    consume: async () => ({ stop: async () => {}, healthy: () => true }),
    close: async () => {},
  };
  return { bus, sent, attempts: () => attempts };
}

async function context(bus: Bus, env: Record<string, string> = {}) {
  const config = loadConfig(env);
  const codec = new AvroCodec(createRegistryClient(config));
  const schemaIds = {
    mentionsRaw: await codec.register("raw", contracts.Mention),
    mentionChanges: await codec.register("changes", contracts.MentionChange),
  } as PipelineContext["schemaIds"];
  const metrics = new PipelineMetrics();
  const ctx: PipelineContext = {
    config,
    logger: pino({ level: "silent" }),
    metrics,
    bus,
    state: new MemoryStateStore(),
    codec,
    schemaIds,
    storage: async () => {
      throw new Error("the ingest stage does not read storage");
    },
  };
  return { ctx, codec, metrics };
}

function mentionsIngestor(count: number): Ingestor {
  return {
    name: "test",
    async *events(): AsyncIterable<SourceEvent> {
      for (let i = 0; i < count; i++) {
        yield { type: "mention", mention: postWith({ id: `m${i}` }) };
        // Several batches: the stage flushes every 20 ms.
        if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

async function counter(metrics: PipelineMetrics, name: string, code: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.filter((value) => value.labels.code === code).reduce((sum, v) => sum + v.value, 0) ?? 0;
}

describe("ingest stage on a failing bus", () => {
  it("retries a failed produce with the same batch: every mention arrives once, in order", async () => {
    const flaky = flakyBus(4);
    const { ctx, codec, metrics } = await context(flaky.bus);
    const stage = await startIngestStage(ctx, mentionsIngestor(300), { backoff: FAST });
    expect(await stage.finished).toEqual({ mentions: 300, engagement: 0, web: 0, invalid: 0 });
    const ids = flaky.sent.map((record) => codec.decode<Mention>(record.value, contracts.Mention).id);
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    expect(await counter(metrics, "simak_errors_total", "PRODUCE_FAILED")).toBe(4);
    expect(stage.healthy()).toBe(true);
    await stage.stop();
  });

  it("gives up after ingest.maxProduceFailures failures in a row: finished rejects, unhealthy", async () => {
    const flaky = flakyBus(Number.POSITIVE_INFINITY);
    const { ctx, metrics } = await context(flaky.bus, { SIMAK_INGEST_MAX_PRODUCE_FAILURES: "3" });
    const stage = await startIngestStage(ctx, mentionsIngestor(100_000), { backoff: FAST });
    await expect(stage.finished).rejects.toThrow(/produce failed 3 times in a row/);
    expect(flaky.attempts()).toBe(3);
    expect(flaky.sent).toHaveLength(0);
    expect(stage.healthy()).toBe(false);
    expect(await counter(metrics, "simak_errors_total", "INGEST_FAILED")).toBe(1);
    await stage.stop();
  });
});

describe("ingest stage: removals and edits", () => {
  it("produces a source's removal and edit to simak.mentions.changes, keyed like the post", async () => {
    const sent: { topic: string; key: string; value: Buffer }[] = [];
    const bus: Bus = {
      ...flakyBus(0).bus,
      producer: async () => ({
        send: async () => {},
        sendMany: async (batches) => {
          for (const batch of batches)
            for (const record of batch.records)
              sent.push({ topic: batch.topic, key: String(record.key), value: record.value as Buffer });
        },
        close: async () => {},
      }),
    };
    const { ctx, codec } = await context(bus);
    const source: Ingestor = {
      name: "x-humas",
      async *events() {
        yield { type: "mention", mention: postWith({ id: "42" }) };
        yield removalEvent("x-humas", "x", "42", "deleted", 1_700_000_000_000);
        yield editEvent("x-humas", "x", "43", "teks baru", 1_700_000_000_500);
      },
    };
    const stage = await startIngestStage(ctx, source, { backoff: FAST });
    expect(await stage.finished).toEqual({ mentions: 1, engagement: 0, web: 0, invalid: 0 });
    const changes = sent.filter((record) => record.topic === "simak.mentions.changes");
    expect(changes.map((record) => record.key)).toEqual(["x:42", "x:43"]);
    expect(changes.map((record) => codec.decode<MentionChange>(record.value, contracts.MentionChange))).toEqual([
      {
        platform: "x",
        postId: "42",
        change: "removed",
        reason: "deleted",
        text: null,
        changedTime: 1_700_000_000_000,
        source: "x-humas",
      },
      {
        platform: "x",
        postId: "43",
        change: "edited",
        reason: "edited",
        text: "teks baru",
        changedTime: 1_700_000_000_500,
        source: "x-humas",
      },
    ]);
    expect(sent.filter((record) => record.topic === "simak.mentions.raw").map((record) => record.key)).toEqual([
      "x:42",
    ]);
    await stage.stop();
  });
});
