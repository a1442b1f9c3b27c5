/**
 * Two alert stage instances over one state store and one ClickHouse (embedded): only the lease
 * holder judges the rules, and when it stops the other takes over from the stored detector state,
 * so each spike fires exactly once, by whichever instance leads at the time; a leader whose poll
 * hangs past its lease gives the lead up and publishes nothing when the poll returns; a rule that
 * throws does not keep the rules after it from running; minutes the aggregate stage counted wait for
 * the sink to store them (a firing's evidence is read from what the sink stored). The 1-minute aggregates are seeded through
 * the window deltas table, as the aggregate stage writes them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../../pipeline/app.js";
import { startAlertStage } from "../../../pipeline/stages/alert.js";
import { alertKeys, MINUTE_MS, openAlertConfig } from "../../../processors/alerts/index.js";
import { MemoryBus } from "../../../runtime/bus/memory-bus.js";
import { partitionFor } from "../../../runtime/bus/partition.js";
import { loadConfig } from "../../../runtime/config.js";
import { type PipelineContext, type StageHandle, topicName } from "../../../runtime/context.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import type { Storage } from "../../../runtime/storage/clickhouse.js";
import { TOPICS, type TopicId } from "../../../schemas/topics.js";
import { sinkGroupId } from "../../../sinks/clickhouse/index.js";
import { tempDir, waitFor } from "../../support/services.js";

/** Two hours ago, on the hour: recent enough for every TTL. */
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const AGENCY = "bpjs-kesehatan";
const dir = tempDir("alert-leader");
const rules = join(dir, "alerts.yaml");
writeFileSync(
  rules,
  `rules:
  volume:
    scope: { agency: ${AGENCY} }
    signal: total-volume
    window: 1m
    baseline: { floor: 10 }
    threshold: { z: 3, minVolume: 20 }
    resolve: { after: 1m }
    cooldown: 5m
`,
);
const config = loadConfig({ SIMAK_DATA_DIR: dir, SIMAK_ALERT_RULES_FILE: rules, SIMAK_ALERT_POLL_MS: "100" });

let pipeline: Pipeline;
const stages: StageHandle[] = [];
afterAll(async () => {
  for (const stage of stages) await stage.stop();
  await pipeline?.stop();
});

let offset = 0;
/** The agency's mentions of minutes [from, to) (60 in `spike`, 10 in the others); minutes through `to - 1` complete. */
async function seed(from: number, to: number, spike: number): Promise<void> {
  const storage = await pipeline.context.storage();
  const rows = [];
  for (let minute = from; minute < to; minute++) {
    rows.push({
      source_topic: topicName(config, "mentionsTagged"),
      source_partition: 0,
      first_offset: offset,
      last_offset: offset++,
      // Closes the minute and the one after it: the stage judges through `to - 1`.
      watermark: T0 + (minute + 2) * MINUTE_MS,
      // Long ago enough that the partitions that never stored anything count as idle.
      inserted_at: Date.now() - 10 * MINUTE_MS,
      window_start: (T0 + minute * MINUTE_MS) / 1000,
      final: true,
      scope_kind: "agency",
      scope: AGENCY,
      agency: AGENCY,
      platform: "x",
      sentiment: "negative",
      mentions: minute === spike ? 60 : 10,
      first_event_time: T0 + minute * MINUTE_MS,
      last_event_time: T0 + minute * MINUTE_MS,
    });
  }
  await storage.client.insert({ table: storage.table("mention_window_deltas"), values: rows, format: "JSONEachRow" });
}

/** The alerts an instance published, by its metrics. */
async function published(metrics: PipelineMetrics): Promise<number> {
  const metric = await metrics.eventsOut.get();
  return metric.values.filter((value) => value.labels.stage === "alert").reduce((sum, value) => sum + value.value, 0);
}

