/**
 * Acceptance 5 of issue 12: outages on the real services (Kafka, the schema registry, Redis) with
 * the pipeline's stages running in this process on embedded ClickHouse, fed 20 mentions a second.
 *
 * - ClickHouse unavailable for a minute: embedded ClickHouse lives in this process, so the stages
 *   get it through a fault-injecting wrapper of the ClickHouse client (PipelineOptions.openStorage)
 *   whose every call fails while the outage lasts, as a refused connection would.
 * - Redis unresponsive for 30 s: the stages reach Redis through a TCP proxy that stops forwarding
 *   (test/support/blackhole-proxy.ts).
 *
 * During each outage /healthz answers 503; within 60 s of its end it answers 200 again and
 * everything sent before it is stored; at the end every mention sent is stored exactly once
 * (distinct ids = rows = sent) and counted exactly once in mention_windows_1m.
 *
 * Each outage has a pipeline of its own (its topics, Redis keys and ClickHouse database), and the
 * two run at the same time: the Redis outage within the ClickHouse one's minute rather than after it.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import pino from "pino";
import { afterAll, describe, type ExpectStatic, it } from "vitest";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import type { Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import { createStorage, type Storage } from "../../runtime/storage/clickhouse.js";
import { postWith } from "../fixtures/mentions.js";
import { type BlackholeProxy, blackholeProxy } from "../support/blackhole-proxy.js";
import { SERVICES, serviceConfig, tempDir, uniquePrefix, waitFor } from "../support/services.js";

const CLICKHOUSE_OUTAGE_MS = 60_000;
const REDIS_OUTAGE_MS = 30_000;
const RECOVERY_MS = 60_000;
const MENTIONS_PER_SECOND = 20;

const pipelines: Pipeline[] = [];
let proxy: BlackholeProxy | undefined;
afterAll(async () => {
  proxy?.heal();
  for (const pipeline of pipelines) await pipeline.stop();
  await proxy?.close();
});

/** The client of `storage`, failing every call while `down()` says so. */
function faulty(storage: Storage, down: () => boolean): Storage {
  const client = new Proxy(storage.client, {
    get: (target, name, receiver) => {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || !["query", "insert", "command", "exec"].includes(String(name))) return value;
      return (...args: unknown[]) =>
        down()
          ? Promise.reject(new Error("connect ECONNREFUSED: ClickHouse unavailable (test outage)"))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  }) as ClickHouseClient;
  return { ...storage, client };
}

/** Fresh mentions stamped now, until stopped; `sent` holds their ids. */
function liveMentions() {
  const sent: string[] = [];
  let running = true;
  const ingestor: Ingestor = {
    name: "outage-test",
    async *events(signal): AsyncIterable<SourceEvent> {
      for (let i = 0; running && !signal.aborted; i++) {
        const id = `o${i}`;
        const now = Date.now();
        sent.push(id);
        yield {
          type: "mention",
          mention: postWith({ id, eventTime: now, ingestTime: now, text: `antrean bpjs ${i}` }),
        };
        await new Promise((resolve) => setTimeout(resolve, 1000 / MENTIONS_PER_SECOND));
      }
    },
  };
  return { ingestor, sent, stop: () => (running = false) };
}

async function healthStatus(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
}

