/**
 * Acceptance of the province rollups: on real Kafka, schema registry and Redis, simulated mentions
 * (places in their texts and authors' profiles) go through ingest, process, sink and aggregate,
 * each its own process. The aggregate stage, which writes the window deltas the province rollups
 * are fed from, is SIGKILLed while writing and restarted on the same data folder; the hourly and
 * 1-minute rollups by agency (and all) x province x sentiment then equal, to the unit, the counts
 * computed from the sink's `tagged_mentions` (place_province_code).
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  freePort,
  killWhenReached,
  type SimakProcess,
  serviceEnv,
  spawnSimak,
  sqlOverHttp,
  tempDir,
  uniquePrefix,
  waitFor,
  yesterdayAtTenWib,
} from "../support/services.js";

const N = 1500;

const MEASURES = "count() AS n, uniqExact(author_id) AS distinct_authors, sum(author_followers) AS total_reach";

/** Per scope, province, bucket and sentiment, from the stored mentions that have a place. */
function rawTotals(bucket: string): string {
  const key = `assumeNotNull(place_province_code) AS province, toUnixTimestamp(${bucket}(event_time)) AS bucket,
    ifNull(sentiment_label, 'unknown') AS sentiment`;
  return `
    SELECT * FROM (
    SELECT 'all' AS kind, '' AS scope_id, ${key}, ${MEASURES} FROM simak.tagged_mentions
    WHERE place_province_code IS NOT NULL
    GROUP BY kind, scope_id, province, bucket, sentiment
    UNION ALL
    SELECT 'agency' AS kind, agency_id AS scope_id, ${key}, ${MEASURES}
    FROM simak.tagged_mentions ARRAY JOIN arrayDistinct(arrayFilter(a -> a != '', topic_agencies)) AS agency_id
    WHERE place_province_code IS NOT NULL
    GROUP BY kind, scope_id, province, bucket, sentiment)
    ORDER BY kind, scope_id, province, bucket, sentiment`;
}

function rollupTotals(table: string): string {
  return `
    SELECT scope_kind AS kind, scope AS scope_id, province, toUnixTimestamp(window_start) AS bucket, sentiment,
      sum(mentions) AS n, uniqExactMerge(authors) AS distinct_authors, sum(reach) AS total_reach
    FROM simak.${table}
    GROUP BY kind, scope_id, province, bucket, sentiment
    ORDER BY kind, scope_id, province, bucket, sentiment`;
}

describe("province rollups on Kafka + registry + Redis", () => {
  const running: SimakProcess[] = [];
  afterAll(async () => {
    for (const process of running) process.child.kill("SIGKILL");
  });

  it("equal the counts of the stored mentions by agency x province x sentiment through a SIGKILL and restart", async () => {
    const prefix = uniquePrefix("province");
    const [sinkPort, processPort, aggregatePort, aggregatePort2, ingestPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const aggregateDir = tempDir("province-aggregate-chdb");
    const env = serviceEnv(prefix);
    const start = (label: string, args: string[], port: number, extra: Record<string, string> = {}) => {
      const process = spawnSimak(label, args, { ...env, SIMAK_HTTP_PORT: String(port), ...extra });
      running.push(process);
      return process;
    };

    start("province-sink", ["run", "sink"], sinkPort, { SIMAK_DATA_DIR: tempDir("province-sink-chdb") });
    start("province-process", ["run", "process"], processPort);
    const firstAggregate = start("province-aggregate-1", ["run", "aggregate"], aggregatePort, {
      SIMAK_DATA_DIR: aggregateDir,
    });
    await waitFor(
      "sink, process and aggregate to serve /healthz",
      async () => {
        const ok = await Promise.all(
          [sinkPort, processPort, aggregatePort].map((port) =>
            fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok),
          ),
        );
        return ok.every(Boolean) || undefined;
      },
      60_000,
    );

    const ingest = start("province-ingest", ["run", "ingest", "--source", "synthetic"], ingestPort, {
      SIMAK_SIM_MAX_MENTIONS: String(N),
      // 250 mentions a second: the aggregate stage writes several inserts, and the kill lands among them.
      SIMAK_SIM_RATE: "15000",
      SIMAK_SIM_SPEED: "1",
      SIMAK_SIM_START: yesterdayAtTenWib(),
      SIMAK_SIM_SEED: "18",
    });
    const aggregatedAtKill = await killWhenReached(
      firstAggregate,
      aggregatePort,
      'target="mention_window_deltas"',
      N / 4,
    );
    expect(aggregatedAtKill).toBeLessThan(N);
    start("province-aggregate-2", ["run", "aggregate"], aggregatePort2, { SIMAK_DATA_DIR: aggregateDir });
    expect((await ingest.exited).code, `ingest log: ${ingest.logFile}`).toBe(0);

    await waitFor(
      `${N} mentions stored and aggregated`,
      async () => {
        const stored = await sqlOverHttp(sinkPort, "SELECT count() FROM simak.tagged_mentions");
        const aggregated = await sqlOverHttp(
          aggregatePort2,
          "SELECT sum(mentions) FROM simak.mention_windows_1m WHERE scope_kind = 'all'",
        );
        return stored === String(N) && aggregated === String(N) ? true : undefined;
      },
      60_000,
      500,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const placed = Number(
      await sqlOverHttp(sinkPort, "SELECT count() FROM simak.tagged_mentions WHERE place_province_code IS NOT NULL"),
    );
    expect(placed).toBeGreaterThan(N / 4);
    const hourly = await sqlOverHttp(sinkPort, rawTotals("toStartOfHour"));
    expect(hourly.split("\n").length).toBeGreaterThan(40);
    expect(await sqlOverHttp(aggregatePort2, rollupTotals("mention_windows_province_1h"))).toBe(hourly);
    expect(await sqlOverHttp(aggregatePort2, rollupTotals("mention_windows_province_1m"))).toBe(
      await sqlOverHttp(sinkPort, rawTotals("toStartOfMinute")),
    );
  }, 120_000);
});
