/**
 * Aggregate stage benchmark on the real broker and embedded ClickHouse (chdb): tagged mentions are
 * produced to Kafka, the aggregate stage (pipeline/stages/aggregate.ts) consumes them and inserts
 * window deltas, which the materialized views roll up into mention_windows_1m/_1h/_1d. Measured:
 * mentions/s and delta rows/s written, and the latency from produce to the aggregate being
 * visible (a partition's record counts as visible once a delta insert covering its offset is
 * acknowledged: deltas and rollups land in the same insert).
 *
 * Baseline: a bare @clickhouse/client insert of the very delta rows the stage wrote, batch by batch
 * as the stage wrote them, into a second database of the same chdb (with the same rollup views);
 * its latency is from the insert call to its acknowledgement.
 *
 *   bash deploy/local/services.sh up && npm run bench:aggregates   (BENCH_MENTIONS=20000 by default;
 *   BENCH_RATE=n produces n mentions/s instead of all at once)
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import pino from "pino";
import { startPipeline } from "../pipeline/app.js";
import { untagged } from "../processors/tagger.js";
import { loadConfig } from "../runtime/config.js";
import { topicName } from "../runtime/context.js";
import { createStorage } from "../runtime/storage/clickhouse.js";
import { migrate } from "../runtime/storage/migrations.js";
import { contracts } from "../schemas/contracts.js";
import { postKey, TOPICS } from "../schemas/topics.js";
import type { TaggedMention } from "../schemas/types.generated.js";
import { percentile } from "./support/percentile.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
/** Mentions produced per second (0: as fast as possible, so the latency includes the backlog). */
const RATE = Number(process.env.BENCH_RATE ?? 0);
const PRODUCE_CHUNK = 500;
/** Visibility poll interval: each poll is a query competing with the stage for the embedded engine. */
const POLL_MS = 100;
/** The delta rows of the measured records: the warm-up's are those of each partition's offset 0. */
const MEASURED_DELTAS = "NOT (first_offset = 0 AND last_offset = 0)";
const PARTITIONS = TOPICS.mentionsTagged.partitions;
const BROKERS = [`127.0.0.1:${process.env.LOCAL_KAFKA_PORT ?? "9092"}`];
const REGISTRY = `http://127.0.0.1:${process.env.LOCAL_REGISTRY_PORT ?? "8081"}/apis/ccompat/v7`;
const runId = `bench.agg.${Date.now().toString(36)}.`;
const kafka = new kafkajs.Kafka({ brokers: BROKERS, clientId: "bench", logLevel: kafkajs.logLevel.NOTHING });

interface Result {
  name: string;
  mentionsPerSecond: number | null;
  deltaRowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function latencySummary(latencies: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** Simulated mentions tagged with the simulator's own sentiment and agency (as the process stage would). */
async function generateTagged(): Promise<TaggedMention[]> {
  const tagged: TaggedMention[] = [];
  // Recent event times: the tables' TTLs drop older rows on insert.
  for (const event of await simulatedEvents({ seed: 7, maxMentions: MENTIONS, startTime: Date.now() - 3_600_000 })) {
    if (event.type !== "mention" || !event.truth) continue;
    const { sentiment, agency } = event.truth;
    const tags = untagged();
    tags.sentiment = {
      label: sentiment,
      score: { positive: 0.8, neutral: 0, negative: -0.8 }[sentiment],
      confidence: 1,
      language: "id",
      modelVersion: "bench",
    };
    tags.topics = agency ? [{ queryId: `q-${agency}`, agency }] : [];
    tagged.push({ mention: event.mention, tags, processedTime: event.mention.eventTime });
  }
  return tagged;
}

/** One produced chunk of a partition: the last offset it holds, when it was sent, how many records. */
interface SentChunk {
  lastOffset: number;
  sentAt: number;
  records: number;
}

async function simak(mentions: TaggedMention[]): Promise<{ result: Result; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "simak-bench-agg-"));
  const config = loadConfig({
    KAFKA_BROKERS: BROKERS.join(","),
    SCHEMA_REGISTRY_URL: REGISTRY,
    SIMAK_TOPIC_PREFIX: runId,
    SIMAK_DATA_DIR: dataDir,
  });
  const pipeline = await startPipeline({ config, stages: ["aggregate"], http: false, logger: pino({ level: "warn" }) });
  const { codec, schemaIds } = pipeline.context;
  const storage = await pipeline.context.storage();
  const topic = topicName(config, "mentionsTagged");

