/**
 * Acceptance (issue 6, alerts): the simulator's scenarios through real Kafka and Redis (embedded
 * ClickHouse), with the alert stage running the rules of a temporary rules file. One rule per
 * agency watches the share of negative mentions over 3 minutes:
 *
 * - day: three negative spikes on BPJS Kesehatan (the second inside the first firing's cooldown)
 *   and a volume surge with its usual tone on BMKG: BPJS fires within 2 simulated minutes of the
 *   first and third spikes' starts and resolves after each ends, nothing else fires;
 * - night: a handful of negative mentions about BMKG at 02:00 WIB fire nothing.
 *
 * The simulated history is an hour, far less than the baselines need (a day for the EWMA, weeks
 * for hour-of-week slots): the rules' `baseline.floor` (BPJS's usual share) is the baseline
 * throughout. The baselines themselves are tested in test/processors/alerts/.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import type { Scenario } from "../../ingestors/synthetic/scenarios.js";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { alertKeys, type DetectorState, MINUTE_MS } from "../../processors/alerts/index.js";
import type { Ingestor } from "../../runtime/ingestor.js";
import { ALERT_ID_HEADER } from "../../sinks/notify/index.js";
import { SERVICES, serviceConfig, tempDir, uniquePrefix, waitFor, yesterdayAtTenWib } from "../support/services.js";

const AGENCIES = ["bpjs-kesehatan", "bmkg"] as const;
const RATE = 200;
const LATENESS_MS = 60_000;
const DAY_START = Date.parse(yesterdayAtTenWib());
const NIGHT_START = DAY_START - 8 * 60 * MINUTE_MS;

const ruleId = (agency: string) => `${agency}-negative-spike`;

/** The rules file: one negative-share rule per agency, notifying a webhook on 127.0.0.1:`port`. */
function rulesFile(port: number): string {
  const file = join(tempDir("alert-rules"), "alerts.yaml");
  const rules = AGENCIES.map(
    (agency) => `  ${ruleId(agency)}:
    scope: { agency: ${agency} }
    signal: negative-share
    window: 3m
    baseline: { floor: 0.55 }
    threshold: { z: 3, share: 0.7, minVolume: 40 }
    resolve: { after: 2m }
    cooldown: 25m
    channels: [humas]`,
  );
  writeFileSync(
    file,
    `channels:\n  humas: { type: webhook, url: "http://127.0.0.1:${port}/alerts", secret: "alerts-e2e-test-secret" }\nrules:\n${rules.join("\n")}\n`,
  );
  return file;
}

/** The simulator from `start` until `minutes` of simulated time have passed. */
function simulated(start: number, minutes: number, scenarios: Scenario[]): Ingestor {
  const inner = createSyntheticIngestor({ seed: 5, speed: 0, mentionsPerMinute: RATE, startTime: start, scenarios });
  const end = start + minutes * MINUTE_MS;
  return {
    name: "synthetic",
    async *events(signal) {
      for await (const event of inner.events(signal)) {
        const time =
          event.type === "mention"
            ? event.mention.eventTime
            : event.type === "engagement"
              ? event.engagement.eventTime
              : 0;
        if (time >= end) return;
        yield event;
      }
    },
  };
}

interface StoredAlert {
  id: string;
  rule_id: string;
  status: string;
  agency: string;
  fired_at: string;
  observed: number;
  top_post_ids: string[];
}

