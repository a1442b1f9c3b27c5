/**
 * What the alert stage and the backtest read from ClickHouse: which minutes are complete, the
 * 1-minute aggregates of a rule's scope as MinutePoints, the post-level events of event rules, and
 * the evidence of a firing (the window's most influential mentions in the scope).
 */
import {
  type EventKind,
  MINUTE_MS,
  type MinuteInput,
  type MinutePoint,
  type PostEvent,
  type Scope,
} from "../../processors/alerts/index.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";

/**
 * The start of the last minute every active partition of `topic` has closed (its end at or before
 * the partition's watermark, so the aggregate stage will not change it). The watermarks come with
 * the window deltas in `mention_window_deltas` (pipeline/stages/aggregate.ts).
 *
 * A partition without a delta insert for `idleMs` is idle (quiet, or never written once the stage
 * has been writing that long) and does not hold the others back, as a quiet partition would stall
 * every rule at night; its next events count in the aggregates but not in the minutes the rules
 * have already judged. When every partition is idle, the clock is the oldest watermark. Null until
 * there is one, and while the stage has been writing for less than `idleMs` and some partition
 * has stored nothing yet.
 */
export async function lastCompletedMinute(
  storage: Storage,
  topic: string,
  partitions: number,
  idleMs: number,
  now = Date.now(),
): Promise<number | null> {
  return (await completedPosition(storage, topic, partitions, idleMs, now)).minute;
}

/**
 * lastCompletedMinute's minute, and the last offset of `topic` the aggregate stage had counted on
 * each partition then (read together: the offsets cover every delta whose watermark closed it).
 */
