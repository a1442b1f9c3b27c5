/**
 * Storage per mention, for docs/sizing.md: N simulated mentions (with their engagement snapshots)
 * through ingest, process, enrich, sink and aggregate on the in-process bus, with the state in
 * Redis under a prefix of its own and ClickHouse embedded in a temporary folder.
 *
 * - Redis: every key under the prefix counted by namespace, MEMORY USAGE summed over a sample of
 *   each (at most SAMPLE keys per namespace, scaled up), with the keys' TTLs: what each kind of
 *   state costs per mention and for how long it is kept. The keys are deleted at the end.
 * - Kafka: the bytes (key + value) produced to each topic per mention, as a consumer of every
 *   topic counts them (what a broker stores, before its own batching and compression).
 * - ClickHouse: bytes on disk of each table's active parts per mention, after OPTIMIZE FINAL (the
 *   simulation ends now, so the raw tables' TTL keeps every row).
 *
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/state-size.bench.ts   (BENCH_MENTIONS=20000)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pino from "pino";
import { createSyntheticIngestor } from "../ingestors/synthetic/index.js";
import { startPipeline } from "../runtime/app.js";
import { loadConfig } from "../runtime/config.js";
import { topicName } from "../runtime/context.js";
import { TOPICS, type TopicId } from "../schemas/topics.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const SAMPLE = 500;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bench-state-${process.pid}-`;

const dataDir = mkdtempSync(join(tmpdir(), "simak-sizing-"));
const config = loadConfig({
  SIMAK_LOG_LEVEL: "warn",
  REDIS_URL,
  SIMAK_TOPIC_PREFIX: prefix,
  SIMAK_DATA_DIR: dataDir,
  SIMAK_PAGERANK_INTERVAL_MS: "0",
});
const ingestor = createSyntheticIngestor({
  seed: 42,
  speed: 0,
  maxMentions: MENTIONS,
  startTime: Date.now() - (MENTIONS / 10) * 1000,
});
const pipeline = await startPipeline({
  config,
  stages: ["ingest", "process", "enrich", "sink", "aggregate"],
  ingestor,
  http: false,
  logger: pino({ level: "warn" }),
});
const topicBytes = new Map<TopicId, number>();
const counters = await Promise.all(
  (Object.keys(TOPICS) as TopicId[]).map((id) =>
    pipeline.context.bus.consume({
      groupId: `${prefix}sizing-${id}`,
      topics: [topicName(config, id)],
      onBatch: async (batch) => {
        let bytes = topicBytes.get(id) ?? 0;
        for (const record of batch.records) bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
        topicBytes.set(id, bytes);
      },
    }),
  ),
);
await pipeline.ingestFinished;
await pipeline.drained();
for (const counter of counters) await counter.stop();
const storage = await pipeline.context.storage();
const db = `'${config.clickhouse.database}'`;
const tables = await storage.queryText(
  `SELECT name FROM system.tables WHERE database = ${db} AND engine LIKE '%MergeTree'`,
  "TSV",
);
for (const table of tables.trim().split("\n"))
  await storage.client.command({ query: `OPTIMIZE TABLE ${config.clickhouse.database}.${table} FINAL` });
const parts = await storage.queryText(
  `SELECT table, sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database = ${db} ` +
    "GROUP BY table HAVING sum(rows) > 0 ORDER BY table",
  "TSV",
);
await pipeline.stop();
rmSync(dataDir, { recursive: true, force: true });

console.log(`${MENTIONS} simulated mentions; Kafka bytes produced per topic (key + value)`);
for (const [id, bytes] of [...topicBytes].sort()) {
  const days = TOPICS[id].retentionMs / 86_400_000;
  console.log(
    `  ${TOPICS[id].name.padEnd(24)} ${(bytes / MENTIONS).toFixed(0).padStart(7)} B/mention  retention ${days} d`,
  );
}
console.log("ClickHouse bytes on disk per table (active parts, after OPTIMIZE FINAL)");
for (const line of parts.trim().split("\n")) {
  const [table, rows, bytes] = line.split("\t") as [string, string, string];
  console.log(
    `  ${table.padEnd(28)} ${rows.padStart(8)} rows ${(Number(bytes) / MENTIONS).toFixed(0).padStart(7)} B/mention`,
  );
}

const redis = new Redis(REDIS_URL);
const byNamespace = new Map<string, string[]>();
let cursor = "0";
do {
  const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
  cursor = next;
  for (const key of keys) {
    const namespace = /simak:([a-z-]+(?::[a-z-]+)?)/.exec(key)?.[1]?.replace(/^seen:.*/, "seen") ?? "other";
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), key]);
  }
} while (cursor !== "0");

console.log("Redis state (MEMORY USAGE, sampled)");
console.log(`  ${"state".padEnd(22)} ${"keys".padStart(8)} ${"B/key".padStart(7)} ${"B/mention".padStart(10)}  TTL`);
let total = 0;
for (const [namespace, keys] of [...byNamespace].sort()) {
  const sample = keys.slice(0, SAMPLE);
  let bytes = 0;
  for (const key of sample) bytes += Number((await redis.memory("USAGE", key, "SAMPLES", "0")) ?? 0);
  const perKey = bytes / sample.length;
  const perMention = (perKey * keys.length) / MENTIONS;
  total += perMention;
  const ttl = await redis.ttl(sample[0] as string);
  const kept = ttl < 0 ? "none" : ttl >= 86_400 ? `${Math.round(ttl / 86_400)} d` : `${Math.round(ttl / 3600)} h`;
  console.log(
    `  ${namespace.padEnd(22)} ${String(keys.length).padStart(8)} ${perKey.toFixed(0).padStart(7)} ${perMention.toFixed(0).padStart(10)}  ${kept}`,
  );
}
console.log(`  ${"total".padEnd(22)} ${"".padStart(8)} ${"".padStart(7)} ${total.toFixed(0).padStart(10)}`);
for (const keys of byNamespace.values())
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
await redis.quit();
