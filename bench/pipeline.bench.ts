/**
 * End-to-end benchmark on the real broker: mentions/s and produce-to-visible latency (p50/p99) of
 * Simak's process + sink stages (Kafka -> process -> Kafka -> sink -> ClickHouse), against a bare
 * kafkajs consume-and-produce passthrough on the same broker, in the same process and run.
 *
 *   bash deploy/local/services.sh up && npm run bench   (BENCH_MENTIONS=20000 by default)
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import pino from "pino";
import { startPipeline } from "../pipeline/app.js";
import { loadConfig } from "../runtime/config.js";
import { topicName } from "../runtime/context.js";
import { AvroCodec, createRegistryClient } from "../runtime/serde.js";
import { contracts } from "../schemas/contracts.js";
import { postKey } from "../schemas/topics.js";
import type { Mention } from "../schemas/types.generated.js";
import { percentile } from "./support/percentile.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const PRODUCE_CHUNK = 500;
const BROKERS = [`127.0.0.1:${process.env.LOCAL_KAFKA_PORT ?? "9092"}`];
const REGISTRY = `http://127.0.0.1:${process.env.LOCAL_REGISTRY_PORT ?? "8081"}/apis/ccompat/v7`;
const REDIS = `redis://127.0.0.1:${process.env.LOCAL_REDIS_PORT ?? "6379"}`;
const runId = `bench.${Date.now().toString(36)}.`;
const kafka = new kafkajs.Kafka({ brokers: BROKERS, clientId: "bench", logLevel: kafkajs.logLevel.NOTHING });

interface Result {
  name: string;
  mentionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

function summarise(name: string, latencies: number[], firstSend: number, lastSeen: number, peakRss: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    mentionsPerSecond: Math.round(latencies.length / ((lastSeen - firstSend) / 1000)),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    peakRssMb: Math.round(peakRss / 2 ** 20),
  };
}

function trackRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

async function generateMentions(): Promise<Mention[]> {
  // Recent event times: rows older than the mentions table's 90-day TTL are dropped on insert.
  const events = await simulatedEvents({ seed: 7, maxMentions: MENTIONS, startTime: Date.now() - 3_600_000 });
  return events.flatMap((event) => (event.type === "mention" ? [event.mention] : []));
}

/** Produces the mentions in chunks, stamping each with its send time (header and/or ingestTime). */
async function produceAll(topic: string, mentions: Mention[], encode: (mention: Mention) => Buffer): Promise<number> {
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const firstSend = Date.now();
  for (let i = 0; i < mentions.length; i += PRODUCE_CHUNK) {
    const now = Date.now();
    const messages = mentions.slice(i, i + PRODUCE_CHUNK).map((mention) => {
      const stamped = { ...mention, ingestTime: now };
      return { key: postKey(mention.platform, mention.id), value: encode(stamped), headers: { sent: String(now) } };
    });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  return firstSend;
}

async function createTopics(names: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: 6 })) });
  await admin.disconnect();
}

async function baseline(mentions: Mention[], encode: (mention: Mention) => Buffer): Promise<Result> {
  const [input, output] = [`${runId}passthrough.in`, `${runId}passthrough.out`];
  await createTopics([input, output]);
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const passthrough = kafka.consumer({ groupId: `${runId}passthrough`, maxWaitTimeInMs: 100 });
  await passthrough.connect();
  await passthrough.subscribe({ topic: input, fromBeginning: true });
  await passthrough.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      await producer.send({
        topic: output,
        acks: -1,
        messages: batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
      await passthrough.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
      ]);
    },
  });
  const latencies: number[] = [];
  let lastSeen = 0;
  let done: () => void = () => undefined;
  const allSeen = new Promise<void>((resolve) => {
    done = resolve;
  });
  const reader = kafka.consumer({ groupId: `${runId}passthrough-reader`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic: output, fromBeginning: true });
  await reader.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) latencies.push(now - Number(message.headers?.sent?.toString()));
      lastSeen = now;
      if (latencies.length >= mentions.length) done();
    },
  });
  const rss = trackRss();
  const firstSend = await produceAll(input, mentions, encode);
  await allSeen;
  const result = summarise("kafkajs passthrough (baseline)", latencies, firstSend, lastSeen, rss.stop());
  await Promise.all([passthrough.disconnect(), reader.disconnect(), producer.disconnect()]);
  return result;
}

async function simak(mentions: Mention[]): Promise<Result> {
  const config = loadConfig({
    KAFKA_BROKERS: BROKERS.join(","),
    SCHEMA_REGISTRY_URL: REGISTRY,
    REDIS_URL: REDIS,
    SIMAK_TOPIC_PREFIX: runId,
    SIMAK_DATA_DIR: mkdtempSync(join(tmpdir(), "simak-bench-")),
  });
  const pipeline = await startPipeline({
    config,
    stages: ["process", "sink"],
    http: false,
    logger: pino({ level: "warn" }),
  });
  const { codec, schemaIds } = pipeline.context;
  const storage = await pipeline.context.storage();
  const encode = (mention: Mention) => codec.encode(schemaIds.mentionsRaw, contracts.Mention, mention);

  const rss = trackRss();
  const producing = produceAll(topicName(config, "mentionsRaw"), mentions, encode);
  // Visibility: poll ClickHouse for rows past the last offset seen in each partition of the tagged
  // topic (the sink stores a partition's rows in offset order); latency = first seen - sent.
  const lastOffset = new Map<number, number>();
  const latencies: number[] = [];
  let lastSeen = 0;
  while (latencies.length < mentions.length) {
    const partitions = [...lastOffset.entries()].map(
      ([partition, offset]) => `(kafka_partition = ${partition} AND kafka_offset > ${offset})`,
    );
    const known = [...lastOffset.keys()];
    const unseenPartitions = known.length ? `kafka_partition NOT IN (${known.join(",")})` : "1";
    const result = await storage.client.query({
      query: `SELECT kafka_partition AS partition, kafka_offset AS offset, toUnixTimestamp64Milli(ingest_time) AS sent
              FROM ${storage.table("tagged_mentions")} WHERE ${[...partitions, unseenPartitions].join(" OR ")}`,
      format: "JSONEachRow",
    });
    const now = Date.now();
    for (const row of await result.json<{ partition: number; offset: string; sent: string }>()) {
      latencies.push(now - Number(row.sent));
      lastOffset.set(row.partition, Math.max(lastOffset.get(row.partition) ?? -1, Number(row.offset)));
      lastSeen = now;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const firstSend = await producing;
  const result = summarise("simak process + sink to ClickHouse", latencies, firstSend, lastSeen, rss.stop());
  await pipeline.stop();
  return result;
}

async function main(): Promise<void> {
  const mentions = await generateMentions();
  const codec = new AvroCodec(createRegistryClient(loadConfig({ SCHEMA_REGISTRY_URL: REGISTRY })));
  const id = await codec.register(`${runId}passthrough.in`, contracts.Mention);
  const base = await baseline(mentions, (mention) => codec.encode(id, contracts.Mention, mention));
  const ours = await simak(mentions);
  console.table([base, ours]);
  console.log(
    JSON.stringify({
      mentions: MENTIONS,
      baseline: base,
      simak: ours,
      throughputRatio: Number((ours.mentionsPerSecond / base.mentionsPerSecond).toFixed(3)),
      p50Ratio: Number((ours.p50Ms / Math.max(1, base.p50Ms)).toFixed(2)),
      p99Ratio: Number((ours.p99Ms / Math.max(1, base.p99Ms)).toFixed(2)),
    }),
  );
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