  const sent = new Map<number, SentChunk[]>();
  const producer = kafka.producer();
  await producer.connect();
  /** Produces `chunk` spread over the partitions and remembers where each part landed. */
  const produce = async (chunk: TaggedMention[]) => {
    const sentAt = Date.now();
    const messages = chunk.map((tagged, j) => ({
      key: postKey(tagged.mention.platform, tagged.mention.id),
      value: codec.encode(schemaIds.mentionsTagged, contracts.TaggedMention, tagged),
      partition: j % PARTITIONS,
    }));
    for (const ack of await producer.send({ topic, acks: -1, messages })) {
      const records = messages.filter((message) => message.partition === ack.partition).length;
      const chunks = sent.get(ack.partition) ?? [];
      chunks.push({ lastOffset: Number(ack.baseOffset) + records - 1, sentAt, records });
      sent.set(ack.partition, chunks);
    }
  };
  /** Polls until `count` more records are visible in the aggregates; their latencies. */
  const awaitVisible = async (count: number) => {
    const latencies: number[] = [];
    let lastSeen = 0;
    while (latencies.length < count) {
      const result = await storage.client.query({
        query: `SELECT source_partition AS partition, max(last_offset) AS stored
                FROM ${storage.table("mention_window_deltas")} GROUP BY partition`,
        format: "JSONEachRow",
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      });
      const now = Date.now();
      for (const { partition, stored } of await result.json<{ partition: number; stored: number }>()) {
        const chunks = sent.get(partition) ?? [];
        while (chunks[0] && chunks[0].lastOffset <= stored) {
          const chunk = chunks.shift() as SentChunk;
          for (let k = 0; k < chunk.records; k++) latencies.push(now - chunk.sentAt);
          lastSeen = now;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return { latencies, lastSeen };
  };

  // Warm-up, not measured: one record per partition, so the consumer has joined its group and
  // every partition's position is resumed before the clock starts.
  const [warmUp, measured] = [mentions.slice(0, PARTITIONS), mentions.slice(PARTITIONS)];
  await produce(warmUp);
  await awaitVisible(warmUp.length);
  const firstSend = Date.now();
  const producing = (async () => {
    for (let i = 0; i < measured.length; i += PRODUCE_CHUNK) {
      const due = RATE > 0 ? firstSend + (i / RATE) * 1000 - Date.now() : 0;
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      await produce(measured.slice(i, i + PRODUCE_CHUNK));
    }
  })();
  const { latencies, lastSeen } = await awaitVisible(measured.length);
  await producing;
  await producer.disconnect();
  const seconds = (lastSeen - firstSend) / 1000;
  const counted = await storage.client.query({
    query: `SELECT count() AS delta_rows,
              (SELECT sum(mentions) FROM ${storage.table("mention_windows_1m")} WHERE scope_kind = 'all') AS aggregated
            FROM ${storage.table("mention_window_deltas")}
            WHERE ${MEASURED_DELTAS}`,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [{ delta_rows: deltaRows, aggregated }] = (await counted.json()) as [
    { delta_rows: number; aggregated: number },
  ];
  if (aggregated !== mentions.length) console.warn(`aggregated ${aggregated} of ${mentions.length} (late events?)`);
  await pipeline.stop();
  return {
    dataDir,
    result: {
      name: "simak aggregate stage (Kafka -> chdb)",
      mentionsPerSecond: Math.round(measured.length / seconds),
      deltaRowsPerSecond: Math.round(deltaRows / seconds),
      ...latencySummary(latencies),
    },
  };
}

/** The stage's delta rows inserted again, insert by insert, into a fresh database of the same chdb. */
async function baseline(dataDir: string): Promise<Result> {
  const source = createStorage({ username: "default", password: "", database: "simak", dataDir });
  const target = createStorage({ username: "default", password: "", database: "bench_baseline", dataDir });
  await migrate(target, pino({ level: "silent" }));
  const result = await source.client.query({
    query: `SELECT * FROM ${source.table("mention_window_deltas")} WHERE ${MEASURED_DELTAS}
            ORDER BY source_partition, last_offset`,
    format: "JSONEachRow",
  });
  const inserts = new Map<string, Record<string, unknown>[]>();
  for (const row of await result.json<Record<string, unknown>>()) {
    const key = `${row.source_partition}:${row.first_offset}`;
    inserts.set(key, [...(inserts.get(key) ?? []), row]);
  }
  const latencies: number[] = [];
  let rows = 0;
  const started = Date.now();
  for (const values of inserts.values()) {
    const insertStarted = Date.now();
    await target.client.insert({ table: target.table("mention_window_deltas"), values, format: "JSONEachRow" });
    latencies.push(Date.now() - insertStarted);
    rows += values.length;
  }
  const seconds = (Date.now() - started) / 1000;
  await Promise.all([source.close(), target.close()]);
  return {
    name: "bare @clickhouse/client insert (baseline)",
    mentionsPerSecond: null,
    deltaRowsPerSecond: Math.round(rows / seconds),
    ...latencySummary(latencies),
  };
}

async function main(): Promise<void> {
  const mentions = await generateTagged();
  const { result: ours, dataDir } = await simak(mentions);
  const base = await baseline(dataDir);
  console.table([base, ours]);
  console.log(
    JSON.stringify({
      mentions: mentions.length,
      rate: RATE || "unpaced",
      baseline: base,
      simak: ours,
      deltaRowsPerSecondRatio: Number((ours.deltaRowsPerSecond / base.deltaRowsPerSecond).toFixed(3)),
    }),
  );
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