/** Waits for the instance to publish a firing and its resolution. */
async function publishedTwo(who: string, metrics: PipelineMetrics): Promise<void> {
  await waitFor(
    `${who}'s firing and resolution`,
    async () => ((await published(metrics)) === 2 ? true : undefined),
    30_000,
  );
}

async function leading(metrics: PipelineMetrics): Promise<number> {
  return (await metrics.leader.get()).values.find((value) => value.labels.job === "alert")?.value ?? 0;
}

async function storedAlerts(): Promise<[number, string][]> {
  const storage = await pipeline.context.storage();
  const result = await storage.client.query({
    query: `SELECT toUnixTimestamp64Milli(window_end) AS window_end, status FROM ${storage.table("alerts")} FINAL ORDER BY window_end`,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await result.json<{ window_end: number; status: string }>();
  return rows.map((row) => [(row.window_end - T0) / MINUTE_MS, row.status]);
}

describe("alert stage leadership", () => {
  it("lets one instance judge the rules, and the other take over from its state when it stops", async () => {
    pipeline = await startPipeline({
      config,
      stages: ["sink", "alert"],
      http: false,
      logger: pino({ level: "silent" }),
    });
    const first = pipeline.context.metrics;
    const secondMetrics = new PipelineMetrics();
    await seed(0, 4, -1);
    const second = await startAlertStage({ ...pipeline.context, metrics: secondMetrics });
    stages.push(second);
    await waitFor("the first instance to lead", async () => ((await leading(first)) === 1 ? true : undefined), 10_000);

    // A spike at minute 5: the leader fires and resolves; the other publishes nothing.
    await seed(4, 10, 5);
    await publishedTwo("the leader", first);
    expect(await published(secondMetrics)).toBe(0);
    expect(await leading(secondMetrics)).toBe(0);

    // The leader stops (its lease released); the next spike, after the cooldown, is the other's.
    const leader = pipeline.stages.find((stage) => stage.name === "alert") as StageHandle;
    await leader.stop();
    await seed(10, 20, 15);
    await publishedTwo("the new leader", secondMetrics);
    expect(await leading(secondMetrics)).toBe(1);
    expect(await published(first)).toBe(2);
    const alerts = await waitFor(
      "the sink to store four alerts",
      async () => {
        const stored = await storedAlerts();
        return stored.length === 4 ? stored : undefined;
      },
      30_000,
    );
    expect(alerts.map(([, status]) => status)).toEqual(["firing", "resolved", "firing", "resolved"]);
    expect(alerts[0]?.[0]).toBe(6);
    expect(alerts[2]?.[0]).toBe(16);
  });

  it("a leader whose poll hangs past its lease stops leading and publishes nothing when it returns", async () => {
    // Fresh detector state for both: they warm up on minutes 0-19 and report what comes after.
    const state = new MemoryStateStore();
    const storage = await pipeline.context.storage();
    let release: (() => void) | undefined;
    let hang = false;
    // The hung instance's evidence reads (tagged_mentions) wait while `hang` is set.
    const client = new Proxy(storage.client, {
      get: (target, name, receiver) => {
        if (name !== "query") return Reflect.get(target, name, receiver);
        return async (params: { query: string }) => {
          if (hang && params.query.includes("tagged_mentions")) {
            await new Promise<void>((resolve) => {
              release = resolve;
            });
          }
          return target.query(params as Parameters<typeof target.query>[0]);
        };
      },
    });
    const hungStorage: Storage = { ...storage, client };
    const instance = async (storageOf: Storage) => {
      const metrics = new PipelineMetrics();
      const ctx: PipelineContext = { ...pipeline.context, state, metrics, storage: async () => storageOf };
      const stage = await startAlertStage(ctx, { leaseMs: 1500 });
      stages.push(stage);
      return { stage, metrics };
    };
    const a = await instance(hungStorage);
    await waitFor(
      "the first instance to lead",
      async () => ((await leading(a.metrics)) === 1 ? true : undefined),
      10_000,
    );
    const b = await instance(storage);
    await new Promise((resolve) => setTimeout(resolve, 500));
    hang = true;
    await seed(20, 30, 25);
    await waitFor("the hung poll to be reported", async () => (a.stage.healthy() ? undefined : true), 20_000, 20);
    expect(await leading(a.metrics)).toBe(0);
    hang = false;
    await publishedTwo("the instance that took over", b.metrics);
    expect(await leading(b.metrics)).toBe(1);

    release?.();
    await waitFor("the hung poll to return", async () => (a.stage.healthy() ? true : undefined), 20_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await published(a.metrics)).toBe(0);
    expect(await leading(a.metrics)).toBe(0);
  });

  it("skips a rule that throws, counts it, and still runs the rules after it", async () => {
    const twoRules = join(dir, "two-rules.yaml");
    writeFileSync(
      twoRules,
      readFileSync(rules, "utf8").replace("rules:\n  volume:", "rules:\n  broken:") +
        readFileSync(rules, "utf8").replace("rules:\n", ""),
    );
    const loaded = await openAlertConfig(twoRules);
    const ruleIds = loaded.current().rules.map((rule) => rule.id);
    expect(ruleIds).toEqual(["broken", "volume"]);
    const [broken] = loaded.current().rules;
    if (!broken) throw new Error("no rule");
    loaded.close();
    const state = new MemoryStateStore();
    // Corrupt stored state: the rule's detector cannot be restored.
    await state.setMany(
      [{ key: alertKeys(config.topicPrefix).detector(broken.id, broken.scope), value: "{corrupt" }],
      60,
    );
    const metrics = new PipelineMetrics();
    const stage = await startAlertStage({
      ...pipeline.context,
      config: { ...config, alert: { ...config.alert, rulesFile: twoRules } },
      state,
      metrics,
    });
    stages.push(stage);
    await waitFor("it to lead", async () => ((await leading(metrics)) === 1 ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await seed(30, 40, 35);
    await publishedTwo("the rule after the broken one", metrics);
    const failures = (await metrics.errors.get()).values.find((value) => value.labels.code === "ALERT_RULE_FAILED");
    expect(failures?.value).toBeGreaterThan(0);
    expect(stage.healthy()).toBe(true);
  });

  it("judges a minute only once the sink has committed what the aggregate stage had counted there", async () => {
    // A bus of its own: the aggregated records are on its mentions topic and no sink has read them.
    const bus = new MemoryBus(pino({ level: "silent" }));
    const mentions = topicName(config, "mentionsTagged");
    await bus.ensureTopics(
      Object.entries(TOPICS).map(([id, topic]) => ({
        name: topicName(config, id as TopicId),
        partitions: topic.partitions,
        retentionMs: topic.retentionMs,
      })),
    );
    const keys = Array.from({ length: 2000 }, (_, i) => `m${i}`).filter(
      (key) => partitionFor(key, TOPICS.mentionsTagged.partitions) === 0,
    );
    const counted = offset + 10;
    expect(keys.length).toBeGreaterThanOrEqual(counted);
    const producer = await bus.producer();
    await producer.send(
      mentions,
      keys.slice(0, counted).map((key) => ({ key, value: Buffer.from(key) })),
    );
    const metrics = new PipelineMetrics();
    const stage = await startAlertStage({ ...pipeline.context, bus, state: new MemoryStateStore(), metrics });
    stages.push(stage);
    await waitFor("it to lead", async () => ((await leading(metrics)) === 1 ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await seed(40, 50, 45);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await published(metrics)).toBe(0);
    expect(stage.healthy()).toBe(true);

    // The sink reads them (and commits): the spike is judged.
    const sink = await bus.consume({ groupId: sinkGroupId(config), topics: [mentions], onBatch: async () => {} });
    await bus.drained();
    await publishedTwo("the instance once the sink caught up", metrics);
    await sink.stop();
  });
});
