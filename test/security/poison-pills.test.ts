/**
 * Acceptance (security review, test 2): poison-pill isolation on real Kafka, the schema registry
 * and Redis, with an embedded ClickHouse data folder. A replayed file mixes good lines with
 * `likes: -1`, `parentId: null, rootId: "other"`, 150 mentions one day apart (good, but a backfill
 * spanning more partitions than one insert may touch), a 2 MB text and a 600 KB id; a snapshot
 * with `likes: -1` is also put straight onto the engagement topic, past the replay's checks.
 * Within 60 s every good line is stored exactly once and every bad one is in the dead-letter
 * topic with a code; no consumer crashes, no batch fails, and /healthz stays 200 throughout.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import kafkajs from "kafkajs";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createReplayIngestor } from "../../ingestors/replay/index.js";
import { type Pipeline, startPipeline } from "../../runtime/app.js";
import { DEAD_LETTER_VALUE_BYTES, encodeFor, topicName } from "../../runtime/context.js";
import { contracts } from "../../schemas/contracts.js";
import type { DeadLetter } from "../../schemas/types.generated.js";
import { freePort, SERVICES, serviceConfig, tempDir, uniquePrefix, waitFor } from "../support/services.js";

const DAY = 86_400_000;
const now = Date.now();
const mention = (id: string, eventTime: number, changes: Record<string, unknown> = {}) =>
  JSON.stringify({
    platform: "x",
    id,
    kind: "post",
    author: { id: `u-${id}`, handle: `warga_${id}` },
    text: `antrean bpjs ${id}`,
    eventTime,
    ...changes,
  });

const recent = Array.from({ length: 20 }, (_, i) => mention(`recent-${i}`, now - 3_600_000 + i * 60_000));
const daily = Array.from({ length: 150 }, (_, day) => mention(`day-${day}`, now - (150 - day) * DAY));
const bad: [string, string][] = [
  [
    JSON.stringify({ type: "engagement", platform: "x", postId: "recent-1", eventTime: now, likes: -1 }),
    "INVALID_COUNT",
  ],
  [mention("thread", now - 60_000, { parentId: null, rootId: "other" }), "INCONSISTENT_THREAD"],
  [mention("long-text", now - 60_000, { text: "bpjs ".repeat(400_000) }), "TEXT_TOO_LONG"],
  [
    mention("x".repeat(600 * 1024), now - 60_000, { author: { id: "u-long", handle: "warga" }, text: "antrean" }),
    "ID_TOO_LONG",
  ],
];
const goodEngagement = JSON.stringify({
  type: "engagement",
  platform: "x",
  postId: "recent-2",
  eventTime: now,
  likes: 5,
});
const goodWeb = JSON.stringify({
  type: "web",
  id: "visit-1",
  site: "bpjs-kesehatan.go.id",
  agency: "BPJS Kesehatan",
  url: "https://bpjs-kesehatan.go.id/",
  kind: "visit",
  eventTime: now - 60_000,
});

/** kafkajs logs "Crash: ..." (through the bus's logger) each time a consumer crashes and rejoins. */
function collectingLogger() {
  const entries: { msg?: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) entries.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "warn" }, stream), entries };
}

