/**
 * The ingest stage's connector runtime: a checkpoint is stored only after the bus acknowledged
 * everything yielded before it, a restarted source gets its checkpoints back, a push source's
 * receipt is answered only after the acknowledgement (or with the error), and an exclusive source
 * runs on one instance at a time.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../../pipeline/app.js";
import { startIngestStage } from "../../../pipeline/stages/ingest.js";
import { readCheckpoints, readStatus } from "../../../pipeline/stages/source-state.js";
import type { ProducerHandle } from "../../../runtime/bus/bus.js";
import { loadConfig } from "../../../runtime/config.js";
import type { PipelineContext } from "../../../runtime/context.js";
import type { IngestContext, Ingestor, SourceEvent } from "../../../runtime/ingestor.js";
import { postWith } from "../../fixtures/mentions.js";
import { waitFor } from "../../support/services.js";

const config = loadConfig({ SIMAK_LOG_LEVEL: "silent" });

function mention(id: string, eventTime = Date.now()): SourceEvent {
  return {
    type: "mention",
    mention: postWith({ platform: "news", id, kind: "article", eventTime, ingestTime: eventTime }),
  };
}

/** A gate the test opens: the producer's sendMany waits for it (the bus has not acknowledged yet). */
function gatedContext(ctx: PipelineContext): { ctx: PipelineContext; open: () => void; fail: (error: Error) => void } {
  let release: (error?: Error) => void = () => undefined;
  const gate = new Promise<void>((resolve, reject) => {
    release = (error) => (error ? reject(error) : resolve());
  });
  gate.catch(() => undefined);
  const bus = Object.create(ctx.bus) as PipelineContext["bus"];
  bus.producer = async () => {
    const inner = await ctx.bus.producer();
    const gated: ProducerHandle = {
      send: inner.send.bind(inner),
      sendMany: async (batches) => {
        await gate;
        await inner.sendMany(batches);
      },
      close: inner.close.bind(inner),
    };
    return gated;
  };
  return { ctx: { ...ctx, bus }, open: () => release(), fail: (error) => release(error) };
}

let pipeline: Pipeline | undefined;
afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

describe("ingest stage checkpoints", () => {
  it("stores a checkpoint only once everything before it is acknowledged, and resumes from it", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    const { ctx, open } = gatedContext(pipeline.context);
    const seen: IngestContext[] = [];
    const source = (ids: string[]): Ingestor => ({
      name: "feed",
      async *events(_signal, context) {
        if (context) seen.push(context);
        for (const id of ids) yield mention(id);
        yield { type: "checkpoint", stream: "https://example.org/feed", value: JSON.stringify({ last: ids.at(-1) }) };
      },
    });

    const stage = await startIngestStage(ctx, source(["a1", "a2", "a3"]));
    // The source is done yielding, but the bus has not acknowledged: no checkpoint yet.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await readCheckpoints(ctx.state, "", "feed")).toEqual(new Map());
    open();
    expect(await stage.finished).toEqual({ mentions: 3, engagement: 0, web: 0, invalid: 0 });
    expect(await readCheckpoints(ctx.state, "", "feed")).toEqual(
      new Map([["https://example.org/feed", JSON.stringify({ last: "a3" })]]),
    );
    expect((await readStatus(ctx.state, "", "feed"))?.itemsLastHour).toBe(3);
    await stage.stop();

    // A restart hands the stored checkpoint back.
    const again = await startIngestStage(pipeline.context, source(["a4"]));
    await again.finished;
    await again.stop();
    expect(seen).toHaveLength(2);
    expect(seen[0]?.checkpoints).toEqual(new Map());
    expect(seen[1]?.checkpoints.get("https://example.org/feed")).toBe(JSON.stringify({ last: "a3" }));
  });

  it("answers a receipt after the acknowledgement, or with the producer's error, and stores nothing then", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    const { ctx, fail } = gatedContext(pipeline.context);
    const answers: (string | undefined)[] = [];
    const source: Ingestor = {
      name: "hook",
      async *events() {
        yield mention("h1");
        yield { type: "checkpoint", stream: "s", value: "1" };
        yield { type: "receipt", done: (error) => answers.push(error?.message ?? "acknowledged") };
      },
    };
    // The bus refuses for good: the stage gives up at the first failure here (no retries).
    const giveUpAtOnce = { ...ctx.config, ingest: { ...ctx.config.ingest, maxProduceFailures: 1 } };
    const stage = await startIngestStage({ ...ctx, config: giveUpAtOnce }, source);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answers).toEqual([]);
    fail(new Error("bus down"));
    const givenUp = "produce failed 1 times in a row; giving up: bus down";
    await expect(stage.finished).rejects.toThrow(givenUp);
    expect(answers).toEqual([givenUp]);
    expect(await readCheckpoints(ctx.state, "", "hook")).toEqual(new Map());
    expect(stage.healthy()).toBe(false);
    await stage.stop();
  });

  it("runs an exclusive source on one instance at a time; the other takes over when it stops", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    const running: string[] = [];
    const poller = (instance: string): Ingestor => ({
      name: "poller",
      exclusive: true,
      async *events(signal) {
        running.push(instance);
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      },
    });
    const first = await startIngestStage(pipeline.context, poller("first"), { leaseTtlMs: 600 });
    await waitFor("the first instance to run", async () => (running.length === 1 ? true : undefined), 5000, 20);
    const second = await startIngestStage(pipeline.context, poller("second"), { leaseTtlMs: 600 });
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(running).toEqual(["first"]);
    await first.stop();
    await waitFor("the second instance to take over", async () => (running.length === 2 ? true : undefined), 5000, 20);
    expect(running).toEqual(["first", "second"]);
    await second.stop();
  });
});
