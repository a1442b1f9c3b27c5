/**
 * Acceptance: on real Kafka, schema registry and Redis, N mentions go through ingest, process,
 * sink and aggregate (each its own process, the sink and the aggregate stage each with an embedded
 * ClickHouse of its own). The aggregate stage is SIGKILLed while it is writing window deltas and
 * restarted on the same data folder; its merged 1-minute and 1-day aggregates, and the 1-minute and
 * hourly rollups by (agency and all) x province x sentiment, then equal, to the unit, the totals
 * computed directly from the sink's raw `tagged_mentions` table (place_province_code).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ARTIFACTS_DIR,
  KILLED_MEMBER_ENV,
  killWhenReached,
  metric,
  serviceEnv,
  sqlOverHttp,
  tempDir,
  uniquePrefix,
  waitFor,
  yesterdayAtTenWib,
} from "../support/services.js";
import { RestartHarness } from "../support/stages.js";

const N = 4000;

/** The measures compared, per minute, scope, platform and sentiment, from the raw mentions. */
const RAW_MEASURES = `count() AS n, uniqExact(author_id) AS distinct_authors, sum(author_followers) AS total_reach,
  sum(likes) AS total_likes, sum(views) AS total_views,
  arraySum(maxMap([author_id], [toUInt64(author_followers)]).2) AS distinct_reach`;
const RAW_KEY =
  "toUnixTimestamp(toStartOfMinute(event_time)) AS minute, platform, ifNull(sentiment_label, 'unknown') AS sentiment";

const RAW_TOTALS = `
  SELECT * FROM (
  SELECT 'all' AS kind, '' AS scope_id, ${RAW_KEY}, ${RAW_MEASURES} FROM simak.tagged_mentions
  GROUP BY kind, scope_id, minute, platform, sentiment
  UNION ALL
  SELECT 'query' AS kind, query_id AS scope_id, ${RAW_KEY}, ${RAW_MEASURES}
  FROM simak.tagged_mentions ARRAY JOIN arrayDistinct(topic_query_ids) AS query_id
  GROUP BY kind, scope_id, minute, platform, sentiment
  UNION ALL
  SELECT 'agency' AS kind, agency_id AS scope_id, ${RAW_KEY}, ${RAW_MEASURES}
  FROM simak.tagged_mentions ARRAY JOIN arrayDistinct(arrayFilter(a -> a != '', topic_agencies)) AS agency_id
  GROUP BY kind, scope_id, minute, platform, sentiment)
  ORDER BY kind, scope_id, minute, platform, sentiment`;

const PROVINCE_MEASURES =
  "count() AS n, uniqExact(author_id) AS distinct_authors, sum(author_followers) AS total_reach";

/** Per scope, province, bucket and sentiment, from the stored mentions that have a place. */
function rawProvinceTotals(bucket: string): string {
  const key = `assumeNotNull(place_province_code) AS province, toUnixTimestamp(${bucket}(event_time)) AS bucket,
    ifNull(sentiment_label, 'unknown') AS sentiment`;
  return `
    SELECT * FROM (
    SELECT 'all' AS kind, '' AS scope_id, ${key}, ${PROVINCE_MEASURES} FROM simak.tagged_mentions
    WHERE place_province_code IS NOT NULL
    GROUP BY kind, scope_id, province, bucket, sentiment
    UNION ALL
    SELECT 'agency' AS kind, agency_id AS scope_id, ${key}, ${PROVINCE_MEASURES}
    FROM simak.tagged_mentions ARRAY JOIN arrayDistinct(arrayFilter(a -> a != '', topic_agencies)) AS agency_id
    WHERE place_province_code IS NOT NULL
    GROUP BY kind, scope_id, province, bucket, sentiment)
    ORDER BY kind, scope_id, province, bucket, sentiment`;
}

/** The same from a province rollup's partial aggregates. */
function provinceRollupTotals(table: string): string {
  return `
    SELECT scope_kind AS kind, scope AS scope_id, province, toUnixTimestamp(window_start) AS bucket, sentiment,
      sum(mentions) AS n, uniqExactMerge(authors) AS distinct_authors, sum(reach) AS total_reach
    FROM simak.${table}
    GROUP BY kind, scope_id, province, bucket, sentiment
    ORDER BY kind, scope_id, province, bucket, sentiment`;
}

