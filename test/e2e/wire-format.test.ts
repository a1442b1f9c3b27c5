/**
 * Acceptance: clients we did not write read our topics. kcat consumes the raw mentions topic, the
 * registry resolves the schema id over plain HTTP (curl), and Apache Avro's avro-tools decodes the
 * body into the mention that was produced (deploy/local/wire-check.sh does the three steps).
 */
import { execFileSync } from "node:child_process";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { startPipeline } from "../../pipeline/app.js";
import { topicName } from "../../runtime/context.js";
import type { Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import { sampleMention } from "../fixtures/mentions.js";
import { SERVICES, serviceConfig, uniquePrefix } from "../support/services.js";

function onlyThis(events: SourceEvent[]): Ingestor {
  return {
    name: "wire-test",
    async *events() {
      yield* events;
    },
  };
}

describe("wire format readable by kcat, curl and avro-tools", () => {
  it("decodes the produced mention field for field", async () => {
    const prefix = uniquePrefix("wire");
    const config = serviceConfig(prefix);
    const mention = { ...sampleMention, id: "wire-1", text: "pelayanan samsat keren bgt 👍 #samsat" };
    const pipeline = await startPipeline({
      config,
      stages: ["ingest"],
      ingestor: onlyThis([{ type: "mention", mention }]),
      http: false,
      logger: pino({ level: "silent" }),
    });
    await pipeline.ingestFinished;
    await pipeline.stop();

    const topic = topicName(config, "mentionsRaw");
    const output = execFileSync(
      "bash",
      ["deploy/local/wire-check.sh", SERVICES.kafkaBrokers, SERVICES.registryUrl, topic],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 },
    );
    const decoded = JSON.parse(output);
    // avro-tools prints unions in Avro's JSON encoding: {"string": "..."} for a non-null branch.
    expect(decoded.id).toBe("wire-1");
    expect(decoded.text).toBe(mention.text);
    expect(decoded.platform).toBe("x");
    expect(decoded.author).toEqual({
      id: mention.author.id,
      handle: mention.author.handle,
      name: { string: mention.author.name },
      followers: mention.author.followers,
      verified: false,
      location: null,
    });
    expect(decoded.eventTime).toBe(mention.eventTime);
    expect(decoded.hashtags).toEqual(mention.hashtags);
    expect(decoded.engagement).toEqual(mention.engagement);
    expect(decoded.parentId).toBeNull();
  });
});
