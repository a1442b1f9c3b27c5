/**
 * End-to-end benchmark on the real broker: mentions/s and produce-to-visible latency (p50/p99) of
 * Simak's process + sink stages (Kafka -> process -> Kafka -> sink -> ClickHouse), against a bare
 * kafkajs consume-and-produce passthrough on the same broker, in the same process and run, and the
 * machine's CPU a mention of each (every core, the broker's included).
 *
 *   bash deploy/local/services.sh up && npm run bench   (BENCH_MENTIONS=20000 by default)
 */
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startPipeline } from "../pipeline/app.js";
import { loadConfig } from "../runtime/config.js";
import { topicName } from "../runtime/context.js";
import { AvroCodec, createRegistryClient } from "../runtime/serde.js";
import { contracts } from "../schemas/contracts.js";
import type { Mention } from "../schemas/types.generated.js";
import {
  BROKERS,
  deleteTopicsWithPrefix,
  machineCpu,
  passthroughBaseline,
  produceAll,
  REDIS,
  REGISTRY,
  type Result,
  summarise,
  trackRss,
} from "./support/passthrough.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const runId = `bench.${Date.now().toString(36)}.`;

async function generateMentions(): Promise<Mention[]> {
  // Recent event times: rows older than the mentions table's 90-day TTL are dropped on insert.
  const events = await simulatedEvents({ seed: 7, maxMentions: MENTIONS, startTime: Date.now() - 3_600_000 });
  return events.flatMap((event) => (event.type === "mention" ? [event.mention] : []));
}

async function simak(
  mentions: Mention[],
): Promise<Result & { machineCpuMsPerMention: number; processCpuMsPerMention: number }> {
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
  const cpuStart = machineCpu();
  const ownCpuStart = process.cpuUsage();
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
  const cpuEnd = machineCpu();
  const ownCpu = process.cpuUsage(ownCpuStart);
  const result = {
    ...summarise("simak process + sink to ClickHouse", latencies, firstSend, lastSeen, rss.stop()),
    machineCpuMsPerMention: Number(((1000 * (cpuEnd.busy - cpuStart.busy)) / mentions.length).toFixed(3)),
    // This process's (both stages, chdb's threads, the producer and the visibility poll).
    processCpuMsPerMention: Number(((ownCpu.user + ownCpu.system) / 1000 / mentions.length).toFixed(3)),
  };
  await pipeline.stop();
  return result;
}

async function main(): Promise<void> {
  const mentions = await generateMentions();
  const codec = new AvroCodec(createRegistryClient(loadConfig({ SCHEMA_REGISTRY_URL: REGISTRY })));
  const id = await codec.register(`${runId}passthrough.in`, contracts.Mention);
  const base = await passthroughBaseline(runId, mentions, (mention) => codec.encode(id, contracts.Mention, mention));
  const ours = await simak(mentions);
  await deleteTopicsWithPrefix(runId);
  console.table([base, ours]);
  console.log(
    JSON.stringify({
      mentions: MENTIONS,
      baseline: base,
      simak: ours,
      throughputRatio: Number((ours.mentionsPerSecond / base.mentionsPerSecond).toFixed(3)),
      // Both move the same Kafka records a mention (two written, two read). Every core for 0.6 of
      // the passthrough's rate: the most CPU a mention (every core's, the broker's too) can take at
      // issue 16's target.
      machineCpuMsBudgetAt06: Number(((1000 * availableParallelism()) / (0.6 * base.mentionsPerSecond)).toFixed(3)),
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