/** The same from a rollup table's partial aggregates; `bucket` is its window column regrouped. */
function aggregateTotals(table: string, bucket: string): string {
  return `
    SELECT scope_kind AS kind, scope AS scope_id, toUnixTimestamp(${bucket}) AS minute, platform, sentiment,
      sum(mentions) AS n, uniqExactMerge(authors) AS distinct_authors, sum(reach) AS total_reach,
      sum(likes) AS total_likes, sum(views) AS total_views, arraySum(maxMapMerge(author_followers).2) AS distinct_reach
    FROM simak.${table}
    GROUP BY kind, scope_id, minute, platform, sentiment
    ORDER BY kind, scope_id, minute, platform, sentiment`;
}

describe("aggregate stage on Kafka + registry + Redis", () => {
  const stages = new RestartHarness();
  afterAll(() => stages.stop());

  it("keeps window aggregates equal to the raw totals through a SIGKILL and restart mid-write", async () => {
    const prefix = uniquePrefix("aggregate");
    const aggregateDir = tempDir("aggregate-chdb");
    const env = serviceEnv(prefix);
    const sink = await stages.start("aggregate-sink", ["run", "sink"], {
      ...env,
      SIMAK_DATA_DIR: tempDir("aggregate-sink-chdb"),
    });
    const processStage = await stages.start("aggregate-process", ["run", "process"], env);
    const firstAggregate = await stages.start("aggregate-1", ["run", "aggregate"], {
      ...env,
      ...KILLED_MEMBER_ENV,
      SIMAK_DATA_DIR: aggregateDir,
    });
    await stages.healthy(sink, processStage, firstAggregate);

    const ingest = await stages.start("aggregate-ingest", ["run", "ingest", "--source", "synthetic"], {
      ...env,
      SIMAK_SIM_MAX_MENTIONS: String(N),
      SIMAK_SIM_RATE: "60000",
      SIMAK_SIM_SPEED: "1",
      SIMAK_SIM_START: yesterdayAtTenWib(),
      SIMAK_SIM_SEED: "20261128",
    });

    // Window deltas are written batch after batch: a kill at a count lands mid-stream, while writing.
    const aggregatedAtKill = await killWhenReached(
      firstAggregate,
      firstAggregate.port,
      'target="mention_window_deltas"',
      N / 4,
    );
    expect(aggregatedAtKill).toBeLessThan(N);
    const { port: aggregatePort2 } = await stages.start("aggregate-2", ["run", "aggregate"], {
      ...env,
      SIMAK_DATA_DIR: aggregateDir,
    });
    const sinkPort = sink.port;
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
    // Settle: nothing more arrives after the last redelivery.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const raw = await sqlOverHttp(sinkPort, RAW_TOTALS);
    expect(raw.split("\n").length).toBeGreaterThan(50);
    expect(await sqlOverHttp(aggregatePort2, aggregateTotals("mention_windows_1m", "window_start"))).toBe(raw);
    // The day rollup holds the same totals; compared at day granularity from the 1-minute table.
    expect(await sqlOverHttp(aggregatePort2, aggregateTotals("mention_windows_1d", "window_start"))).toBe(
      await sqlOverHttp(aggregatePort2, aggregateTotals("mention_windows_1m", "toStartOfDay(window_start)")),
    );
    // By province (the places in the simulated texts and profiles): hourly and by minute.
    const placed = Number(
      await sqlOverHttp(sinkPort, "SELECT count() FROM simak.tagged_mentions WHERE place_province_code IS NOT NULL"),
    );
    expect(placed).toBeGreaterThan(N / 4);
    const hourly = await sqlOverHttp(sinkPort, rawProvinceTotals("toStartOfHour"));
    expect(hourly.split("\n").length).toBeGreaterThan(40);
    expect(await sqlOverHttp(aggregatePort2, provinceRollupTotals("mention_windows_province_1h"))).toBe(hourly);
    expect(await sqlOverHttp(aggregatePort2, provinceRollupTotals("mention_windows_province_1m"))).toBe(
      await sqlOverHttp(sinkPort, rawProvinceTotals("toStartOfMinute")),
    );
    expect(await metric(aggregatePort2, "simak_late_events_total", 'stage="aggregate"')).toBe(0);
    // For the record: how many redelivered records the restarted stage found already aggregated.
    const skipped = await metric(aggregatePort2, "simak_duplicates_dropped_total", 'stage="aggregate"');
    writeFileSync(
      join(ARTIFACTS_DIR, "aggregate-restart-summary.json"),
      JSON.stringify(
        { mentions: N, aggregatedAtKill, redeliveredSkipped: skipped, cells: raw.split("\n").length },
        null,
        2,
      ),
    );
  }, 180_000);
});
