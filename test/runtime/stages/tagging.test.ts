import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Tagger, untagged } from "../../../processors/tagger.js";
import { type Pipeline, startPipeline } from "../../../runtime/app.js";
import type { RecordBatch } from "../../../runtime/bus/bus.js";
import { loadConfig } from "../../../runtime/config.js";
import { tagIsolated } from "../../../runtime/stages/tagging.js";
import { contracts } from "../../../schemas/contracts.js";
import type { DeadLetter, TaggedMention } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";

const batch: RecordBatch = { topic: "simak.mentions.raw", partition: 2, highWatermark: "3", records: [] };
const input = (texts: string[]) => ({
  values: texts.map(
    (text, i): TaggedMention => ({ mention: postWith({ id: `m${i}`, text }), tags: untagged(), processedTime: 0 }),
  ),
  records: texts.map((text, i) => ({
    key: null,
    value: Buffer.from(text),
    offset: String(i),
    timestamp: "0",
    headers: {},
  })),
});
/** Throws on the whole batch when any mention says "boom", and on that mention alone. */
const fragile: Tagger = {
  name: "fragile",
  tag: (items) => {
    if (items.some((item) => item.mention.text.includes("boom"))) throw new RangeError("cannot tag boom");
    for (const item of items) item.tags.topics = [{ queryId: "q", agency: null }];
  },
};

describe("tagIsolated", () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline({
      config: loadConfig({}),
      stages: [],
      http: false,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(() => pipeline.stop());

  it("dead-letters the mention a tagger throws on and tags the others", async () => {
    const ctx = pipeline.context;
    const result = await tagIsolated(ctx, "process", batch, [fragile], input(["ok 1", "boom", "ok 2"]));
    expect(result.values.map((item) => [item.mention.id, item.tags.topics.length])).toEqual([
      ["m0", 1],
      ["m2", 1],
    ]);
    expect(result.records.map((record) => record.offset)).toEqual(["0", "2"]);
    const letters = result.failed.map((record) => ctx.codec.decode<DeadLetter>(record.value, contracts.DeadLetter));
    expect(letters).toMatchObject([
      { stage: "process", offset: 1, partition: 2, errorCode: "RECORD_FAILED", reason: "fragile: cannot tag boom" },
    ]);
  });

  it("fails the batch when every mention fails alone: the fault is not theirs", async () => {
    const down: Tagger = {
      name: "down",
      tag: () => {
        throw new Error("state store unreachable");
      },
    };
    await expect(tagIsolated(pipeline.context, "process", batch, [down], input(["ok 1", "ok 2"]))).rejects.toThrow(
      "state store unreachable",
    );
  });
});
