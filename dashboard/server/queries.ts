/**
 * The dashboard's reads from ClickHouse. Every value a request supplies travels as a query
 * parameter ({name:Type}); only table names chosen here (never by the request) are spliced in.
 * Aggregates come from the window rollups (summed, author states merged); lists of posts, authors
 * and segments from the raw tables, bounded by event time so only the range's partitions are read.
 * A province filter ({province:String}, "" for none) reads the province rollups and the stored
 * mentions' place instead.
 */

import { PERSEPSI_RULE, persepsiDirection, persepsiIndex } from "../../processors/windows/index.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import {
  type AgencySummary,
  type AgencyView,
  type AlertRow,
  type Measures,
  type ProvinceCell,
  SENTIMENTS,
  type Sentiment,
  type SentimentCounts,
  type StreamMention,
} from "../shared/types.js";
import { type Rollup, rollupBounds, rollupFor, type TimeRange } from "./range.js";

const HOUR_S = 3600;
const MINUTES: Rollup = { table: "mention_windows_1m", stepMs: 60_000, bucket: "window_start" };

async function rows<T>(storage: Storage, query: string, params: Record<string, unknown>): Promise<T[]> {
  const result = await storage.client.query({ query, query_params: params, format: "JSONEachRow" });
  return result.json<T>();
}

/** Where a rollup's rows of one province are: the province rollup of the same grain (hours for days). */
interface WindowSource {
  table: string;
  bucket: string;
  /** Appended to a WHERE: the province condition, or nothing. */
  inProvince: string;
  /** The table's window, seconds: its rows' window_start are multiples of it. */
  grainSeconds: number;
}

const GRAIN_SECONDS: Record<Rollup["table"], number> = {
  mention_windows_1m: 60,
  mention_windows_1h: 3600,
  mention_windows_1d: 86_400,
};

const PROVINCE_TABLES: Record<Rollup["table"], string> = {
  mention_windows_1m: "mention_windows_province_1m",
  mention_windows_1h: "mention_windows_province_1h",
  mention_windows_1d: "mention_windows_province_1h",
};

export function windowSource(storage: Storage, rollup: Rollup, province: string): WindowSource {
  if (!province) {
    const grainSeconds = GRAIN_SECONDS[rollup.table];
    return { table: storage.table(rollup.table), bucket: rollup.bucket, inProvince: "", grainSeconds };
  }
  return {
    table: storage.table(PROVINCE_TABLES[rollup.table]),
    // The daily rollup's buckets are UTC days; summed from the hours here.
    bucket: rollup.table === "mention_windows_1d" ? "toStartOfDay(window_start)" : rollup.bucket,
    inProvince: " AND province = {province:String}",
    grainSeconds: Math.min(GRAIN_SECONDS[rollup.table], 3600),
  };
}

function emptyCounts(): SentimentCounts {
  return { positive: 0, neutral: 0, negative: 0, unknown: 0 };
}

function addSentiment(counts: SentimentCounts, sentiment: string, mentions: number): void {
  const key = (SENTIMENTS as readonly string[]).includes(sentiment) ? (sentiment as Sentiment) : "unknown";
  counts[key] += mentions;
}

/** Each agency's mentions by sentiment in the range's buckets of its rollup (of one agency when `agency` is given). */
export async function sentimentTotals(
  storage: Storage,
  range: TimeRange,
  timezone: string,
  province = "",
  agency = "",
): Promise<Map<string, SentimentCounts>> {
  const rollup = rollupFor(range);
  const source = windowSource(storage, rollup, province);
  const found = await rows<{ agency: string; sentiment: string; mentions: string }>(
    storage,
    `SELECT scope AS agency, sentiment, sum(mentions) AS mentions
     FROM ${source.table}
     WHERE scope_kind = 'agency' AND ({agency:String} = '' OR scope = {agency:String})
       AND window_start >= toDateTime({from:UInt32}) AND window_start < toDateTime({to:UInt32})${source.inProvince}
     GROUP BY agency, sentiment`,
    { ...rollupBounds(range, rollup, timezone), province, agency },
  );
  const totals = new Map<string, SentimentCounts>();
  for (const row of found) {
    const counts = totals.get(row.agency) ?? emptyCounts();
    addSentiment(counts, row.sentiment, Number(row.mentions));
    totals.set(row.agency, counts);
  }
  return totals;
}