export async function completedPosition(
  storage: Storage,
  topic: string,
  partitions: number,
  idleMs: number,
  now = Date.now(),
): Promise<{ minute: number | null; offsets: Map<number, number> }> {
  const result = await storage.client.query({
    query: `SELECT source_partition, max(last_offset) AS last_offset, countIf(watermark IS NOT NULL) AS watermarked,
              toUnixTimestamp64Milli(max(watermark)) AS partition_watermark,
              toUnixTimestamp64Milli(maxIf(inserted_at, watermark IS NOT NULL)) AS last_insert,
              toUnixTimestamp64Milli(minIf(inserted_at, watermark IS NOT NULL)) AS first_insert
            FROM ${storage.table("mention_window_deltas")}
            WHERE source_topic = {topic:String}
            GROUP BY source_partition`,
    query_params: { topic },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const all = await result.json<{
    source_partition: number;
    last_offset: number;
    watermarked: number;
    partition_watermark: number;
    last_insert: number;
    first_insert: number;
  }>();
  const offsets = new Map(all.map((row) => [row.source_partition, row.last_offset]));
  const rows = all.filter((row) => row.watermarked > 0);
  if (rows.length === 0) return { minute: null, offsets };
  const writingSince = Math.min(...rows.map((row) => row.first_insert));
  if (rows.length < partitions && now - writingSince < idleMs) return { minute: null, offsets };
  const active = rows.filter((row) => now - row.last_insert < idleMs);
  const clock = Math.min(...(active.length > 0 ? active : rows).map((row) => row.partition_watermark));
  return { minute: Math.floor(clock / MINUTE_MS) * MINUTE_MS - MINUTE_MS, offsets };
}

/**
 * The 1-minute aggregate rows of a scope: `scope_kind` query, agency or all (processors/windows/scopes.ts),
 * from `mention_windows_1m`, or from `mention_windows_province_1m` for a scope with a province.
 */
function scopeFilter(scope: Scope): { table: string; where: string; params: Record<string, string> } {
  const conditions: string[] = [];
  const params: Record<string, string> = {};
  if (scope.province) {
    conditions.push("province = {province:String}");
    params.province = scope.province;
  }
  if (scope.queryId !== null) {
    conditions.push("scope_kind = 'query'", "scope = {queryId:String}");
    params.queryId = scope.queryId;
    if (scope.agency !== null) conditions.push("agency = {agency:String}");
  } else if (scope.agency !== null) conditions.push("scope_kind = 'agency'", "scope = {agency:String}");
  else conditions.push("scope_kind = 'all'");
  if (scope.agency !== null) params.agency = scope.agency;
  if (scope.platform !== null) {
    conditions.push("platform = {platform:String}");
    params.platform = scope.platform;
  }
  return {
    table: scope.province ? "mention_windows_province_1m" : "mention_windows_1m",
    where: conditions.join(" AND "),
    params,
  };
}

/** The scope's minutes with mentions whose start is in [from, to], in time order (sparse). */
export async function readMinutePoints(
  storage: Storage,
  scope: Scope,
  from: number,
  to: number,
): Promise<MinutePoint[]> {
  const { table, where, params } = scopeFilter(scope);
  const result = await storage.client.query({
    query: `SELECT toUnixTimestamp(window_start) * 1000 AS minute, sum(mentions) AS total,
                   sumIf(mentions, sentiment = 'negative') AS negative,
                   sumIf(mentions, sentiment = 'positive') AS positive,
                   sumIf(mentions, sentiment = 'neutral') AS neutral
            FROM ${storage.table(table)}
            WHERE ${where} AND window_start >= toDateTime({from:UInt32}) AND window_start <= toDateTime({to:UInt32})
            GROUP BY window_start
            ORDER BY window_start`,
    query_params: { ...params, from: Math.floor(from / 1000), to: Math.floor(to / 1000) },
    format: "JSONEachRow",
  });
  const rows = await result.json<Record<keyof MinutePoint, string | number>>();
  return rows.map((row) => ({
    minute: Number(row.minute),
    total: Number(row.total),
    negative: Number(row.negative),
    positive: Number(row.positive),
    neutral: Number(row.neutral),
  }));
}

/**
 * Every minute from `from` through `to` (starts), with the points' counts and zeros where no row
 * is: a completed minute without a row had no mentions.
 */
export function everyMinute(
  points: readonly MinutePoint[],
  from: number,
  to: number,
  events: readonly PostEvent[] = [],
): MinuteInput[] {
  const byMinute = new Map(points.map((point) => [point.minute, point]));
  const eventsByMinute = new Map<number, PostEvent[]>();
  for (const event of events) {
    const ofMinute = eventsByMinute.get(event.minute);
    if (ofMinute) ofMinute.push(event);
    else eventsByMinute.set(event.minute, [event]);
  }
  const inputs: MinuteInput[] = [];
  for (let minute = from; minute <= to; minute += MINUTE_MS) {
    const point = byMinute.get(minute) ?? { minute, total: 0, negative: 0, positive: 0, neutral: 0 };
    const happened = eventsByMinute.get(minute);
    inputs.push(happened ? { point, events: happened } : { point });
  }
  return inputs;
}

/** An author at or above this influence score is high-influence (as in docs/analysts.md's influence measure). */
export const HIGH_INFLUENCE_SCORE = 60;

/** How a table says a row is in a scope's agency and query. */
interface ScopeColumns {
  agency: string;
  queryId: string;
}

/** Mentions name their agencies and queries in arrays. */
const MENTION_SCOPE: ScopeColumns = {
  agency: "has(topic_agencies, {agency:String})",
  queryId: "has(topic_query_ids, {queryId:String})",
};

/** Conditions for a scope (a row in scope is about the agency, the query, the platform). */
function mentionScope(scope: Scope, columns = MENTION_SCOPE): { conditions: string[]; params: Record<string, string> } {
  const conditions: string[] = [];
  const params: Record<string, string> = {};
  if (scope.agency !== null) {
    conditions.push(columns.agency);
    params.agency = scope.agency;
  }
  if (scope.queryId !== null) {
    conditions.push(columns.queryId);
    params.queryId = scope.queryId;
  }
  if (scope.platform !== null) {
    conditions.push("platform = {platform:String}");
    params.platform = scope.platform;
  }
  if (scope.province) {
    conditions.push("place_province_code = {province:String}");
    params.province = scope.province;
  }
  return { conditions, params };
}

/**
 * The post-level events of `kind` in the scope for minutes [from, to]:
 * - viral-negative-post: a negative top post in scope, at the minute it was first assessed viral
 *   (post_virality), scored by its highest virality score;
 * - influential-negative: a negative mention by an author with influence score at least
 *   HIGH_INFLUENCE_SCORE, at its minute, scored by that influence;
 * - impersonation: a mention whose author is an impersonation suspect (processors/accounts), at
 *   its minute, scored by the suspicion score;
 * - overdue-question: an item asking the agency for an answer (responsiveness_queue) still without
 *   an answer or a closure when it fell due, at the minute of its due time, scored by the seconds it
 *   had waited then. Items carry no query id: a rule scoped to a query sees none. What counts is what
 *   the responsiveness stage has stored when the minute is read.
 * - negative-issue: an issue of the scope (issue_windows, the issues stage) that passes
 *   NEGATIVE_ISSUE (at least half its posts with a sentiment negative, 10 posts, growth 3) in a
 *   window, and did not in the day before: an event at the last minute of its first such window,
 *   its post id the issue's key, scored by its volume. Issues are per agency or query: a rule
 *   scoped to a platform or province sees none.
 */
export async function readPostEvents(
  storage: Storage,
  kind: EventKind,
  scope: Scope,
  from: number,
  to: number,
): Promise<PostEvent[]> {
  const { conditions, params } = mentionScope(scope);
  const mentions = storage.table("tagged_mentions");
  const range = { from, until: to + MINUTE_MS };
  let query: string;
  if (kind === "overdue-question") return readOverdueQuestions(storage, scope, range);
  if (kind === "negative-issue") return readNegativeIssues(storage, scope, range);
  if (kind === "viral-negative-post") {
    query = `SELECT toUnixTimestamp(toStartOfMinute(first_viral)) * 1000 AS minute, post.id AS post_id,
                    post.author_id AS author, top_score AS score
             FROM (SELECT platform AS viral_platform, post_id AS viral_post, min(assessed_at) AS first_viral,
                          max(score) AS top_score
                   FROM ${storage.table("post_virality")} WHERE viral GROUP BY platform, post_id) AS viral
             INNER JOIN (SELECT platform, id, author_id FROM ${mentions}
                         WHERE ${["parent_id IS NULL", "sentiment_label = 'negative'", ...conditions].join(" AND ")}
                         LIMIT 1 BY platform, id) AS post
               ON post.platform = viral.viral_platform AND post.id = viral.viral_post
             WHERE first_viral >= fromUnixTimestamp64Milli({from:Int64}) AND first_viral < fromUnixTimestamp64Milli({until:Int64})`;
  } else {
    const which =
      kind === "influential-negative"
        ? ["sentiment_label = 'negative'", `influence_score >= ${HIGH_INFLUENCE_SCORE}`]
        : ["account_role = 'impersonation_suspect'"];
    const score = kind === "influential-negative" ? "influence_score" : "coalesce(account_score, 0)";
    query = `SELECT toUnixTimestamp(toStartOfMinute(event_time)) * 1000 AS minute, id AS post_id,
                    author_id AS author, ${score} AS score
             FROM ${mentions}
             WHERE ${[
               "event_time >= fromUnixTimestamp64Milli({from:Int64})",
               "event_time < fromUnixTimestamp64Milli({until:Int64})",
               ...which,
               ...conditions,
             ].join(" AND ")}
             LIMIT 1 BY platform, id`;
  }
  const result = await storage.client.query({
    query: `SELECT * FROM (${query}) ORDER BY minute, post_id`,
    query_params: { ...params, ...range },
    format: "JSONEachRow",
  });
  const rows = await result.json<{ minute: string | number; post_id: string; author: string; score: number }>();
  return rows.map((row) => ({
    kind,
    minute: Number(row.minute),
    postId: row.post_id,
    author: row.author,
    score: Number(row.score),
  }));
}

/** What makes an issue a negative one worth an event (negative-issue). */
export const NEGATIVE_ISSUE = { minNegativeShare: 0.5, minVolume: 10, minGrowth: 3 } as const;

async function readNegativeIssues(
  storage: Storage,
  scope: Scope,
  range: { from: number; until: number },
): Promise<PostEvent[]> {
  if (scope.platform !== null || scope.province) return [];
  const conditions = [
    scope.queryId !== null ? "scope_kind = 'query' AND scope = {queryId:String}" : "scope_kind = 'agency'",
    "negative >= {share:Float64} * greatest(negative + neutral + positive, 1)",
    "volume >= {volume:UInt32}",
    "growth >= {growth:Float64}",
    // Window ends are a minute after the minute they close with; the day before counts too.
    "window_end > fromUnixTimestamp64Milli({from:Int64}) - INTERVAL 1 DAY",
    "window_end <= fromUnixTimestamp64Milli({until:Int64})",
  ];
  if (scope.queryId === null && scope.agency !== null) conditions.push("scope = {agency:String}");
  if (scope.queryId !== null && scope.agency !== null) conditions.push("agency = {agency:String}");
  const result = await storage.client.query({
    query: `SELECT toUnixTimestamp(min(window_end)) * 1000 - 60000 AS minute, issue_key AS post_id,
                   argMin(volume, window_end) AS score
            FROM ${storage.table("issue_windows")} FINAL
            WHERE ${conditions.join(" AND ")}
            GROUP BY scope, issue_key
            HAVING minute >= {from:Int64} AND minute < {until:Int64}
            ORDER BY minute, post_id`,
    query_params: {
      ...range,
      agency: scope.agency ?? "",
      queryId: scope.queryId ?? "",
      share: NEGATIVE_ISSUE.minNegativeShare,
      volume: NEGATIVE_ISSUE.minVolume,
      growth: NEGATIVE_ISSUE.minGrowth,
    },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await result.json<{ minute: number; post_id: string; score: number }>();
  return rows.map((row) => ({
    kind: "negative-issue",
    minute: Number(row.minute),
    postId: row.post_id,
    author: "",
    score: Number(row.score),
  }));
}

/**
 * The top issue (rank 1) of the latest evaluated window within [start, end] of the agency (or the
 * query), for an alert's message; undefined when the issues stage found none.
 */
export async function readTopIssue(
  storage: Storage,
  scope: Scope,
  window: { start: number; end: number },
): Promise<string | undefined> {
  if (scope.agency === null && scope.queryId === null) return undefined;
  const result = await storage.client.query({
    query: `SELECT label FROM ${storage.table("issue_windows")} FINAL
            WHERE scope_kind = {kind:String} AND scope = {scope:String} AND rank = 1
              AND window_end > fromUnixTimestamp64Milli({start:Int64}) AND window_end <= fromUnixTimestamp64Milli({end:Int64})
            ORDER BY window_end DESC LIMIT 1`,
    query_params: {
      kind: scope.queryId !== null ? "query" : "agency",
      scope: scope.queryId ?? scope.agency,
      ...window,
    },
    format: "JSONEachRow",
  });
  const [row] = await result.json<{ label: string }>();
  return row?.label;
}

async function readOverdueQuestions(
  storage: Storage,
  scope: Scope,
  range: { from: number; until: number },
): Promise<PostEvent[]> {
  // Items carry one agency and no query id.
  const inScope = mentionScope(scope, { agency: "agency = {agency:String}", queryId: "{queryId:String} = ''" });
  const conditions = [
    "due_at >= fromUnixTimestamp64Milli({from:Int64})",
    "due_at < fromUnixTimestamp64Milli({until:Int64})",
    "(answered_at IS NULL OR answered_at > due_at)",
    "(closed_at IS NULL OR closed_at > due_at)",
    ...inScope.conditions,
  ];
  const params = { ...inScope.params, ...range };
  const result = await storage.client.query({
    query: `SELECT toUnixTimestamp(toStartOfMinute(due_at)) * 1000 AS minute, item_id AS post_id,
                   author_handle AS author, intDiv(toUnixTimestamp64Milli(due_at) - toUnixTimestamp64Milli(asked_at), 1000) AS score
            FROM ${storage.table("responsiveness_queue")}
            WHERE ${conditions.join(" AND ")}
            ORDER BY minute, post_id, agency`,
    query_params: params,
    format: "JSONEachRow",
  });
  const rows = await result.json<{
    minute: string | number;
    post_id: string;
    author: string;
    score: string | number;
  }>();
  return rows.map((row) => ({
    kind: "overdue-question",
    minute: Number(row.minute),
    postId: row.post_id,
    author: row.author,
    score: Number(row.score),
  }));
}

/**
 * The posts and authors behind a firing: the scope's mentions of [start, end) (negative ones only,
 * unless the rule watches volume), most influential author first, then most followed.
 */
export async function readEvidence(
  storage: Storage,
  scope: Scope,
  window: { start: number; end: number },
  options: { negativeOnly: boolean; limit: number },
): Promise<{ postIds: string[]; authorIds: string[] }> {
  const inScope = mentionScope(scope);
  const conditions = [
    "event_time >= fromUnixTimestamp64Milli({start:Int64})",
    "event_time < fromUnixTimestamp64Milli({end:Int64})",
    ...inScope.conditions,
  ];
  // A few rows per post and author wanted: the top posts may share authors.
  const params = { ...inScope.params, start: window.start, end: window.end, rows: options.limit * 4 };
  if (options.negativeOnly) conditions.push("sentiment_label = 'negative'");
  const result = await storage.client.query({
    // LIMIT 1 BY: the table replaces redelivered rows only when it merges.
    query: `SELECT id, author_id FROM ${storage.table("tagged_mentions")}
            WHERE ${conditions.join(" AND ")}
            ORDER BY coalesce(influence_score, 0) DESC, author_followers DESC, id
            LIMIT 1 BY platform, id
            LIMIT {rows:UInt32}`,
    query_params: params,
    format: "JSONEachRow",
  });
  const rows = await result.json<{ id: string; author_id: string }>();
  return {
    postIds: rows.slice(0, options.limit).map((row) => row.id),
    authorIds: [...new Set(rows.map((row) => row.author_id))].slice(0, options.limit),
  };
}
