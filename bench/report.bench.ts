/**
 * `simak report` for a month of 20 agencies in embedded ClickHouse: the month before today (and
 * its previous month, read for the change, empty) with the data shape of bench/dashboard.bench.ts
 * (3 platforms x 3 sentiment labels per agency and minute of 1-minute window deltas, rolled up by
 * the materialized views; one stored mention per agency and minute), plus web events, questions
 * and alerts per agency. For each agency, in the same run:
 *
 *   baseline  the bare SQL of the report (every named query of runtime/storage/analyst-queries.ts,
 *             for the period and the previous one), nothing else;
 *   html      the report built (the same queries and the HTML with its SVG charts);
 *   pdf       html, then printed by Chromium (one browser for all 20, as a scheduled run does).
 *
 * Target: pdf < 10 s per agency. Several rounds (BENCH_ROUNDS, default 3); medians per agency.
 *
 *   npm run bench:report   (BENCH_DAYS=30, BENCH_ROUNDS=3)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../runtime/config.js";
import { ANALYST_QUERIES, type AnalystQueryName, runAnalystQuery } from "../runtime/storage/analyst-queries.js";
import { createStorage } from "../runtime/storage/clickhouse.js";
import { migrate } from "../runtime/storage/migrations.js";
import {
  buildReport,
  type Period,
  previousPeriod,
  printReport,
  ReportPrinter,
  storageRunner,
} from "../sinks/report/index.js";
import { percentile } from "./support/percentile.js";

const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AGENCIES = 20;
const CELLS_PER_MINUTE = AGENCIES * 3 * 3;
const MINUTES_PER_DAY = 1440;
const DAY_MS = 86_400_000;

const dataDir = mkdtempSync(join(tmpdir(), "simak-bench-report-"));
const config = loadConfig({ SIMAK_DATA_DIR: dataDir, SIMAK_LOG_LEVEL: "warn" });
const storage = createStorage(config.clickhouse);
await migrate(storage, pino({ level: "silent" }), config.retention);

// The period: the DAYS whole days before today (UTC).
const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const startMs = end - DAYS * DAY_MS;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const period: Period = { from: day(startMs), end: day(end), days: DAYS };
const start = startMs / 1000;

const seeding = Date.now();
for (let d = 0; d < DAYS; d++) {
  await storage.client.command({
    query: `INSERT INTO ${storage.table("mention_window_deltas")}
        (source_topic, source_partition, first_offset, last_offset, watermark, inserted_at, window_start, final,
         scope_kind, scope, agency, platform, sentiment, mentions, reach, likes, shares, replies, views,
         sentiment_score_sum, author_ids, author_followers, first_event_time, last_event_time, insert_token)
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
    query_params: { start, offset: d * MINUTES_PER_DAY * CELLS_PER_MINUTE, count: MINUTES_PER_DAY * CELLS_PER_MINUTE },
  });
  await storage.client.command({
    query: `INSERT INTO ${storage.table("tagged_mentions")}
        (platform, id, kind, author_id, author_handle, author_followers, text, event_time, ingest_time,
         processed_time, likes, shares, replies, clicks, sentiment_label, influence_score, segment,
         topic_query_ids, topic_agencies, kafka_offset)
      SELECT ['x', 'facebook', 'instagram'][n % 3 + 1], concat('m', toString(n)), 'post',
        concat('u', toString(n % 5000)) AS author, author, n % 10000, 'teks tentang layanan publik',
        toDateTime64({start:UInt32} + intDiv(n, ${AGENCIES}) * 60, 3) AS at, at, at, n % 5, n % 2, n % 3, n % 3,
        ['positive', 'neutral', 'negative'][n % 3 + 1], n % 100,
        ['creators', 'critics', 'spectators', 'joiners'][n % 4 + 1],
        [concat('q-', toString(n % ${AGENCIES}))], [concat('agency-', toString(n % ${AGENCIES}))], n
      FROM (SELECT number AS n FROM numbers({offset:UInt64}, {count:UInt64}))`,
    query_params: { start, offset: d * MINUTES_PER_DAY * AGENCIES, count: MINUTES_PER_DAY * AGENCIES },
  });
}
// Per agency: 200 site visits a day, 10 questions a day (two thirds answered after n % 7 hours), 30 alerts.
await storage.client.command({
  query: `INSERT INTO ${storage.table("web_events")} (site, id, agency, url, kind, event_time, visitor_id, event_count, source, kafka_topic, kafka_partition, kafka_offset)
    SELECT concat('agency-', toString(n % ${AGENCIES}), '.go.id'), toString(n), concat('agency-', toString(n % ${AGENCIES})),
      'https://example.go.id/', ['visit', 'visit', 'visit', 'click', 'download'][n % 5 + 1],
      toDateTime64({start:UInt32} + intDiv(n, ${AGENCIES}) * 432 / 100, 3), concat('v', toString(n % 3000)), 1, 'bench', 'bench', 0, n
    FROM (SELECT number AS n FROM numbers(${DAYS * 200 * AGENCIES}))`,
  query_params: { start },
});
await storage.client.command({
  query: `INSERT INTO ${storage.table("responsiveness_items")}
      (agency, platform, item_id, thread_id, url, author_handle, text, kind, probability, addressed, asked_at, due_at, asked_day, asked_week, time_zone)
    SELECT concat('agency-', toString(n % ${AGENCIES})) AS a, 'x', concat('q', toString(n)), concat('t', toString(n)),
      concat('https://x.com/i/status/q', toString(n)), concat('warga', toString(n % 500)), 'kapan antrean dibuka?', 'question', 0.9, 'reply',
      toDateTime64({start:UInt32} + intDiv(n, ${AGENCIES}) * 8640, 3) AS at, at + INTERVAL 4 HOUR, toDate(at), toMonday(at), 'Asia/Jakarta'
    FROM (SELECT number AS n FROM numbers(${DAYS * 10 * AGENCIES}))`,
  query_params: { start },
});
await storage.client.command({
  query: `INSERT INTO ${storage.table("responsiveness_answers")} (agency, platform, thread_id, answer_id, answered_at, account)
    SELECT concat('agency-', toString(n % ${AGENCIES})), 'x', concat('t', toString(n)), concat('ans', toString(n)),
      toDateTime64({start:UInt32} + intDiv(n, ${AGENCIES}) * 8640 + (n % 7) * 3600 + 600, 3), 'official'
    FROM (SELECT number AS n FROM numbers(${DAYS * 10 * AGENCIES})) WHERE n % 3 != 0`,
  query_params: { start },
});
await storage.client.command({
  query: `INSERT INTO ${storage.table("alerts")} (id, incident_id, rule_id, status, severity, agency, signal, observed, baseline,
      threshold, window_start, window_end, fired_at, message, top_post_ids, top_author_ids, channels, kafka_topic, kafka_partition, kafka_offset)
    SELECT concat('i', toString(n), ':firing'), concat('i', toString(n)), 'negative-share', 'firing', 'warning',
      concat('agency-', toString(n % ${AGENCIES})), 'negative-share', 0.6, 0.2, 0.4,
      toDateTime64({start:UInt32} + intDiv(n, ${AGENCIES}) * 86400, 3) AS at, at, at, 'negative share high', [], [], [], 'bench', 0, n
    FROM (SELECT number AS n FROM numbers(${DAYS * AGENCIES}))`,
  query_params: { start },
});
process.stdout.write(
  `seeded ${DAYS} days x ${AGENCIES} agencies in ${((Date.now() - seeding) / 1000).toFixed(1)} s (${DAYS * MINUTES_PER_DAY * CELLS_PER_MINUTE} window deltas, ${DAYS * MINUTES_PER_DAY * AGENCIES} mentions)\n`,
);

const previous = previousPeriod(period);
/** The baseline: every named query for the period and the previous one, results discarded. */
async function bareSql(agency: string): Promise<number> {
  let rows = 0;
  for (const range of [period, previous]) {
    for (const name of Object.keys(ANALYST_QUERIES) as AnalystQueryName[]) {
      rows += (await runAnalystQuery(storage, name, { agency, from: range.from, to: range.end })).length;
    }
  }
  return rows;
}