/**
 * Per agency: mentions by sentiment over the range, and the persepsi direction by the rule of the
 * persepsi_trend view, over the rule's rolling hours up to the range's last minute against the
 * hours before them (minute windows).
 */
export async function agencySummaries(
  storage: Storage,
  range: TimeRange,
  names: ReadonlyMap<string, string>,
  timezone: string,
  province = "",
): Promise<AgencySummary[]> {
  const minutes = windowSource(storage, MINUTES, province);
  const end = Math.floor(range.toMs / 60_000) * 60;
  const rolling = PERSEPSI_RULE.rollingHours * HOUR_S;
  const [totals, hours] = await Promise.all([
    sentimentTotals(storage, range, timezone, province),
    rows<{ agency: string; sentiment: string; current: string; previous: string }>(
      storage,
      `SELECT scope AS agency, sentiment,
         sumIf(mentions, window_start >= toDateTime({current:UInt32})) AS current,
         sumIf(mentions, window_start < toDateTime({current:UInt32})) AS previous
       FROM ${minutes.table}
       WHERE scope_kind = 'agency' AND window_start >= toDateTime({previous:UInt32})
         AND window_start < toDateTime({end:UInt32})${minutes.inProvince}
       GROUP BY agency, sentiment`,
      { current: end - rolling, previous: end - 2 * rolling, end, province },
    ),
  ]);
  const byAgency = new Map<string, { total: SentimentCounts; current: SentimentCounts; previous: SentimentCounts }>();
  const entry = (agency: string) => {
    let found = byAgency.get(agency);
    if (!found) {
      found = { total: emptyCounts(), current: emptyCounts(), previous: emptyCounts() };
      byAgency.set(agency, found);
    }
    return found;
  };
  for (const [agency, counts] of totals) entry(agency).total = counts;
  for (const row of hours) {
    addSentiment(entry(row.agency).current, row.sentiment, Number(row.current));
    addSentiment(entry(row.agency).previous, row.sentiment, Number(row.previous));
  }
  return [...byAgency]
    .map(([id, { total, current, previous }]) => ({
      id,
      name: names.get(id) ?? id,
      mentions: SENTIMENTS.reduce((sum, s) => sum + total[s], 0),
      sentiment: total,
      index: persepsiIndex(total),
      rollingIndex: persepsiIndex(current),
      previousIndex: persepsiIndex(previous),
      direction: persepsiDirection(current, previous),
    }))
    .sort((a, b) => b.mentions - a.mentions || a.id.localeCompare(b.id));
}

/**
 * Every province (`provinces`: code -> official name) with the mentions placed there in the range
 * by sentiment, its persepsi index and negative share: of one agency, or of all mentions.
 */
export async function provinceMap(
  storage: Storage,
  range: TimeRange,
  timezone: string,
  provinces: ReadonlyMap<string, string>,
  agency: string | null,
): Promise<ProvinceCell[]> {
  const rollup = rollupFor(range);
  const found = await rows<{ province: string; sentiment: string; mentions: string }>(
    storage,
    `SELECT province, sentiment, sum(mentions) AS mentions
     FROM ${storage.table(PROVINCE_TABLES[rollup.table])}
     WHERE scope_kind = {kind:String} AND scope = {agency:String}
       AND window_start >= toDateTime({from:UInt32}) AND window_start < toDateTime({to:UInt32})
     GROUP BY province, sentiment`,
    { ...rollupBounds(range, rollup, timezone), kind: agency === null ? "all" : "agency", agency: agency ?? "" },
  );
  const counts = new Map<string, SentimentCounts>();
  for (const row of found) {
    let entry = counts.get(row.province);
    if (!entry) {
      entry = emptyCounts();
      counts.set(row.province, entry);
    }
    addSentiment(entry, row.sentiment, Number(row.mentions));
  }
  return [...provinces].map(([code, name]) => {
    const sentiment = counts.get(code) ?? emptyCounts();
    const labelled = sentiment.positive + sentiment.neutral + sentiment.negative;
    return {
      code,
      name,
      mentions: SENTIMENTS.reduce((sum, s) => sum + sentiment[s], 0),
      sentiment,
      index: persepsiIndex(sentiment),
      negativeShare: labelled === 0 ? null : sentiment.negative / labelled,
    };
  });
}

