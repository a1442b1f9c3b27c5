/**
 * The baseline of the end-to-end benchmarks: a bare kafkajs consume-and-produce passthrough on the
 * same broker (no decoding, no processing), with the produce side and the measures they share.
 */
import { readFileSync } from "node:fs";
import kafkajs from "kafkajs";
// The same kafkajs as the stages' (runtime/bus/kafka-bus.ts): without its request queue's 1 ms loop.
import "../../runtime/bus/kafkajs-request-queue.js";
import { postKey } from "../../schemas/topics.js";
import type { Mention } from "../../schemas/types.generated.js";
import { percentile } from "./percentile.js";

export const BROKERS = [`127.0.0.1:${process.env.LOCAL_KAFKA_PORT ?? "9092"}`];
export const REGISTRY = `http://127.0.0.1:${process.env.LOCAL_REGISTRY_PORT ?? "8081"}/apis/ccompat/v7`;
export const REDIS = `redis://127.0.0.1:${process.env.LOCAL_REDIS_PORT ?? "6379"}`;
const PRODUCE_CHUNK = 500;

export const kafka = new kafkajs.Kafka({ brokers: BROKERS, clientId: "bench", logLevel: kafkajs.logLevel.NOTHING });

export interface Result {
  name: string;
  mentionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

export function summarise(
  name: string,
  latencies: number[],
  firstSend: number,
  lastSeen: number,
  peakRss: number,
): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    mentionsPerSecond: Math.round(latencies.length / ((lastSeen - firstSend) / 1000)),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    peakRssMb: Math.round(peakRss / 2 ** 20),
  };
}

/** The machine's CPU time so far, every core, busy and in all (seconds; /proc/stat's first line). */
export function machineCpu(): { busy: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the 4th and 5th fields.
  return { busy: (total - (fields[3] ?? 0) - (fields[4] ?? 0)) / 100, total: total / 100 };
}

/** This process's peak RSS, sampled every 50 ms until stopped. */
export function trackRss(): { stop: () => number } {
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

/** Produces the mentions in chunks, stamping each with its send time (header and/or ingestTime). */
export async function produceAll(
  topic: string,
  mentions: Mention[],
  encode: (mention: Mention) => Buffer,
): Promise<number> {
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

export async function createTopics(names: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: 6 })) });
  await admin.disconnect();
}

/**
 * Deletes the topics whose names start with `prefix`: every run makes its own, and a local broker
 * (deploy/local, a 1 GB heap) that keeps the topics of dozens of runs runs out of memory (12 000
 * partitions did at 512 MB).
 */
export async function deleteTopicsWithPrefix(prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The mentions through a bare kafkajs passthrough (`runId`passthrough.in -> .out, 6 partitions,
 * acks from every replica, offsets committed after each produced batch), read back by a second
 * consumer: mentions/s, produce-to-read latency, and every core's busy CPU (the broker's included)
 * per mention.
 */
export async function passthroughBaseline(
  runId: string,
  mentions: Mention[],
  encode: (mention: Mention) => Buffer,
): Promise<Result & { machineCpuMsPerMention: number }> {
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
  const cpuStart = machineCpu();
  const firstSend = await produceAll(input, mentions, encode);
  await allSeen;
  const cpuEnd = machineCpu();
  const result = {
    ...summarise("kafkajs passthrough (baseline)", latencies, firstSend, lastSeen, rss.stop()),
    machineCpuMsPerMention: Number(((1000 * (cpuEnd.busy - cpuStart.busy)) / mentions.length).toFixed(3)),
  };
  await Promise.all([passthrough.disconnect(), reader.disconnect(), producer.disconnect()]);
  await deleteTopicsWithPrefix(`${runId}passthrough.`);
  return result;
}