// Where the bare SQL's time goes: each named query once for agency-0's period, slowest first.
const perQuery: [string, number][] = [];
for (const name of Object.keys(ANALYST_QUERIES) as AnalystQueryName[]) {
  const began = performance.now();
  await runAnalystQuery(storage, name, { agency: "agency-0", from: period.from, to: period.end });
  perQuery.push([name, performance.now() - began]);
}
perQuery.sort((a, b) => b[1] - a[1]);
process.stdout.write(`queries (agency-0): ${perQuery.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(", ")}\n`);

const printer = await ReportPrinter.open(config.report.chromiumPath);
const timings = { baseline: [] as number[][], html: [] as number[][], pdf: [] as number[][] };
const agencies = Array.from({ length: AGENCIES }, (_, i) => `agency-${i}`);
let pdfBytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  const b: number[] = [];
  const h: number[] = [];
  const p: number[] = [];
  for (const agency of agencies) {
    let began = performance.now();
    await bareSql(agency);
    b.push(performance.now() - began);
    began = performance.now();
    const request = { agency, agencyName: agency, period, lang: "id" as const, zone: "Asia/Jakarta" };
    await buildReport(storageRunner(storage), request);
    h.push(performance.now() - began);
    began = performance.now();
    const report = await buildReport(storageRunner(storage), request);
    if (!report.data.hasData) throw new Error(`${agency}: no data`);
    pdfBytes = (await printReport(printer, report, "id")).length;
    p.push(performance.now() - began);
  }
  timings.baseline.push(b);
  timings.html.push(h);
  timings.pdf.push(p);
}
await printer.close();

/** Per agency the median over the rounds; then the median, p95 and max over the agencies, in seconds. */
function summary(label: string, rounds: number[][]): number {
  const perAgency = agencies.map(
    (_, i) => rounds.map((r) => r[i] as number).sort((x, y) => x - y)[Math.floor(ROUNDS / 2)] as number,
  );
  perAgency.sort((x, y) => x - y);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  process.stdout.write(
    `${label.padEnd(9)} per agency: median ${s(percentile(perAgency, 50))} s  p95 ${s(percentile(perAgency, 95))} s  max ${s(perAgency.at(-1) as number)} s\n`,
  );
  return percentile(perAgency, 50);
}
const base = summary("baseline", timings.baseline);
const html = summary("html", timings.html);
const pdf = summary("pdf", timings.pdf);
process.stdout.write(
  `ratios to the bare SQL: html ${(html / base).toFixed(2)}x, pdf ${(pdf / base).toFixed(2)}x; PDF ${Math.round(pdfBytes / 1024)} KiB; ${ROUNDS} rounds x ${AGENCIES} agencies\n`,
);
await storage.close();
rmSync(dataDir, { recursive: true, force: true });