describe("alerts on Kafka and Redis", () => {
  const received: string[] = [];
  let webhook: Server;
  let port = 0;
  const pipelines: Pipeline[] = [];
  const redis = new Redis(SERVICES.redisUrl);
  const dataDir = tempDir("alerts-chdb");

  beforeAll(async () => {
    webhook = createServer((request, response) => {
      received.push(String(request.headers[ALERT_ID_HEADER.toLowerCase()]));
      request.resume();
      request.on("end", () => response.end("ok"));
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    port = (webhook.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.stop();
    await redis.quit();
    await new Promise((resolve) => webhook.close(resolve));
  });

  /**
   * Runs the pipeline over `minutes` of simulation until the alert stage has judged every minute
   * the watermarks close, then returns the stored alerts and the detectors' states.
   */
  const run = async (name: string, start: number, minutes: number, scenarios: Scenario[]) => {
    const prefix = uniquePrefix(name);
    const config = serviceConfig(prefix, {
      SIMAK_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: name,
      SIMAK_ALERT_RULES_FILE: rulesFile(port),
      SIMAK_ALERT_POLL_MS: "250",
      SIMAK_WINDOW_LATENESS_MS: String(LATENESS_MS),
    });
    const pipeline = await startPipeline({
      config,
      stages: ["sink", "alert", "aggregate", "process", "ingest"],
      ingestor: simulated(start, minutes, scenarios),
      http: false,
      logger: pino({ level: "silent" }),
    });
    pipelines.push(pipeline);
    await pipeline.ingestFinished;
    // The last events close the minutes up to about the allowed lateness before the end.
    const lastClosed = start + minutes * MINUTE_MS - LATENESS_MS - 3 * MINUTE_MS;
    const states = await waitFor(
      "the detectors to step through the last closed minute",
      async () => {
        const keys = AGENCIES.map((agency) =>
          alertKeys(prefix).detector(ruleId(agency), { agency, queryId: null, platform: null }),
        );
        const values = await redis.mget(keys);
        const parsed = values.map((value) => (value ? (JSON.parse(value) as DetectorState) : null));
        return parsed.every((state) => state !== null && (state.lastMinute ?? 0) >= lastClosed)
          ? (parsed as DetectorState[])
          : undefined;
      },
      150_000,
      500,
    );
    const storage = await pipeline.context.storage();
    const published = async () => {
      const metric = await pipeline.context.metrics.eventsOut.get();
      return metric.values
        .filter((value) => value.labels.stage === "alert")
        .reduce((sum, value) => sum + value.value, 0);
    };
    const alerts = await waitFor(
      "the sink to store every published alert",
      async () => {
        const result = await storage.client.query({
          query: `SELECT id, rule_id, status, agency, toUnixTimestamp64Milli(fired_at) AS fired_at, observed, top_post_ids
                  FROM ${storage.table("alerts")} FINAL ORDER BY fired_at, status`,
          format: "JSONEachRow",
        });
        const rows = await result.json<StoredAlert>();
        return rows.length === (await published()) ? rows : undefined;
      },
      30_000,
      250,
    );
    return { pipeline, states, alerts };
  };

  it("fires once per negative spike outside the cooldown, resolves after it, and ignores a volume surge", async () => {
    const spikes = {
      first: { startMinute: 15, durationMinutes: 6 },
      inCooldown: { startMinute: 29, durationMinutes: 4 },
      afterCooldown: { startMinute: 45, durationMinutes: 6 },
    };
    const { pipeline, states, alerts } = await run("alerts_day", DAY_START, 62, [
      ...Object.values(spikes).map((spike) => ({
        type: "negative-spike" as const,
        agency: "bpjs-kesehatan",
        multiplier: 6,
        ...spike,
      })),
      { type: "volume-surge", agency: "bmkg", startMinute: 15, durationMinutes: 10, multiplier: 5 },
    ]);
    expect(alerts.map((alert) => [alert.rule_id, alert.status])).toEqual([
      [ruleId("bpjs-kesehatan"), "firing"],
      [ruleId("bpjs-kesehatan"), "resolved"],
      [ruleId("bpjs-kesehatan"), "firing"],
      [ruleId("bpjs-kesehatan"), "resolved"],
    ]);
    // Minutes from the alerted spikes' starts to the firings and from their ends to the resolves
    // (a resolve waits for the 3-minute window to leave the spike, then 2 normal minutes).
    const [fired, resolved, firedAgain, resolvedAgain] = alerts.map(
      (alert) => (Number(alert.fired_at) - DAY_START) / MINUTE_MS,
    ) as [number, number, number, number];
    const end = (spike: { startMinute: number; durationMinutes: number }) => spike.startMinute + spike.durationMinutes;
    const firingDelays = [fired - spikes.first.startMinute, firedAgain - spikes.afterCooldown.startMinute];
    const resolveDelays = [resolved - end(spikes.first), resolvedAgain - end(spikes.afterCooldown)];
    for (const delay of firingDelays) expect(delay).toBeGreaterThan(0);
    for (const delay of firingDelays) expect(delay).toBeLessThanOrEqual(2);
    for (const delay of resolveDelays) expect(delay).toBeGreaterThan(0);
    for (const delay of resolveDelays) expect(delay).toBeLessThanOrEqual(5);
    // The second spike breached, inside the cooldown: counted as suppressed, not alerted.
    expect(states[0]?.suppressed).toBeGreaterThan(0);
    expect(states[1]?.suppressed).toBe(0);

    // Evidence: the firing names negative mentions about BPJS from its window.
    const storage = await pipeline.context.storage();
    const firing = alerts[0] as StoredAlert;
    expect(firing.top_post_ids.length).toBe(5);
    const evidence = await storage.client.query({
      query: `SELECT countIf(sentiment_label = 'negative' AND has(topic_agencies, 'bpjs-kesehatan')) AS matching
              FROM ${storage.table("tagged_mentions")} WHERE id IN {ids:Array(String)}`,
      query_params: { ids: firing.top_post_ids },
      format: "JSONEachRow",
    });
    expect(Number((await evidence.json<{ matching: string }>())[0]?.matching)).toBe(5);

    // Delivered to the webhook, each alert once.
    await waitFor("the webhook to receive every alert", async () => (received.length >= 4 ? true : undefined), 30_000);
    expect([...received].sort()).toEqual(alerts.map((alert) => alert.id).sort());
  }, 240_000);

  it("fires nothing for a handful of negative mentions at night", async () => {
    received.length = 0;
    const noise = { startMinute: 8, durationMinutes: 3 };
    const { pipeline, alerts } = await run("alerts_night", NIGHT_START, 20, [
      { type: "negative-spike", agency: "bmkg", multiplier: 3, ...noise },
    ]);
    expect(alerts).toEqual([]);
    const storage = await pipeline.context.storage();
    const result = await storage.client.query({
      query: `SELECT sumIf(mentions, sentiment = 'negative') AS negative, sum(mentions) AS total
              FROM ${storage.table("mention_windows_1m")}
              WHERE scope_kind = 'agency' AND scope = 'bmkg'
                AND window_start >= toDateTime({from:UInt32}) AND window_start < toDateTime({to:UInt32})`,
      query_params: {
        from: (NIGHT_START + noise.startMinute * MINUTE_MS) / 1000,
        to: (NIGHT_START + (noise.startMinute + noise.durationMinutes) * MINUTE_MS) / 1000,
      },
      format: "JSONEachRow",
    });
    const counts = (await result.json<{ negative: string; total: string }>())[0];
    expect(Number(counts?.negative)).toBeGreaterThanOrEqual(3);
    expect(Number(counts?.total)).toBeLessThan(40);
    expect(received).toEqual([]);
  }, 120_000);
});