export interface AlertFilter {
  fromMs: number;
  toMs: number;
  agency?: string;
  limit: number;
}

/** Alerts fired in the range, newest first, each with its acknowledgement if any. */
export async function listAlerts(storage: Storage, filter: AlertFilter): Promise<AlertRow[]> {
  return rows<AlertRow>(
    storage,
    `SELECT a.id AS id, a.incident_id AS incidentId, a.rule_id AS ruleId, a.status AS status,
       a.severity AS severity, a.agency AS agency, a.query_id AS queryId, a.platform AS platform,
       a.signal AS signal, a.observed AS observed, a.baseline AS baseline, a.threshold AS threshold,
       a.z AS z, a.baseline_method AS baselineMethod, a.volume AS volume,
       a.window_start AS windowStart, a.window_end AS windowEnd, a.fired_at AS firedAt,
       a.message AS message, a.top_post_ids AS topPostIds,
       k.first_at AS acknowledgedAt, k.first_by AS acknowledgedBy
     FROM (SELECT * FROM ${storage.table("alerts")} FINAL
           WHERE fired_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
             AND fired_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
             AND ({agency:String} = '' OR agency = {agency:String})
           ORDER BY fired_at DESC LIMIT {limit:UInt32}) AS a
     LEFT JOIN (SELECT id, min(acknowledged_at) AS first_at, argMin(acknowledged_by, acknowledged_at) AS first_by
                FROM ${storage.table("alert_acknowledgements")} GROUP BY id) AS k ON k.id = a.id
     ORDER BY a.fired_at DESC
     SETTINGS join_use_nulls = 1`,
    { from: filter.fromMs, to: filter.toMs, agency: filter.agency ?? "", limit: filter.limit },
  );
}

export async function acknowledgeAlert(storage: Storage, id: string, by: string): Promise<boolean> {
  const known = await rows<{ n: string }>(
    storage,
    `SELECT count() AS n FROM ${storage.table("alerts")} WHERE id = {id:String}`,
    { id },
  );
  if (Number(known[0]?.n ?? 0) === 0) return false;
  await storage.client.insert({
    table: storage.table("alert_acknowledgements"),
    values: [{ id, acknowledged_at: Date.now(), acknowledged_by: by }],
    format: "JSONEachRow",
  });
  return true;
}

/** Parameters shared by the agency view's reads. */
interface AgencyParams extends Record<string, unknown> {
  agency: string;
  /** "" for every place. */
  province: string;
  from: number;
  to: number;
  timezone: string;
  fromMs: number;
  toMs: number;
}

const MENTIONS_IN_RANGE = `has(topic_agencies, {agency:String})
  AND event_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
  AND event_time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
  AND ({province:String} = '' OR place_province_code = {province:String})`;

/**
 * Mentions the dashboard may show: not removed by their platform (sinks/clickhouse/mention-changes.ts
 * erased their text and author). Counts of removed mentions stay; only their content is never shown.
 */
const SHOWN = "removed_at IS NULL";

async function sentimentSeries(storage: Storage, rollup: Rollup, source: WindowSource, params: AgencyParams) {
  const found = await rows<{ t: string; sentiment: string; mentions: string }>(
    storage,
    `SELECT toUnixTimestamp(${source.bucket}) AS t, sentiment, sum(mentions) AS mentions
     FROM ${source.table}
     WHERE scope_kind = 'agency' AND scope = {agency:String}
       AND window_start >= toDateTime({from:UInt32}) AND window_start < toDateTime({to:UInt32})${source.inProvince}
     GROUP BY t, sentiment ORDER BY t`,
    params,
  );
  const buckets = new Map<number, { t: number } & SentimentCounts>();
  for (let t = params.from * 1000; t < params.to * 1000; t += rollup.stepMs) buckets.set(t, { t, ...emptyCounts() });
  for (const row of found) {
    const t = Number(row.t) * 1000;
    const bucket = buckets.get(t) ?? { t, ...emptyCounts() };
    addSentiment(bucket, row.sentiment, Number(row.mentions));
    buckets.set(t, bucket);
  }
  return [...buckets.values()].sort((a, b) => a.t - b.t);
}