describe("poison pills on Kafka", () => {
  let pipeline: Pipeline | undefined;
  const kafka = new kafkajs.Kafka({ brokers: [SERVICES.kafkaBrokers], logLevel: kafkajs.logLevel.NOTHING });
  const reader = kafka.consumer({ groupId: `poison-reader-${now}` });
  afterAll(async () => {
    await reader.disconnect();
    await pipeline?.stop();
  });

  it("stores every good line once and dead-letters every bad one, without a crash or an unhealthy moment", async () => {
    const dir = tempDir("poison");
    const file = join(dir, "poison.jsonl");
    const lines = [...recent.slice(0, 10), ...bad.map(([line]) => line), ...daily, goodEngagement, goodWeb];
    await writeFile(file, `${[...lines, ...recent.slice(10)].join("\n")}\n`);
    const prefix = uniquePrefix("poison");
    const port = await freePort();
    const config = serviceConfig(prefix, {
      SIMAK_DATA_DIR: join(dir, "chdb"),
      SIMAK_HTTP_PORT: String(port),
      SIMAK_PAGERANK_INTERVAL_MS: "0",
      // The daily mentions go back 150 days: keep them past the default 90-day TTL.
      SIMAK_RETENTION_RAW_DAYS: "400",
    });
    const { logger, entries } = collectingLogger();

    const letters: DeadLetter[] = [];
    const started = Date.now();
    pipeline = await startPipeline({
      config,
      stages: ["sink", "aggregate", "enrich", "process", "ingest"],
      ingestor: createReplayIngestor({ name: "replay", path: file, speed: 0 }),
      logger,
    });
    const { context } = pipeline;
    await reader.connect();
    await reader.subscribe({ topic: topicName(config, "deadLetter"), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        await context.codec.prepare([message.value]);
        letters.push(context.codec.decode<DeadLetter>(message.value, contracts.DeadLetter));
      },
    });
    const statuses: number[] = [];
    const health = setInterval(() => {
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => statuses.push(response.status),
        () => statuses.push(0),
      );
    }, 200);

    // Past the replay's checks, straight onto the topic: the sink and the enrich stage refuse it.
    const producer = await context.bus.producer();
    const negative = { platform: "x", postId: "recent-3", eventTime: now, likes: -1, shares: 0, replies: 0, views: 0 };
    await producer.send(topicName(config, "engagementRaw"), [
      encodeFor(context, "engagementRaw", "x:recent-3", { ...negative, clicks: 0, source: "direct" }),
    ]);
    await producer.close();

    const storage = await context.storage();
    const count = async (query: string) => {
      const result = await storage.client.query({ query, format: "JSONEachRow" });
      return (await result.json<Record<string, string>>()).map((row) => Object.values(row).map(Number));
    };
    const mentions = storage.table("tagged_mentions");
    await waitFor(
      "every good line stored and every bad one dead-lettered",
      async () => {
        const [[stored] = []] = await count(`SELECT count() FROM ${mentions}`);
        const [[snapshots] = []] = await count(`SELECT count() FROM ${storage.table("engagement_events")}`);
        const [[visits] = []] = await count(`SELECT count() FROM ${storage.table("web_events")}`);
        return stored === 170 && snapshots === 1 && visits === 1 && letters.length >= 6 ? true : undefined;
      },
      90_000,
      500,
    );
    const elapsed = Date.now() - started;
    await pipeline.ingestFinished;
    clearInterval(health);

    expect(await count(`SELECT count(), uniqExact(platform, id) FROM ${mentions}`)).toEqual([[170, 170]]);
    const ids = await storage.client.query({ query: `SELECT id FROM ${mentions} ORDER BY id`, format: "JSONEachRow" });
    const expectedIds = [...recent, ...daily].map((line) => JSON.parse(line).id as string).sort();
    expect((await ids.json<{ id: string }>()).map((row) => row.id)).toEqual(expectedIds);

    const byStage = letters.map((letter) => `${letter.stage} ${letter.errorCode}`).sort();
    expect(byStage).toEqual(
      [...bad.map(([, code]) => `ingest ${code}`), "enrich INVALID_COUNT", "sink INVALID_COUNT"].sort(),
    );
    for (const letter of letters) {
      expect(letter.reason.length).toBeGreaterThan(0);
      expect(letter.value?.length ?? 0).toBeLessThanOrEqual(DEAD_LETTER_VALUE_BYTES);
    }

    const crashes = entries.filter((entry) => entry.msg?.startsWith("Crash"));
    expect(crashes).toEqual([]);
    const errors = (await context.metrics.errors.get()).values.reduce((sum, sample) => sum + sample.value, 0);
    expect(errors).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(elapsed).toBeLessThan(60_000);
  }, 150_000);
});
