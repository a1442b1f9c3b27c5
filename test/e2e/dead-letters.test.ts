/**
 * Acceptance: malformed bytes, a value that violates the schema, and a mention with missing
 * required fields each land in the dead-letter topic with their reason, and the stream goes on.
 * Runs the process stage on real Kafka, the schema registry and Redis.
 */
import kafkajs from "kafkajs";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { topicName } from "../../runtime/context.js";
import { contracts } from "../../schemas/contracts.js";
import type { DeadLetter, Mention, TaggedMention } from "../../schemas/types.generated.js";
import { sampleMention } from "../fixtures/mentions.js";
import { SERVICES, serviceConfig, uniquePrefix, waitFor } from "../support/services.js";

const kafka = new kafkajs.Kafka({ brokers: [SERVICES.kafkaBrokers], logLevel: kafkajs.logLevel.NOTHING });

async function readTopic(topic: string, count: number, groupId: string): Promise<kafkajs.KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId });
  const messages: kafkajs.KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  try {
    await waitFor(`${count} messages on ${topic}`, async () => (messages.length >= count ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

describe("dead letters on Kafka", () => {
  let pipeline: Pipeline | undefined;
  afterAll(async () => {
    await pipeline?.stop();
  });

  it("routes each bad input to simak.deadletter with its reason and processes the good ones", async () => {
    const prefix = uniquePrefix("dlq");
    const config = serviceConfig(prefix);
    pipeline = await startPipeline({ config, stages: ["process"], http: false, logger: pino({ level: "silent" }) });
    const { codec, schemaIds } = pipeline.context;
    const raw = topicName(config, "mentionsRaw");
    const mention = (id: string, changes: Partial<Mention> = {}) =>
      codec.encode(schemaIds.mentionsRaw, contracts.Mention, { ...sampleMention, id, ...changes });
    // An Avro body that ends early: the schema id is right, the bytes do not follow the schema.
    const truncated = mention("bad-2").subarray(0, 30);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: raw,
      messages: [
        { key: "x:good-1", value: mention("good-1") },
        { key: "x:bad-1", value: Buffer.from('{"id": "not avro"}') },
        { key: "x:bad-2", value: truncated },
        { key: "x:bad-3", value: mention("bad-3", { text: "  ", author: { ...sampleMention.author, id: "" } }) },
        { key: "x:good-2", value: mention("good-2") },
      ].map((message) => ({ ...message, key: "same-partition" })),
    });
    await producer.disconnect();

    const letters = await readTopic(topicName(config, "deadLetter"), 3, `${prefix}reader-dlq`);
    await codec.prepare(letters.map((message) => message.value));
    const decoded = letters.map((message) => codec.decode<DeadLetter>(message.value, contracts.DeadLetter));
    expect(decoded.map((letter) => [letter.offset, letter.errorCode])).toEqual([
      [1, "BAD_WIRE_FORMAT"],
      [2, "SCHEMA_VIOLATION"],
      [3, "MISSING_REQUIRED_FIELDS"],
    ]);
    expect(decoded[0]?.reason).toBe("unknown magic byte 123; expected 0 (Confluent wire format)");
    expect(decoded[1]?.reason).toMatch(/^value does not decode as Mention with schema id \d+: /);
    expect(decoded[2]?.reason).toBe("missing required fields: author.id, text");
    for (const letter of decoded) {
      expect(letter.stage).toBe("process");
      expect(letter.sourceTopic).toBe(raw);
      expect(letter.value?.length).toBeGreaterThan(0);
    }
    expect(decoded[0]?.value?.toString()).toBe('{"id": "not avro"}');

    const tagged = await readTopic(topicName(config, "mentionsTagged"), 2, `${prefix}reader-tagged`);
    await codec.prepare(tagged.map((message) => message.value));
    expect(
      // Keyed by their own ids, the two may sit on different partitions: compare as a set.
      tagged.map((message) => codec.decode<TaggedMention>(message.value, contracts.TaggedMention).mention.id).sort(),
    ).toEqual(["good-1", "good-2"]);
    const counted = (await pipeline.context.metrics.deadLetters.get()).values;
    expect(counted.map((sample) => [sample.labels.code, sample.value]).sort()).toEqual([
      ["BAD_WIRE_FORMAT", 1],
      ["MISSING_REQUIRED_FIELDS", 1],
      ["SCHEMA_VIOLATION", 1],
    ]);
  });
});