async function measures(storage: Storage, source: WindowSource, params: AgencyParams): Promise<Measures> {
  const [window, raw] = await Promise.all([
    rows<Record<string, string>>(
      storage,
      `SELECT sum(mentions) AS mentions, sum(views) AS views, sum(likes) AS likes, sum(shares) AS shares,
         sum(replies) AS replies
       FROM ${source.table}
       WHERE scope_kind = 'agency' AND scope = {agency:String}
         AND window_start >= toDateTime({from:UInt32}) AND window_start < toDateTime({to:UInt32})${source.inProvince}`,
      params,
    ),
    // The per-author measures (distinct authors, their reach, clicks, returning authors) in one
    // pass over the stored mentions, so they count the same authors: merging the rollups'
    // distinct-author states (maxMapMerge) took most of an agency view's time (bench/dashboard.bench.ts).
    rows<{ clicks: string; authors: string; returning: string; reach: string }>(
      storage,
      `SELECT sum(clicks) AS clicks, count() AS authors, countIf(n > 1) AS returning, sum(followers) AS reach
       FROM (SELECT author_id, sum(clicks) AS clicks, count() AS n, max(author_followers) AS followers
             FROM ${storage.table("tagged_mentions")}
             WHERE ${MENTIONS_IN_RANGE} GROUP BY platform, author_id)`,
      params,
    ),
  ]);
  const w = window[0] ?? {};
  const r = raw[0] ?? { clicks: "0", authors: "0", returning: "0", reach: "0" };
  const value = (name: string) => Number(w[name] ?? 0);
  const authors = Number(r.authors);
  return {
    reach: { authors, distinctAuthorReach: Number(r.reach) },
    frequency: { mentions: value("mentions"), views: value("views") },
    influence: { likes: value("likes"), shares: value("shares"), replies: value("replies") },
    conversation: { replies: value("replies"), clicks: Number(r.clicks) },
    sustainability: {
      returningAuthors: Number(r.returning),
      returningShare: authors === 0 ? null : Number(r.returning) / authors,
    },
  };
}

