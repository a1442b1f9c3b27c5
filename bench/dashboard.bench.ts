/**
 * The dashboard's data requests against 30 days of 1-minute aggregates for 20 agencies in
 * embedded ClickHouse (3 platforms x 3 sentiment labels per agency and minute: 7.8 million window
 * deltas, rolled up by the materialized views as the aggregate stage's inserts are; and one
 * stored mention per agency and minute, 864 000 in all). Measures
 * GET /api/dashboard/overview and one agency's view end to end over HTTP, for each time range;
 * target p95 < 300 ms for the default range (24 h).
 *
 *   npx tsx bench/dashboard.bench.ts   (BENCH_DAYS=30, BENCH_REQUESTS=40)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPipeline } from "../pipeline/app.js";
import { loadConfig } from "../runtime/config.js";
import { percentile } from "./support/percentile.js";

const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const AGENCIES = 20;
const CELLS_PER_MINUTE = AGENCIES * 3 * 3;
const MINUTES_PER_DAY = 1440;

const dataDir = mkdtempSync(join(tmpdir(), "simak-bench-dashboard-"));
const config = loadConfig({
  SIMAK_DATA_DIR: dataDir,
  SIMAK_HTTP_PORT: "0",
  SIMAK_LOG_LEVEL: "warn",
});
const pipeline = await startPipeline({ config, stages: ["dashboard"] });
const storage = await pipeline.context.storage();
const start = Math.floor(Date.now() / 60_000) * 60 - DAYS * MINUTES_PER_DAY * 60;

const seeding = Date.now();
for (let day = 0; day < DAYS; day++) {
  // One insert per day of minutes, as the aggregate stage would have written them over time.
  await storage.client.command({
    query: `INSERT INTO ${storage.table("mention_window_deltas")}
      SELECT 'bench' AS source_topic, 0 AS source_partition, n AS first_offset, n AS last_offset,
        NULL AS watermark, now64(3) AS inserted_at,
        toDateTime({start:UInt32} + intDiv(n, ${CELLS_PER_MINUTE}) * 60) AS window_start, true AS final,
        'agency' AS scope_kind, concat('agency-', toString(n % ${AGENCIES})) AS scope, scope AS agency,
        ['x', 'facebook', 'instagram'][intDiv(n, ${AGENCIES}) % 3 + 1] AS platform,
        ['positive', 'neutral', 'negative'][intDiv(n, ${AGENCIES * 3}) % 3 + 1] AS sentiment,
        1 + n % 7 AS mentions, 1000 * mentions AS reach, 3 * mentions AS likes, mentions AS shares,
        mentions AS replies, 50 * mentions AS views, 0.3 * mentions AS sentiment_score_sum,
        [concat('u', toString(n % 5000)), concat('u', toString(n % 4999))] AS author_ids,
        [toUInt64(n % 10000), toUInt64(n % 777)] AS author_followers,
        toDateTime64(window_start, 3) AS first_event_time, toDateTime64(window_start, 3) AS last_event_time,
        concat('bench-day-', toString({offset:UInt64})) AS insert_token
      FROM (SELECT number AS n FROM numbers({offset:UInt64}, {count:UInt64}))`,
    query_params: {
      start,
      offset: day * MINUTES_PER_DAY * CELLS_PER_MINUTE,
      count: MINUTES_PER_DAY * CELLS_PER_MINUTE,
    },
  });
}
// Stored mentions, which the agency view's lists and per-author measures read: one per agency and
// minute (28 800 a day; far fewer than the aggregates stand for, so these reads are a lower bound).
for (let day = 0; day < DAYS; day++) {
  await storage.client.command({
    query: `INSERT INTO ${storage.table("tagged_mentions")}
        (platform, id, kind, author_id, author_handle, author_followers, text, event_time, ingest_time,
         processed_time, likes, clicks, sentiment_label, topic_query_ids, topic_agencies, kafka_offset)
      SELECT ['x', 'facebook', 'instagram'][n % 3 + 1], concat('m', toString(n)), 'post',
        concat('u', toString(n % 5000)) AS author, author, n % 10000, 'teks', 
        toDateTime64({start:UInt32} + intDiv(n, ${AGENCIES}) * 60, 3) AS at, at, at, n % 5, n % 3,
        ['positive', 'neutral', 'negative'][n % 3 + 1], [concat('q-', toString(n % ${AGENCIES}))],
        [concat('agency-', toString(n % ${AGENCIES}))], n
      FROM (SELECT number AS n FROM numbers({offset:UInt64}, {count:UInt64}))`,
    query_params: { start, offset: day * MINUTES_PER_DAY * AGENCIES, count: MINUTES_PER_DAY * AGENCIES },
  });
}
const seeded = await storage.client.query({
  query: `SELECT (SELECT count() FROM ${storage.table("mention_window_deltas")}) AS deltas,
    (SELECT count() FROM ${storage.table("mention_windows_1m")}) AS minute_rows,
    (SELECT count() FROM ${storage.table("tagged_mentions")}) AS mentions`,
  format: "JSONEachRow",
});
process.stdout.write(
  `seeded ${DAYS} days x ${AGENCIES} agencies in ${((Date.now() - seeding) / 1000).toFixed(1)} s: ${JSON.stringify(await seeded.json())}\n`,
);

const api = `http://127.0.0.1:${pipeline.httpPort}/api/dashboard`;
const ranges: Record<string, string> = {
  "24h": "range=24h",
  "1h": "range=1h",
  "7d": "range=7d",
  [`${DAYS}d`]: `range=custom&from=${new Date(start * 1000).toISOString()}&to=${new Date().toISOString()}`,
};
/** Requests `url` REQUESTS times after 3 warm-up requests (they warm the caches); prints the latencies. */
async function measure(label: string, url: string): Promise<void> {
  const timings: number[] = [];
  let answer = "";
  for (let i = 0; i < REQUESTS + 3; i++) {
    const began = performance.now();
    const response = await fetch(url);
    const body = (await response.json()) as { agencies?: unknown[]; series?: unknown[] };
    if (i >= 3) timings.push(performance.now() - began);
    answer = body.agencies ? `agencies=${body.agencies.length}` : `buckets=${body.series?.length}`;
  }
  timings.sort((a, b) => a - b);
  process.stdout.write(
    `${label} ${answer} p50=${percentile(timings, 50).toFixed(0)} ms p95=${percentile(timings, 95).toFixed(0)} ms max=${(timings.at(-1) ?? 0).toFixed(0)} ms (${REQUESTS} requests)\n`,
  );
}
for (const [label, query] of Object.entries(ranges))
  await measure(`overview ${label.padEnd(4)}`, `${api}/overview?${query}`);
for (const [label, query] of Object.entries(ranges)) {
  await measure(`agency   ${label.padEnd(4)}`, `${api}/agency?id=agency-0&${query}`);
}
await pipeline.stop();
rmSync(dataDir, { recursive: true, force: true });