async function one(storage: Storage, query: string): Promise<number> {
  const result = await storage.client.query({ query, format: "JSONEachRow" });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

/** One embedded ClickHouse data folder per process (chdb): each pipeline has a database of its own in it. */
const dataDir = tempDir("outages");

/**
 * A pipeline of every stage fed live mentions, whose ClickHouse client fails while `clickhouseDown()`;
 * `begin` and `end` one outage of `ms` on it: /healthz is 503 within it and at its end; then, within
 * RECOVERY_MS, 200 again with everything sent before the end stored. At the end, every mention sent
 * is stored and counted exactly once. Returns how long recovery took.
 */
async function survives(
  expect: ExpectStatic,
  what: string,
  ms: number,
  outage: { redisUrl: string; clickhouseDown: () => boolean; begin: () => void; end: () => void },
): Promise<number> {
  const prefix = uniquePrefix("outages");
  const config = serviceConfig(prefix, {
    REDIS_URL: outage.redisUrl,
    SIMAK_DATA_DIR: dataDir,
    CLICKHOUSE_DATABASE: prefix.replace(/[^A-Za-z0-9]/g, "_"),
    SIMAK_HTTP_PORT: "0",
    SIMAK_PAGERANK_INTERVAL_MS: "0",
  });
  let raw: Storage | undefined;
  const source = liveMentions();
  const started = await startPipeline({
    config,
    stages: ["sink", "aggregate", "enrich", "process", "ingest"],
    ingestor: source.ingestor,
    logger: pino({ level: "silent" }),
    openStorage: (settings) => {
      raw = createStorage(settings);
      return faulty(raw, outage.clickhouseDown);
    },
  });
  pipelines.push(started);
  const port = started.httpPort as number;
  const storage = raw as Storage;
  const mentions = storage.table("tagged_mentions");
  const stored = () => one(storage, `SELECT count() AS n FROM ${mentions}`);

  await waitFor("mentions flowing", async () => ((await stored()) > 0 ? true : undefined), 60_000, 500);
  expect(await healthStatus(port)).toBe(200);
  outage.begin();
  const from = Date.now();
  await waitFor(
    `503 while ${what}`,
    async () => ((await healthStatus(port)) === 503 ? true : undefined),
    ms - 5_000,
    500,
  );
  await new Promise((resolve) => setTimeout(resolve, ms - (Date.now() - from)));
  expect(await healthStatus(port)).toBe(503);
  outage.end();
  const sentBefore = source.sent.length;
  const healed = Date.now();
  await waitFor(
    `recovery after ${what}`,
    async () => ((await healthStatus(port)) === 200 && (await stored()) >= sentBefore ? true : undefined),
    RECOVERY_MS,
    500,
  );
  const recoveryMs = Date.now() - healed;

  source.stop();
  await started.ingestFinished;
  const sent = source.sent.length;
  const windows = `SELECT sum(mentions) AS n FROM ${storage.table("mention_windows_1m")} WHERE scope_kind = 'all'`;
  await waitFor(
    "every mention stored and counted",
    async () => ((await stored()) >= sent && (await one(storage, windows)) >= sent ? true : undefined),
    RECOVERY_MS,
    500,
  );
  // A little longer: a late duplicate would show now.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await one(storage, `SELECT uniqExact(id) AS n FROM ${mentions}`)).toBe(sent);
  expect(await stored()).toBe(sent);
  expect(await one(storage, windows)).toBe(sent);
  console.info(JSON.stringify({ what, sent, recoveryMs }));
  return recoveryMs;
}

describe("outages", () => {
  it.concurrent("loses and double-counts nothing through ClickHouse down 1 min, and recovers within 60 s", async ({
    expect,
  }) => {
    let clickhouseDown = false;
    await survives(expect, "ClickHouse is down", CLICKHOUSE_OUTAGE_MS, {
      redisUrl: SERVICES.redisUrl,
      clickhouseDown: () => clickhouseDown,
      begin: () => (clickhouseDown = true),
      end: () => (clickhouseDown = false),
    });
  }, 360_000);

  it.concurrent("loses and double-counts nothing through Redis hung 30 s, and recovers within 60 s", async ({
    expect,
  }) => {
    const redis = new URL(SERVICES.redisUrl);
    proxy = await blackholeProxy(redis.hostname, Number(redis.port));
    const blackholed = proxy;
    await survives(expect, "Redis hangs", REDIS_OUTAGE_MS, {
      redisUrl: `redis://127.0.0.1:${blackholed.port}`,
      clickhouseDown: () => false,
      begin: () => blackholed.blackhole(),
      end: () => blackholed.heal(),
    });
  }, 360_000);
});