export async function agencyView(
  storage: Storage,
  agency: string,
  range: TimeRange,
  timezone: string,
  province = "",
): Promise<AgencyView> {
  const rollup = rollupFor(range);
  const source = windowSource(storage, rollup, province);
  const params: AgencyParams = {
    agency,
    province,
    ...rollupBounds(range, rollup, timezone),
    fromMs: range.fromMs,
    toMs: range.toMs,
  };
  const [series, platforms, measured, viralPosts, influencers, segments, stream] = await Promise.all([
    sentimentSeries(storage, rollup, source, params),
    rows<{ platform: string; mentions: string }>(
      storage,
      `SELECT platform, sum(mentions) AS mentions FROM ${source.table}
       WHERE scope_kind = 'agency' AND scope = {agency:String}
         AND window_start >= toDateTime({from:UInt32}) AND window_start < toDateTime({to:UInt32})${source.inProvince}
       GROUP BY platform ORDER BY mentions DESC`,
      params,
    ),
    measures(storage, source, params),
    // A post's latest assessment; the posts are the agency's mentions of the range.
    rows<AgencyView["viralPosts"][number]>(
      storage,
      `SELECT v.platform AS platform, v.post_id AS postId, v.score AS score, v.cascade_size AS cascadeSize,
         m.text AS text, m.url AS url, m.author_handle AS author, m.sentiment_label AS sentiment
       FROM (SELECT platform, post_id, argMax(score, assessed_at) AS score, argMax(cascade_size, assessed_at) AS cascade_size
             FROM ${storage.table("post_virality")}
             WHERE assessed_at >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
               AND (platform, post_id) IN (SELECT platform, id FROM ${storage.table("tagged_mentions")} WHERE ${MENTIONS_IN_RANGE} AND ${SHOWN})
             GROUP BY platform, post_id ORDER BY score DESC LIMIT 10) AS v
       INNER JOIN (SELECT platform, id, any(text) AS text, any(url) AS url, any(author_handle) AS author_handle,
                     any(sentiment_label) AS sentiment_label
                   FROM ${storage.table("tagged_mentions")} WHERE ${MENTIONS_IN_RANGE} AND ${SHOWN} GROUP BY platform, id) AS m
         ON m.platform = v.platform AND m.id = v.post_id
       ORDER BY score DESC`,
      params,
    ),
    rows<AgencyView["influencers"][number]>(
      storage,
      `SELECT platform, any(author_handle) AS handle, max(influence_score) AS influence,
         argMax(influence_tier, influence_score) AS tier, max(author_followers) AS followers, count() AS mentions
       FROM ${storage.table("tagged_mentions")}
       WHERE ${MENTIONS_IN_RANGE} AND ${SHOWN} AND influence_score IS NOT NULL
       GROUP BY platform, author_id ORDER BY influence DESC, mentions DESC LIMIT 10`,
      params,
    ),
    rows<{ segment: string; mentions: string }>(
      storage,
      `SELECT ifNull(segment, 'unknown') AS segment, count() AS mentions FROM ${storage.table("tagged_mentions")}
       WHERE ${MENTIONS_IN_RANGE} GROUP BY segment ORDER BY mentions DESC`,
      params,
    ),
    latestMentions(storage, params),
  ]);
  return {
    stepMs: rollup.stepMs,
    series,
    platforms: platforms.map((p) => ({ platform: p.platform, mentions: Number(p.mentions) })),
    measures: measured,
    viralPosts: viralPosts.map((p) => ({ ...p, score: Number(p.score), cascadeSize: Number(p.cascadeSize) })),
    influencers: influencers.map((i) => ({
      ...i,
      influence: Number(i.influence),
      followers: Number(i.followers),
      mentions: Number(i.mentions),
    })),
    segments: segments.map((s) => ({ segment: s.segment, mentions: Number(s.mentions) })),
    stream,
  };
}

/** The agency's newest mentions of the range (the live stream). */
function latestMentions(storage: Storage, params: AgencyParams): Promise<StreamMention[]> {
  return rows<StreamMention>(
    storage,
    `SELECT platform, id, event_time AS time, author_handle AS handle, text, url, sentiment_label AS sentiment
     FROM ${storage.table("tagged_mentions")}
     WHERE ${MENTIONS_IN_RANGE} AND ${SHOWN}
     ORDER BY event_time DESC LIMIT 30`,
    params,
  );
}

/**
 * What changes when new data lands: rows in the window deltas, alerts and acknowledgements,
 * responsiveness rows, removed and edited posts.
 * Trivial counts, answered from part metadata without reading data.
 */
export async function dataVersion(storage: Storage): Promise<string> {
  const [row] = await rows<Record<string, string>>(
    storage,
    `SELECT (SELECT count() FROM ${storage.table("mention_window_deltas")}) AS deltas,
       (SELECT count() FROM ${storage.table("alerts")}) AS alerts,
       (SELECT count() FROM ${storage.table("alert_acknowledgements")}) AS acknowledgements,
       (SELECT count() FROM ${storage.table("responsiveness_items")}) AS items,
       (SELECT count() FROM ${storage.table("responsiveness_answers")}) AS answers,
       (SELECT count() FROM ${storage.table("responsiveness_closures")}) AS closures,
       (SELECT count() FROM ${storage.table("mention_changes")}) AS changes`,
    {},
  );
  return [row?.deltas, row?.alerts, row?.acknowledgements, row?.items, row?.answers, row?.closures, row?.changes].join(
    "/",
  );
}
