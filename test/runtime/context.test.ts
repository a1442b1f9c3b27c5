import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../runtime/config.js";
import {
  DEAD_LETTER_VALUE_BYTES,
  deadLetter,
  encodeFor,
  MAX_RECORD_BYTES,
  type PipelineContext,
  topicName,
} from "../../runtime/context.js";
import { PipelineMetrics } from "../../runtime/metrics.js";
import { AvroCodec, createRegistryClient } from "../../runtime/serde.js";
import { contracts } from "../../schemas/contracts.js";
import type { DeadLetter } from "../../schemas/types.generated.js";
import { sampleMention } from "../fixtures/mentions.js";

async function context(): Promise<PipelineContext> {
  const config = loadConfig({});
  const codec = new AvroCodec(createRegistryClient(config));
  const schemaIds = {
    mentionsRaw: await codec.register(topicName(config, "mentionsRaw"), contracts.Mention),
    deadLetter: await codec.register(topicName(config, "deadLetter"), contracts.DeadLetter),
  } as PipelineContext["schemaIds"];
  return {
    config,
    codec,
    schemaIds,
    logger: pino({ level: "silent" }),
    metrics: new PipelineMetrics(),
  } as PipelineContext;
}

describe("records the broker would refuse", () => {
  it("refuses to encode a record over the broker's limit, with RECORD_TOO_LARGE", async () => {
    const ctx = await context();
    const large = encodeFor(ctx, "mentionsRaw", "x:1", { ...sampleMention, text: "a".repeat(900_000) });
    expect(large.value.length).toBeGreaterThan(900_000);
    expect(() =>
      encodeFor(ctx, "mentionsRaw", "x:1", { ...sampleMention, text: "a".repeat(MAX_RECORD_BYTES) }),
    ).toThrow(expect.objectContaining({ code: "RECORD_TOO_LARGE" }));
  });

  it("keeps a truncated copy in a dead letter, so a dead letter always fits", async () => {
    const ctx = await context();
    const value = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const letter = deadLetter(ctx, {
      stage: "ingest",
      sourceTopic: "replay.jsonl",
      partition: 0,
      offset: 7,
      key: Buffer.alloc(600 * 1024, 0x62),
      value,
      errorCode: "REPLAY_LINE_TOO_LONG",
      reason: "r".repeat(100_000),
    });
    expect(letter.value.length).toBeLessThan(MAX_RECORD_BYTES / 10);
    const decoded = ctx.codec.decode<DeadLetter>(letter.value, contracts.DeadLetter);
    expect(decoded.value).toEqual(value.subarray(0, DEAD_LETTER_VALUE_BYTES));
    expect(decoded.key?.length).toBe(1024);
    expect(decoded.reason).toBe(
      `${"r".repeat(4096)}; key truncated from ${600 * 1024} to 1024 bytes; value truncated from ${2 * 1024 * 1024} to ${DEAD_LETTER_VALUE_BYTES} bytes`,
    );
  });
});
