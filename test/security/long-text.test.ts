/**
 * Hostile text (review H1): a 1 MB text of repeated query words ("bpjs antre ...", which the example
 * queries' NEAR/3 pairs everywhere) through the normaliser (which refuses texts over 64 KiB), every
 * tagger of the process stage (linear on their own, whatever reaches them), and the process stage
 * itself on the in-process bus. Each step gives exact results, and costs about 4
 * times as much on 1 MB as on 250 KB: a quadratic step costs 16 times as much (the topic matcher's
 * old NEAR took 1.3 s on 250 KB and 20 s on 1 MB). Times are the fastest of three runs, compared
 * with each other in the same run, with a few milliseconds' allowance for steps that take none.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPipeline } from "../../pipeline/app.js";
import { type OpenTaggers, openTaggers } from "../../processors/index.js";
import { normaliseMention } from "../../processors/normalise/index.js";
import { MAX_TEXT_BYTES } from "../../processors/normalise/limits.js";
import { untagged } from "../../processors/tagger.js";
import { loadConfig } from "../../runtime/config.js";
import { decodeBatch, encodeFor, topicName } from "../../runtime/context.js";
import { ErrorCode } from "../../runtime/errors.js";
import { MemoryStateStore } from "../../runtime/state/memory-state.js";
import { contracts } from "../../schemas/contracts.js";
import { postKey } from "../../schemas/topics.js";
import type { DeadLetter, Mention, TaggedMention } from "../../schemas/types.generated.js";
import { sampleMention } from "../fixtures/mentions.js";

const LARGE = 1_000_000;
const SMALL = 250_000;

/** `bytes` characters (ASCII: bytes) of "bpjs antre " repeated. */
const hostileText = (bytes: number) => "bpjs antre ".repeat(Math.ceil(bytes / 11)).slice(0, bytes);
const hostileMention = (bytes: number): Mention => ({ ...sampleMention, text: hostileText(bytes) });

/** The fastest of three runs of `step`, in milliseconds. */
async function fastest(step: () => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await step();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Linear (or n log n) steps cost ~4x on 4x the text; a quadratic one ~16x. */
function expectLinear(small: number, large: number): void {
  expect(large).toBeLessThan(8 * small + 5);
}

const expectedTags = {
  sentiment: { label: "positive", score: 1, confidence: 1, language: "id" },
  topics: [
    { queryId: "bpjs-kesehatan/umum", agency: "bpjs-kesehatan" },
    { queryId: "bpjs-kesehatan/antrean", agency: "bpjs-kesehatan" },
  ],
};

describe("a 1 MB text of repeated query words", () => {
  let open: OpenTaggers;
  beforeAll(async () => {
    open = await openTaggers({
      queriesFile: "config/examples/queries.yaml",
      accountsFile: "config/examples/accounts.yaml",
      state: new MemoryStateStore(),
      prefix: "",
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(() => open.close());

  it("is refused by the normaliser (over 64 KiB) in linear time; a text at the cap passes unchanged", async () => {
    const small = hostileMention(SMALL);
    const large = hostileMention(LARGE);
    expect(normaliseMention(large)).toMatchObject({ ok: false, code: ErrorCode.TextTooLong });
    const atCap = hostileMention(MAX_TEXT_BYTES);
    const passed = normaliseMention(atCap);
    expect(passed.ok && passed.mention.text).toBe(atCap.text.trim());
    expectLinear(await fastest(() => normaliseMention(small)), await fastest(() => normaliseMention(large)));
  });

  it.each(["sentiment", "topics", "accounts", "virality", "authors"])(
    "is tagged by %s in linear time",
    async (name) => {
      const tagger = open.taggers.find((t) => t.name === name);
      if (!tagger) throw new Error(`no tagger ${name}`);
      const batchOf = (bytes: number): TaggedMention[] => [
        { mention: hostileMention(bytes), tags: untagged(), processedTime: 0 },
      ];
      const small = batchOf(SMALL);
      const large = batchOf(LARGE);
      expectLinear(await fastest(() => tagger.tag(small)), await fastest(() => tagger.tag(large)));
      const tags = (large[0] as TaggedMention).tags;
      switch (name) {
        case "sentiment":
          expect(tags.sentiment).toMatchObject(expectedTags.sentiment);
          break;
        case "topics":
          expect(tags.topics).toEqual(expectedTags.topics);
          break;
        case "accounts":
          expect(tags.account).toEqual({ role: "other", agency: null, score: null, reasons: [] });
          break;
        case "virality":
          expect(tags.virality).toBeNull();
          break;
        case "authors":
          expect(tags.segment).toEqual({ name: "unknown", confidence: 0 });
          expect(tags.influence).toEqual({ score: 11.16, tier: "nano" });
          break;
      }
    },
  );

  it("goes through the process stage on the in-process bus: over the cap dead-lettered, at the cap tagged exactly", async () => {
    const config = loadConfig({ SIMAK_LOG_LEVEL: "silent" });
    const pipeline = await startPipeline({
      config,
      stages: ["process"],
      http: false,
      logger: pino({ level: "silent" }),
    });
    try {
      const { context } = pipeline;
      const tagged: TaggedMention[] = [];
      const letters: DeadLetter[] = [];
      const reader = await context.bus.consume({
        groupId: "long-text-reader",
        topics: [topicName(config, "mentionsTagged"), topicName(config, "deadLetter")],
        onBatch: async (batch) => {
          if (batch.topic === topicName(config, "deadLetter")) {
            for (const record of batch.records)
              letters.push(context.codec.decode<DeadLetter>(record.value, contracts.DeadLetter));
            return;
          }
          const { values } = await decodeBatch(context, "test", batch, (record) =>
            context.codec.decode<TaggedMention>(record.value, contracts.TaggedMention),
          );
          tagged.push(...values);
        },
      });
      const producer = await context.bus.producer();
      // The largest text a record under the broker's 1 MB can carry, and one at the cap.
      const oversized = { ...hostileMention(900_000), id: "oversized" };
      const atCap = { ...hostileMention(MAX_TEXT_BYTES), id: "at-cap" };
      await producer.send(
        topicName(config, "mentionsRaw"),
        [oversized, atCap].map((mention) =>
          encodeFor(context, "mentionsRaw", postKey(mention.platform, mention.id), mention),
        ),
      );
      await pipeline.drained();
      await reader.stop();
      expect(letters.map((letter) => letter.errorCode)).toEqual([ErrorCode.TextTooLong]);
      expect(tagged).toHaveLength(1);
      expect(tagged[0]?.mention.id).toBe("at-cap");
      expect(tagged[0]?.mention.text).toBe(atCap.text.trim());
      // 64 KiB of the same words: the same label (a repeated phrase saturates: processors/sentiment/README.md).
      expect(tagged[0]?.tags.sentiment).toMatchObject(expectedTags.sentiment);
      expect(tagged[0]?.tags.topics).toEqual(expectedTags.topics);
      expect(pipeline.stages.every((stage) => stage.healthy())).toBe(true);
    } finally {
      await pipeline.stop();
    }
  });
});
