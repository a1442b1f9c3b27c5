/**
 * Versioned, forward-only migrations of the ClickHouse schema, applied in order at start. Every
 * statement is idempotent (IF NOT EXISTS), so instances starting together may race safely; the
 * applied versions are recorded in schema_migrations.
 */
import type { Logger } from "../logger.js";
import type { Storage } from "./clickhouse.js";
import { PERSEPSI_RULE } from "./persepsi-rule.js";

/** Days rows are kept (TTL): raw rows, and the window aggregates. */
export interface Retention {
  rawDays: number;
  aggregateDays: number;
}

export const DEFAULT_RETENTION: Retention = { rawDays: 90, aggregateDays: 730 };

export interface Migration {
  version: number;
  name: string;
  statements: (table: (name: string) => string, retention: Retention) => string[];
}

/**
 * Blocks remembered for deduplication by the window deltas table and by each rollup table (their
 * non_replicated_deduplication_window): a token seen within the last this many inserts is dropped.
 */
export const DEDUPLICATION_WINDOW = 1000;

/**
 * Days the issues stage's working tables are kept, whatever the raw retention: posts for the issue
 * pages of the last day and a margin, term counts for the longest baseline the configuration allows
 * (issues.baselineHours, at most 28 days). Their rows are many (a mention's terms, per scope).
 */
export const ISSUE_POSTS_DAYS = 7;
export const ISSUE_TERMS_DAYS = 30;

/** The window measures as kept by the 1-minute, 1-hour and 1-day aggregate tables. */
const WINDOW_AGGREGATE_COLUMNS = `
        window_start DateTime('UTC'),
        scope_kind LowCardinality(String),
        scope String,
        agency LowCardinality(String),
        platform LowCardinality(String),
        sentiment LowCardinality(String),
        mentions SimpleAggregateFunction(sum, UInt64),
        reach SimpleAggregateFunction(sum, UInt64),
        likes SimpleAggregateFunction(sum, UInt64),
        shares SimpleAggregateFunction(sum, UInt64),
        replies SimpleAggregateFunction(sum, UInt64),
        views SimpleAggregateFunction(sum, UInt64),
        sentiment_score_sum SimpleAggregateFunction(sum, Float64),
        authors AggregateFunction(uniqExact, String),
        author_followers AggregateFunction(maxMap, Array(String), Array(UInt64)),
        first_event_time SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
        last_event_time SimpleAggregateFunction(max, DateTime64(3, 'UTC'))`;

/**
 * One rollup of the window deltas: its table and the materialized view feeding it. A province
 * rollup keeps the deltas' province too, and only the cells that have one.
 */
function windowRollup(
  t: (name: string) => string,
  retention: Retention,
  suffix: string,
  bucket: string,
  partition: string,
  byProvince = false,
) {
  const province = byProvince ? ", province" : "";
  return [
    `CREATE TABLE IF NOT EXISTS ${t(`mention_windows_${suffix}`)} (${WINDOW_AGGREGATE_COLUMNS}${byProvince ? ",\n        province LowCardinality(String)" : ""}
      )
      ENGINE = AggregatingMergeTree
      PARTITION BY ${partition}
      ORDER BY (scope_kind, scope, agency${province}, platform, sentiment, window_start)
      TTL window_start + INTERVAL ${retention.aggregateDays} DAY
      SETTINGS non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`,
    // Progress rows carry no measures. Source columns are qualified (d.) so that the aliases, named
    // like the target's columns, do not shadow them.
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t(`mention_windows_${suffix}_mv`)} TO ${t(`mention_windows_${suffix}`)} AS
      SELECT ${bucket} AS window_start, d.scope_kind AS scope_kind, d.scope AS scope, d.agency AS agency,
        d.platform AS platform, d.sentiment AS sentiment,${byProvince ? " d.province AS province," : ""}
        sum(d.mentions) AS mentions, sum(d.reach) AS reach, sum(d.likes) AS likes, sum(d.shares) AS shares,
        sum(d.replies) AS replies, sum(d.views) AS views, sum(d.sentiment_score_sum) AS sentiment_score_sum,
        uniqExactArrayState(d.author_ids) AS authors,
        maxMapState(d.author_ids, d.author_followers) AS author_followers,
        min(d.first_event_time) AS first_event_time, max(d.last_event_time) AS last_event_time
      FROM ${t("mention_window_deltas")} AS d
      WHERE d.scope_kind != 'progress'${byProvince ? " AND d.province != ''" : ""}
      GROUP BY window_start, scope_kind, scope, agency, platform, sentiment${province}`,
  ];
}

/**
 * Persepsi and volume by province, from the province rollups: per hour (persepsi index and
 * negative share, as persepsi_hourly) and per day (mentions, distinct authors, reach).
 */
function provinceViews(t: (name: string) => string): string[] {
  return [
    `CREATE VIEW IF NOT EXISTS ${t("persepsi_province_hourly")} AS
      SELECT w.window_start AS hour_start, w.scope_kind AS scope_kind, w.scope AS scope, w.agency AS agency,
        w.province AS province,
        sum(w.mentions) AS mention_count,
        sumIf(w.mentions, w.sentiment = 'positive') AS positive_mentions,
        sumIf(w.mentions, w.sentiment = 'neutral') AS neutral_mentions,
        sumIf(w.mentions, w.sentiment = 'negative') AS negative_mentions,
        positive_mentions + neutral_mentions + negative_mentions AS labelled_mentions,
        ${netSentiment("positive_mentions", "negative_mentions", "labelled_mentions")} AS net_sentiment,
        if(labelled_mentions = 0, NULL, round(negative_mentions / labelled_mentions, 4)) AS negative_share
      FROM ${t("mention_windows_province_1h")} AS w
      GROUP BY hour_start, scope_kind, scope, agency, province`,
    `CREATE VIEW IF NOT EXISTS ${t("volume_province_daily")} AS
      SELECT toDate(w.window_start) AS day, w.scope_kind AS scope_kind, w.scope AS scope, w.agency AS agency,
        w.province AS province,
        sum(w.mentions) AS mention_count, uniqExactMerge(w.authors) AS distinct_authors,
        sum(w.reach) AS total_reach
      FROM ${t("mention_windows_province_1h")} AS w
      GROUP BY day, scope_kind, scope, agency, province`,
  ];
}

/** Loyalty rule of the sustainability measure: active on at least `k` of the last `n` weeks. */
export const LOYALTY_RULE = { k: 3, n: 4 } as const;

/** Author influence score (0-100) from which an author counts as high-influence. */
export const HIGH_INFLUENCE_SCORE = 60;

/** The agencies a stored mention matched, each once ("" is a query without an agency). */
const MENTION_AGENCIES = "arrayDistinct(arrayFilter(matched -> matched != '', m.topic_agencies))";

/** Net sentiment index, -100..100, of positive / negative / labelled counts; NULL without labels. */
const netSentiment = (positive: string, negative: string, labelled: string) =>
  `if(${labelled} = 0, NULL, round(100 * (${positive} - ${negative}) / ${labelled}, 1))`;

/** The persepsi trend over an hourly persepsi view (`persepsi_hourly`, or one without flagged accounts). */
function persepsiTrendView(t: (name: string) => string, name: string, hourly: string): string {
  const { rollingHours, minLabelledMentions, deadBandPoints } = PERSEPSI_RULE;
  const byHour = (preceding: string) =>
    `(PARTITION BY scope_kind, scope, agency ORDER BY toRelativeHourNum(hour_start) RANGE BETWEEN ${preceding})`;
  return `CREATE VIEW IF NOT EXISTS ${t(name)} AS
      SELECT hour_start, scope_kind, scope, agency, mention_count, labelled_mentions, net_sentiment,
        rolling_labelled, ${netSentiment("rolling_positive", "rolling_negative", "rolling_labelled")} AS rolling_net_sentiment,
        previous_labelled, ${netSentiment("previous_positive", "previous_negative", "previous_labelled")} AS previous_net_sentiment,
        multiIf(rolling_labelled < ${minLabelledMentions} OR previous_labelled < ${minLabelledMentions}, 'insufficient',
          rolling_net_sentiment - previous_net_sentiment > ${deadBandPoints}, 'rising',
          rolling_net_sentiment - previous_net_sentiment < -${deadBandPoints}, 'falling',
          'steady') AS direction
      FROM (
        SELECT hour_start, scope_kind, scope, agency, mention_count, labelled_mentions, net_sentiment,
          sum(labelled_mentions) OVER rolling_hours AS rolling_labelled,
          sum(positive_mentions) OVER rolling_hours AS rolling_positive,
          sum(negative_mentions) OVER rolling_hours AS rolling_negative,
          sum(labelled_mentions) OVER previous_hours AS previous_labelled,
          sum(positive_mentions) OVER previous_hours AS previous_positive,
          sum(negative_mentions) OVER previous_hours AS previous_negative
        FROM ${t(hourly)}
        WINDOW rolling_hours AS ${byHour(`${rollingHours - 1} PRECEDING AND CURRENT ROW`)},
          previous_hours AS ${byHour(`${2 * rollingHours - 1} PRECEDING AND ${rollingHours} PRECEDING`)}
      )`;
}

/** Stored mentions (`m`) but those of flagged accounts (`flagged_mentions`), read with FINAL. */
const organicMentions = (t: (name: string) => string) => `(SELECT * FROM ${t("tagged_mentions")} FINAL
        WHERE (platform, id) NOT IN (SELECT platform, id FROM ${t("flagged_mentions")})) AS m`;

/**
 * The scopes a stored mention counts in, as (scope_kind, scope, agency) the way the rollups keep
 * them (processors/windows/scopes.ts): "all", each matched query with its agency, each agency once.
 */
const MENTION_SCOPES = `arrayConcat([('all', '', '')],
        arrayDistinct(arrayMap((query_id, query_agency) -> ('query', query_id, query_agency), m.topic_query_ids, m.topic_agencies)),
        arrayMap(agency_id -> ('agency', agency_id, agency_id), ${MENTION_AGENCIES}))`;

/** The scopes of the province rollups: "all" and each agency once. */
const PROVINCE_SCOPES = `arrayPushFront(arrayMap(agency_id -> ('agency', agency_id, agency_id), ${MENTION_AGENCIES}), ('all', '', ''))`;

/** Label counts and the net sentiment index of the mentions `m` of a group (persepsi_hourly's columns). */
const PERSEPSI_COUNTS = `count() AS mention_count,
        countIf(m.sentiment_label = 'positive') AS positive_mentions,
        countIf(m.sentiment_label = 'neutral') AS neutral_mentions,
        countIf(m.sentiment_label = 'negative') AS negative_mentions,
        positive_mentions + neutral_mentions + negative_mentions AS labelled_mentions,
        ${netSentiment("positive_mentions", "negative_mentions", "labelled_mentions")} AS net_sentiment`;

/**
 * persepsi_hourly without flagged mentions, for every scope of persepsi_hourly. Migration 23 creates
 * it and migration 24 replaces it (`create`): where 23 ran before 24 existed, it had scopes "all"
 * and "agency" only.
 */
function persepsiHourlyOrganicView(
  t: (name: string) => string,
  create: "CREATE VIEW IF NOT EXISTS" | "CREATE OR REPLACE VIEW",
): string {
  return `${create} ${t("persepsi_hourly_organic")} AS
      SELECT toStartOfHour(toDateTime(m.event_time)) AS hour_start, mention_scope.1 AS scope_kind,
        mention_scope.2 AS scope, mention_scope.3 AS agency,
        ${PERSEPSI_COUNTS}
      FROM ${organicMentions(t)}
      ARRAY JOIN ${MENTION_SCOPES} AS mention_scope
      GROUP BY hour_start, scope_kind, scope, agency`;
}

/**
 * Mentions whose author is in a campaign active at the mention's time (a member of it, between its
 * first and its last seen plus the detector's 30-minute grace), and the persepsi and measures
 * without them ("organic"), beside the views with everyone. From `tagged_mentions` (FINAL), since
 * the rollups do not know the author of each mention.
 */
function organicViews(t: (name: string) => string): string[] {
  const organic = organicMentions(t);
  return [
    `CREATE VIEW IF NOT EXISTS ${t("flagged_mentions")} AS
      SELECT m.platform AS platform, m.id AS id, any(a.campaign_id) AS campaign_id
      FROM ${t("tagged_mentions")} AS m FINAL
      INNER JOIN (SELECT campaign_id, account, first_seen, last_seen FROM ${t("campaign_accounts")} FINAL) AS a
        ON a.account = concat(m.platform, ':', m.author_id)
      WHERE m.event_time >= a.first_seen AND m.event_time <= a.last_seen + INTERVAL 30 MINUTE
      GROUP BY platform, id`,
    persepsiHourlyOrganicView(t, "CREATE VIEW IF NOT EXISTS"),
    persepsiTrendView(t, "persepsi_trend_organic", "persepsi_hourly_organic"),
    `CREATE VIEW IF NOT EXISTS ${t("measure_reach_daily_organic")} AS
      SELECT toDate(m.event_time) AS day, agency_name AS agency, count() AS mention_count,
        uniqExact(concat(m.platform, ':', m.author_id)) AS distinct_authors, sum(m.author_followers) AS total_reach,
        arraySum(mapValues(maxMap(map(concat(m.platform, ':', m.author_id), m.author_followers)))) AS distinct_author_reach
      FROM ${organic}
      ARRAY JOIN ${MENTION_AGENCIES} AS agency_name
      GROUP BY day, agency`,
    `CREATE VIEW IF NOT EXISTS ${t("measure_frequency_hourly_organic")} AS
      SELECT toStartOfHour(toDateTime(m.event_time)) AS hour_start, agency_name AS agency, m.platform AS platform,
        count() AS mention_count
      FROM ${organic}
      ARRAY JOIN ${MENTION_AGENCIES} AS agency_name
      GROUP BY hour_start, agency, platform`,
    `CREATE VIEW IF NOT EXISTS ${t("measure_influence_daily_organic")} AS
      SELECT toDate(m.event_time) AS day, agency_name AS agency, count() AS mention_count,
        sum(m.likes) AS likes_received, sum(m.shares) AS shares_received, sum(m.replies) AS replies_received,
        countIf(m.influence_score >= ${HIGH_INFLUENCE_SCORE}) AS high_influence_mentions,
        round(high_influence_mentions / mention_count, 4) AS high_influence_share,
        countIf(m.viral) AS viral_mentions
      FROM ${organic}
      ARRAY JOIN ${MENTION_AGENCIES} AS agency_name
      GROUP BY day, agency`,
    `CREATE VIEW IF NOT EXISTS ${t("measure_conversation_daily_organic")} AS
      SELECT toDate(m.event_time) AS day, agency_name AS agency, count() AS mention_count,
        sum(m.replies) AS reply_count, sum(m.likes) AS like_count, sum(m.shares) AS share_count,
        sum(m.author_followers) AS total_reach,
        if(total_reach = 0, NULL, round((reply_count + like_count + share_count) / total_reach, 4)) AS engagement_rate,
        countIf(m.sentiment_label = 'positive') AS positive_mentions,
        countIf(m.sentiment_label = 'negative') AS negative_mentions,
        countIf(m.sentiment_label IN ('positive', 'neutral', 'negative')) AS labelled_mentions,
        if(labelled_mentions = 0, NULL, round(positive_mentions / labelled_mentions, 4)) AS positive_share,
        ${netSentiment("positive_mentions", "negative_mentions", "labelled_mentions")} AS net_sentiment
      FROM ${organic}
      ARRAY JOIN ${MENTION_AGENCIES} AS agency_name
      GROUP BY day, agency`,
  ];
}

/**
 * The sustainability measure: the authors of the mentions `mentions` (a source aliased `m`) and the
 * visitors of the agency's sites, active, returning and loyal week by week.
 */
function sustainabilityView(t: (name: string) => string, name: string, mentions: string): string {
  return `CREATE VIEW IF NOT EXISTS ${t(name)} AS
      SELECT week_start, agency_name AS agency, audience, count() AS active_count,
        countIf(has(weeks, week_start - 7)) AS returning_count,
        countIf(length(arrayFilter(week -> week > week_start - ${7 * LOYALTY_RULE.n} AND week <= week_start, weeks))
          >= ${LOYALTY_RULE.k}) AS loyal_count,
        round(returning_count / active_count, 4) AS returning_share
      FROM (
        SELECT agency_name, audience, member, groupUniqArray(toMonday(seen_at)) AS weeks
        FROM (
          SELECT agency_name, 'authors' AS audience, concat(m.platform, ':', m.author_id) AS member, m.event_time AS seen_at
          FROM ${mentions}
          ARRAY JOIN ${MENTION_AGENCIES} AS agency_name
          UNION ALL
          SELECT e.agency AS agency_name, 'visitors' AS audience, assumeNotNull(e.visitor_id) AS member, e.event_time AS seen_at
          FROM ${t("web_events")} AS e
          WHERE e.visitor_id IS NOT NULL
        )
        GROUP BY agency_name, audience, member
      )
      ARRAY JOIN weeks AS week_start
      GROUP BY week_start, agency, audience`;
}

/**
 * Migration 24: the organic twins migration 23 left out: persepsi_hourly_organic for query scopes
 * too (persepsi_trend_organic reads it), sustainability (its visitors are those of
 * measure_sustainability_weekly: web traffic has no authors), and persepsi and volume by province.
 */
function moreOrganicViews(t: (name: string) => string): string[] {
  const organic = organicMentions(t);
  const byProvince = `FROM ${organic}
      ARRAY JOIN ${PROVINCE_SCOPES} AS mention_scope
      WHERE m.place_province_code IS NOT NULL AND m.place_province_code != ''`;
  return [
    persepsiHourlyOrganicView(t, "CREATE OR REPLACE VIEW"),
    sustainabilityView(t, "measure_sustainability_weekly_organic", organic),
    `CREATE VIEW IF NOT EXISTS ${t("persepsi_province_hourly_organic")} AS
      SELECT toStartOfHour(toDateTime(m.event_time)) AS hour_start, mention_scope.1 AS scope_kind,
        mention_scope.2 AS scope, mention_scope.3 AS agency, assumeNotNull(m.place_province_code) AS province,
        ${PERSEPSI_COUNTS},
        if(labelled_mentions = 0, NULL, round(negative_mentions / labelled_mentions, 4)) AS negative_share
      ${byProvince}
      GROUP BY hour_start, scope_kind, scope, agency, province`,
    `CREATE VIEW IF NOT EXISTS ${t("volume_province_daily_organic")} AS
      SELECT toDate(m.event_time) AS day, mention_scope.1 AS scope_kind, mention_scope.2 AS scope,
        mention_scope.3 AS agency, assumeNotNull(m.place_province_code) AS province,
        count() AS mention_count, uniqExact(concat(m.platform, ':', m.author_id)) AS distinct_authors,
        sum(m.author_followers) AS total_reach
      ${byProvince}
      GROUP BY day, scope_kind, scope, agency, province`,
  ];
}

/**
 * The persepsi views and the views of the regulation's five measures. Views on the rollup tables
 * merge partial aggregates (GROUP BY with sum / uniqExactMerge / maxMapMerge); their aliases never
 * take the name of a source column with another meaning, which would shadow it.
 */
function measureViews(t: (name: string) => string): string[] {
  return [
    `CREATE VIEW IF NOT EXISTS ${t("persepsi_hourly")} AS
      SELECT w.window_start AS hour_start, w.scope_kind AS scope_kind, w.scope AS scope, w.agency AS agency,
        sum(w.mentions) AS mention_count,
        sumIf(w.mentions, w.sentiment = 'positive') AS positive_mentions,
        sumIf(w.mentions, w.sentiment = 'neutral') AS neutral_mentions,
        sumIf(w.mentions, w.sentiment = 'negative') AS negative_mentions,
        positive_mentions + neutral_mentions + negative_mentions AS labelled_mentions,
        ${netSentiment("positive_mentions", "negative_mentions", "labelled_mentions")} AS net_sentiment
      FROM ${t("mention_windows_1h")} AS w
      GROUP BY hour_start, scope_kind, scope, agency`,
    // Windows in hours (RANGE), not rows: an hour without mentions has no row but still counts.
    persepsiTrendView(t, "persepsi_trend", "persepsi_hourly"),
    // 1. Reach (jangkauan).
    `CREATE VIEW IF NOT EXISTS ${t("measure_reach_daily")} AS
      SELECT toDate(w.window_start) AS day, w.agency AS agency,
        sum(w.mentions) AS mention_count, uniqExactMerge(w.authors) AS distinct_authors,
        sum(w.reach) AS total_reach, arraySum(maxMapMerge(w.author_followers).2) AS distinct_author_reach
      FROM ${t("mention_windows_1d")} AS w
      WHERE w.scope_kind = 'agency'
      GROUP BY day, agency`,
    // 2. Frequency and traffic (frekuensi dan lalu-lintas): mentions by hour and platform, and the
    // agency's website.
    `CREATE VIEW IF NOT EXISTS ${t("measure_frequency_hourly")} AS
      SELECT w.window_start AS hour_start, w.agency AS agency, w.platform AS platform, sum(w.mentions) AS mention_count
      FROM ${t("mention_windows_1h")} AS w
      WHERE w.scope_kind = 'agency'
      GROUP BY hour_start, agency, platform`,
    `CREATE VIEW IF NOT EXISTS ${t("measure_web_traffic_daily")} AS
      SELECT toDate(e.event_time) AS day, e.agency AS agency, e.site AS site,
        sumIf(e.event_count, e.kind = 'visit') AS page_views,
        uniqExactIf(e.visitor_id, e.kind = 'visit') AS visitors,
        sumIf(e.event_count, e.kind = 'click') AS clicks,
        sumIf(e.event_count, e.kind = 'download') AS downloads
      FROM ${t("web_events")} AS e
      GROUP BY day, agency, site`,
    // 3. Influence (pengaruh).
    `CREATE VIEW IF NOT EXISTS ${t("measure_influence_daily")} AS
      SELECT toDate(m.event_time) AS day, agency_name AS agency, count() AS mention_count,
        sum(m.likes) AS likes_received, sum(m.shares) AS shares_received, sum(m.replies) AS replies_received,
        countIf(m.influence_score >= ${HIGH_INFLUENCE_SCORE}) AS high_influence_mentions,
        round(high_influence_mentions / mention_count, 4) AS high_influence_share,
        countIf(m.viral) AS viral_mentions
      FROM ${t("tagged_mentions")} AS m
      ARRAY JOIN ${MENTION_AGENCIES} AS agency_name
      GROUP BY day, agency`,
    `CREATE VIEW IF NOT EXISTS ${t("author_ranks_latest")} AS
      SELECT r.computed_for AS computed_for, r.author_key AS author_key, r.platform AS platform,
        r.position AS position, r.normalised_rank AS normalised_rank
      FROM ${t("author_ranks")} AS r
      WHERE r.computed_for = (SELECT max(latest.computed_for) FROM ${t("author_ranks")} AS latest)`,
    // 4. Conversation and success (percakapan dan keberhasilan); clicks and downloads are in
    // measure_web_traffic_daily.
    `CREATE VIEW IF NOT EXISTS ${t("measure_conversation_daily")} AS
      SELECT toDate(w.window_start) AS day, w.agency AS agency, sum(w.mentions) AS mention_count,
        sum(w.replies) AS reply_count, sum(w.likes) AS like_count, sum(w.shares) AS share_count,
        sum(w.reach) AS total_reach,
        if(total_reach = 0, NULL, round((reply_count + like_count + share_count) / total_reach, 4)) AS engagement_rate,
        sumIf(w.mentions, w.sentiment = 'positive') AS positive_mentions,
        sumIf(w.mentions, w.sentiment = 'negative') AS negative_mentions,
        sumIf(w.mentions, w.sentiment != 'unknown') AS labelled_mentions,
        if(labelled_mentions = 0, NULL, round(positive_mentions / labelled_mentions, 4)) AS positive_share,
        ${netSentiment("positive_mentions", "negative_mentions", "labelled_mentions")} AS net_sentiment
      FROM ${t("mention_windows_1d")} AS w
      WHERE w.scope_kind = 'agency'
      GROUP BY day, agency`,
    // 5. Sustainability (keberlanjutan): authors talking about the agency and visitors of its site
    // that come back, by week (Monday, UTC).
    sustainabilityView(t, "measure_sustainability_weekly", `${t("tagged_mentions")} AS m`),
  ];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "tagged mentions and engagement snapshots",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t("tagged_mentions")} (
        platform LowCardinality(String),
        id String,
        kind LowCardinality(String),
        url Nullable(String),
        author_id String,
        author_handle String,
        author_name Nullable(String),
        author_followers UInt64,
        author_verified Bool,
        text String,
        lang LowCardinality(Nullable(String)),
        event_time DateTime64(3, 'UTC'),
        ingest_time DateTime64(3, 'UTC'),
        processed_time DateTime64(3, 'UTC'),
        parent_id Nullable(String),
        root_id Nullable(String),
        hashtags Array(String),
        mentioned_handles Array(String),
        links Array(String),
        likes UInt64,
        shares UInt64,
        replies UInt64,
        views UInt64,
        clicks UInt64,
        source LowCardinality(String),
        sentiment_label LowCardinality(Nullable(String)),
        sentiment_score Nullable(Float32),
        sentiment_confidence Nullable(Float32),
        topic_query_ids Array(String),
        topic_agencies Array(String),
        virality_score Nullable(Float32),
        viral Nullable(Bool),
        influence_score Nullable(Float32),
        influence_tier LowCardinality(Nullable(String)),
        segment LowCardinality(Nullable(String)),
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree(processed_time)
      PARTITION BY toYYYYMMDD(event_time)
      ORDER BY (platform, id)
      TTL toDateTime(event_time) + INTERVAL 90 DAY`,
      `CREATE TABLE IF NOT EXISTS ${t("engagement_events")} (
        platform LowCardinality(String),
        post_id String,
        event_time DateTime64(3, 'UTC'),
        likes UInt64,
        shares UInt64,
        replies UInt64,
        views UInt64,
        clicks UInt64,
        source LowCardinality(String),
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(event_time)
      ORDER BY (platform, post_id, event_time)
      TTL toDateTime(event_time) + INTERVAL 90 DAY`,
    ],
  },
  {
    version: 2,
    name: "account role of the author (official, audience response, impersonation suspect)",
    statements: (t) => [
      `ALTER TABLE ${t("tagged_mentions")}
        ADD COLUMN IF NOT EXISTS account_role LowCardinality(Nullable(String)) AFTER segment,
        ADD COLUMN IF NOT EXISTS account_agency LowCardinality(Nullable(String)) AFTER account_role,
        ADD COLUMN IF NOT EXISTS account_score Nullable(Float32) AFTER account_agency`,
    ],
  },
  {
    version: 3,
    name: "post virality assessments",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t("post_virality")} (
        platform LowCardinality(String),
        post_id String,
        assessed_at DateTime64(3, 'UTC'),
        score Float32,
        velocity Float32,
        acceleration Float32,
        expected_velocity Float32,
        cascade_size UInt32,
        cascade_depth UInt16,
        cascade_velocity Float32,
        cascade_reach UInt64,
        viral Bool,
        reason String,
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(assessed_at)
      ORDER BY (platform, post_id, assessed_at)
      TTL toDateTime(assessed_at) + INTERVAL 90 DAY`,
    ],
  },
  {
    version: 4,
    name: "author PageRank runs (the top of each run)",
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("author_ranks")} (
        computed_for DateTime64(3, 'UTC'),
        author_key String,
        platform LowCardinality(String),
        position UInt32,
        normalised_rank Float32
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(computed_for)
      ORDER BY (computed_for, author_key)
      TTL toDateTime(computed_for) + INTERVAL ${retention.rawDays} DAY`,
    ],
  },
  {
    version: 5,
    name: "event-time window deltas of the aggregate stage; 1-minute, 1-hour and 1-day rollups",
    statements: (t, retention) => [
      // One insert per consumed batch, all in one partition (by insert time) and so one part:
      // the deltas and the offset progress they carry land together or not at all.
      `CREATE TABLE IF NOT EXISTS ${t("mention_window_deltas")} (
        source_topic LowCardinality(String),
        source_partition UInt16,
        first_offset UInt64,
        last_offset UInt64,
        watermark Nullable(DateTime64(3, 'UTC')),
        inserted_at DateTime64(3, 'UTC'),
        window_start DateTime('UTC'),
        final Bool,
        scope_kind LowCardinality(String),
        scope String,
        agency LowCardinality(String),
        platform LowCardinality(String),
        sentiment LowCardinality(String),
        mentions UInt64,
        reach UInt64,
        likes UInt64,
        shares UInt64,
        replies UInt64,
        views UInt64,
        sentiment_score_sum Float64,
        author_ids Array(String),
        author_followers Array(UInt64),
        first_event_time DateTime64(3, 'UTC'),
        last_event_time DateTime64(3, 'UTC')
      )
      ENGINE = MergeTree
      PARTITION BY toDate(inserted_at)
      ORDER BY (source_topic, source_partition, last_offset)
      TTL toDateTime(inserted_at) + INTERVAL ${retention.rawDays} DAY
      SETTINGS non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`,
      ...windowRollup(t, retention, "1m", "d.window_start", "toDate(window_start)"),
      ...windowRollup(t, retention, "1h", "toStartOfHour(d.window_start)", "toYYYYMM(window_start)"),
      ...windowRollup(t, retention, "1d", "toStartOfDay(d.window_start)", "toYYYYMM(window_start)"),
    ],
  },
  {
    version: 6,
    name: "alerts (firings and resolutions, as published on simak.alerts)",
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("alerts")} (
        id String,
        incident_id Nullable(String),
        rule_id LowCardinality(String),
        status LowCardinality(String),
        severity LowCardinality(String),
        agency LowCardinality(Nullable(String)),
        query_id Nullable(String),
        platform LowCardinality(Nullable(String)),
        signal LowCardinality(String),
        observed Float64,
        baseline Float64,
        threshold Float64,
        z Nullable(Float64),
        baseline_method LowCardinality(Nullable(String)),
        volume Nullable(Float64),
        window_start DateTime64(3, 'UTC'),
        window_end DateTime64(3, 'UTC'),
        fired_at DateTime64(3, 'UTC'),
        notify_at Nullable(DateTime64(3, 'UTC')),
        message String,
        top_post_ids Array(String),
        top_author_ids Array(String),
        channels Array(String),
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(fired_at)
      ORDER BY (fired_at, id)
      TTL toDateTime(fired_at) + INTERVAL ${retention.aggregateDays} DAY`,
    ],
  },
  {
    version: 7,
    name: "web analytics events (visits, clicks, downloads on agencies' websites)",
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("web_events")} (
        site LowCardinality(String),
        id String,
        agency LowCardinality(String),
        url String,
        kind LowCardinality(String),
        event_time DateTime64(3, 'UTC'),
        visitor_id Nullable(String),
        event_count UInt64,
        source LowCardinality(String),
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(event_time)
      ORDER BY (site, id)
      TTL toDateTime(event_time) + INTERVAL ${retention.rawDays} DAY`,
    ],
  },
  {
    version: 8,
    name: "persepsi trend and the five measures of PermenPAN-RB 83/2012 as views",
    statements: (t) => measureViews(t),
  },
  {
    version: 9,
    name: "alert acknowledgements from the monitoring room dashboard",
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("alert_acknowledgements")} (
        id String,
        acknowledged_at DateTime64(3, 'UTC'),
        acknowledged_by String
      )
      ENGINE = ReplacingMergeTree
      ORDER BY (id, acknowledged_at)
      TTL toDateTime(acknowledged_at) + INTERVAL ${retention.aggregateDays} DAY`,
    ],
  },
  {
    version: 10,
    name: "window deltas keep the deduplication token of their insert (to complete rollups an interrupted insert left short)",
    statements: (t) => [
      `ALTER TABLE ${t("mention_window_deltas")} ADD COLUMN IF NOT EXISTS insert_token String DEFAULT ''`,
    ],
  },
  {
    version: 11,
    name: "confidence of the author's audience segment",
    statements: (t) => [
      `ALTER TABLE ${t("tagged_mentions")} ADD COLUMN IF NOT EXISTS segment_confidence Nullable(Float32) AFTER segment`,
    ],
  },
  {
    version: 12,
    name: "place of a mention (province and regency codes); window deltas by province",
    statements: (t) => [
      `ALTER TABLE ${t("tagged_mentions")}
        ADD COLUMN IF NOT EXISTS place_province_code Nullable(String) AFTER account_score,
        ADD COLUMN IF NOT EXISTS place_regency_code Nullable(String) AFTER place_province_code`,
      `ALTER TABLE ${t("mention_window_deltas")} ADD COLUMN IF NOT EXISTS province LowCardinality(String) DEFAULT '' AFTER sentiment`,
    ],
  },
  {
    version: 13,
    name: "1-minute and 1-hour rollups by province; persepsi and volume by province",
    statements: (t, retention) => [
      ...windowRollup(t, retention, "province_1m", "d.window_start", "toDate(window_start)", true),
      ...windowRollup(t, retention, "province_1h", "toStartOfHour(d.window_start)", "toYYYYMM(window_start)", true),
      ...provinceViews(t),
    ],
  },
  {
    version: 16,
    name: "responsiveness: items that ask an agency for an answer, official answers, staff closures",
    // One row per (agency, item) and per answer, keyed so that a redelivered or restarted batch
    // replaces its own rows (read with FINAL); which answer came first is worked out when read.
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("responsiveness_items")} (
        agency LowCardinality(String),
        platform LowCardinality(String),
        item_id String,
        thread_id String,
        url Nullable(String),
        author_handle String,
        text String,
        kind LowCardinality(String),
        probability Float32,
        addressed LowCardinality(String),
        asked_at DateTime64(3, 'UTC'),
        due_at DateTime64(3, 'UTC'),
        asked_day Date,
        asked_week Date,
        time_zone LowCardinality(String)
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(asked_at)
      ORDER BY (agency, platform, item_id)
      TTL toDateTime(asked_at) + INTERVAL ${retention.aggregateDays} DAY`,
      `CREATE TABLE IF NOT EXISTS ${t("responsiveness_answers")} (
        agency LowCardinality(String),
        platform LowCardinality(String),
        thread_id String,
        answer_id String,
        answered_at DateTime64(3, 'UTC'),
        account String
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(answered_at)
      ORDER BY (agency, platform, thread_id, answer_id)
      TTL toDateTime(answered_at) + INTERVAL ${retention.aggregateDays} DAY`,
      `CREATE TABLE IF NOT EXISTS ${t("responsiveness_closures")} (
        agency LowCardinality(String),
        platform LowCardinality(String),
        item_id String,
        closed_at DateTime64(3, 'UTC'),
        closed_by String
      ) ENGINE = ReplacingMergeTree(closed_at)
      ORDER BY (agency, platform, item_id)
      TTL toDateTime(closed_at) + INTERVAL ${retention.aggregateDays} DAY`,
    ],
  },
  {
    version: 17,
    name: "responsiveness views: the queue with each item's first answer and status, daily and weekly answer rates",
    statements: (t) => [
      // The first answer: the earliest official reply of the agency in the item's thread, at or after
      // the item. Status: answered, else closed by staff, else overdue past due_at, else open.
      `CREATE VIEW IF NOT EXISTS ${t("responsiveness_queue")} AS
      SELECT q.*,
        if(c.closed_by = '', NULL, c.closed_at) AS closed_at,
        nullIf(c.closed_by, '') AS closed_by,
        multiIf(q.answered_at IS NOT NULL, 'answered', c.closed_by != '', 'closed',
                now64(3) >= q.due_at, 'overdue', 'open') AS status
      FROM (
        SELECT i.agency AS agency, i.platform AS platform, i.item_id AS item_id,
          any(i.thread_id) AS thread_id, any(i.url) AS url, any(i.author_handle) AS author_handle,
          any(i.text) AS text, any(i.kind) AS kind, any(i.addressed) AS addressed,
          any(i.asked_at) AS asked_at, any(i.due_at) AS due_at, any(i.asked_day) AS asked_day,
          any(i.asked_week) AS asked_week, any(i.time_zone) AS time_zone,
          minIfOrNull(a.answered_at, a.answer_id != '' AND a.answered_at >= i.asked_at) AS answered_at,
          nullIf(argMinIf(a.answer_id, a.answered_at, a.answer_id != '' AND a.answered_at >= i.asked_at), '') AS answer_id,
          nullIf(argMinIf(a.account, a.answered_at, a.answer_id != '' AND a.answered_at >= i.asked_at), '') AS answering_account,
          (toUnixTimestamp64Milli(answered_at) - toUnixTimestamp64Milli(asked_at)) / 1000 AS seconds_to_answer
        FROM (SELECT * FROM ${t("responsiveness_items")} FINAL) AS i
        LEFT JOIN (SELECT * FROM ${t("responsiveness_answers")} FINAL) AS a
          ON a.agency = i.agency AND a.platform = i.platform AND a.thread_id = i.thread_id
        GROUP BY i.agency, i.platform, i.item_id
      ) AS q
      LEFT JOIN (SELECT agency, platform, item_id, closed_at, closed_by FROM ${t("responsiveness_closures")} FINAL) AS c
        ON c.agency = q.agency AND c.platform = q.platform AND c.item_id = q.item_id`,
      `CREATE VIEW IF NOT EXISTS ${t("responsiveness_open")} AS
      SELECT * FROM ${t("responsiveness_queue")} WHERE status IN ('open', 'overdue') ORDER BY asked_at, agency, item_id`,
      ...(["daily", "weekly"] as const).map(
        (grain) => `CREATE VIEW IF NOT EXISTS ${t(`responsiveness_${grain}`)} AS
      SELECT agency, ${grain === "daily" ? "asked_day AS day" : "asked_week AS week"},
        count() AS asked,
        countIf(status = 'answered') AS answered,
        countIf(status = 'closed') AS closed,
        countIf(status = 'open') AS open,
        countIf(status = 'overdue') AS overdue,
        countIf(answered_at > due_at) AS answered_late,
        answered / nullIf(asked - closed, 0) AS answer_rate,
        quantileExactLow(0.5)(seconds_to_answer) AS median_seconds_to_answer,
        quantileExactLow(0.9)(seconds_to_answer) AS p90_seconds_to_answer
      FROM ${t("responsiveness_queue")}
      GROUP BY agency, ${grain === "daily" ? "day" : "week"}`,
      ),
    ],
  },
  {
    version: 18,
    name: "removed and edited posts: the changes platforms report, and when a stored mention was erased or edited",
    // The changes are kept so that a mention stored after its removal (it reaches the sink later,
    // through the process stage) is erased before it is inserted; see sinks/clickhouse/mention-changes.ts.
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("mention_changes")} (
        platform LowCardinality(String),
        post_id String,
        change LowCardinality(String),
        reason String,
        text Nullable(String),
        changed_time DateTime64(3, 'UTC'),
        source LowCardinality(String)
      ) ENGINE = ReplacingMergeTree(changed_time)
      PARTITION BY toYYYYMM(changed_time)
      ORDER BY (platform, post_id, change)
      TTL toDateTime(changed_time) + INTERVAL ${retention.rawDays} DAY`,
      `ALTER TABLE ${t("tagged_mentions")}
        ADD COLUMN IF NOT EXISTS removed_at Nullable(DateTime64(3, 'UTC')) AFTER place_regency_code,
        ADD COLUMN IF NOT EXISTS edited_at Nullable(DateTime64(3, 'UTC')) AFTER removed_at`,
    ],
  },
  {
    version: 20,
    name: "issues: posts with their terms per scope, hourly term counts, evaluated windows' issues",
    // issue_posts is keyed by (scope, minute, mention): a redelivered or restarted batch, or a mention
    // published twice, replaces its own rows. The hourly counts are sets of post ids (uniqExact
    // states), so a post inserted again adds nothing. Term '' counts every post of the hour.
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("issue_posts")} (
        scope_kind LowCardinality(String),
        scope String,
        agency LowCardinality(String),
        minute DateTime('UTC'),
        platform LowCardinality(String),
        mention_id String,
        event_time DateTime64(3, 'UTC'),
        terms Array(String),
        sentiment LowCardinality(String),
        author_handle String,
        text String
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(minute)
      ORDER BY (scope_kind, scope, minute, platform, mention_id)
      TTL minute + INTERVAL ${ISSUE_POSTS_DAYS} DAY`,
      `CREATE TABLE IF NOT EXISTS ${t("issue_terms_hourly")} (
        scope_kind LowCardinality(String),
        scope String,
        hour DateTime('UTC'),
        term String,
        posts AggregateFunction(uniqExact, String)
      ) ENGINE = AggregatingMergeTree
      PARTITION BY toYYYYMM(hour)
      ORDER BY (scope_kind, scope, hour, term)
      TTL hour + INTERVAL ${ISSUE_TERMS_DAYS} DAY`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t("issue_terms_hourly_mv")} TO ${t("issue_terms_hourly")} AS
      SELECT p.scope_kind AS scope_kind, p.scope AS scope, toStartOfHour(p.minute) AS hour, term,
        uniqExactState(concat(p.platform, ':', p.mention_id)) AS posts
      FROM ${t("issue_posts")} AS p
      ARRAY JOIN arrayPushFront(p.terms, '') AS term
      GROUP BY scope_kind, scope, hour, term`,
      // Per partition of the tagged topic, the latest event time whose posts are stored.
      `CREATE TABLE IF NOT EXISTS ${t("issue_watermarks")} (
        source_topic String,
        source_partition UInt16,
        watermark DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(watermark)
      ORDER BY (source_topic, source_partition)`,
      `CREATE TABLE IF NOT EXISTS ${t("issue_windows")} (
        scope_kind LowCardinality(String),
        scope String,
        agency LowCardinality(String),
        window_end DateTime('UTC'),
        window_minutes UInt16,
        issue_key String,
        rank UInt8,
        label String,
        terms Array(String),
        term_posts Array(UInt32),
        term_baseline_posts Array(UInt32),
        term_scores Array(Float64),
        volume UInt32,
        negative UInt32,
        neutral UInt32,
        positive UInt32,
        unknown UInt32,
        growth Float64,
        score Float64,
        first_post_time DateTime64(3, 'UTC'),
        example_ids Array(String),
        window_posts UInt32,
        baseline_posts UInt32
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(window_end)
      ORDER BY (scope_kind, scope, window_end, issue_key)
      TTL window_end + INTERVAL ${retention.aggregateDays} DAY`,
      // The last window every scope was evaluated for (one row, replaced as evaluation advances).
      `CREATE TABLE IF NOT EXISTS ${t("issue_progress")} (
        name String,
        window_end DateTime('UTC')
      ) ENGINE = ReplacingMergeTree(window_end)
      ORDER BY name`,
    ],
  },
  {
    version: 21,
    name: "issues views: issues per hour, rising issues",
    statements: (t) => [
      // An issue in an hour: its peak window (most posts; the latest on ties) and how many windows had it.
      `CREATE VIEW IF NOT EXISTS ${t("issues_hourly")} AS
      SELECT scope_kind, scope, any(agency) AS agency, toStartOfHour(window_end - INTERVAL 1 SECOND) AS hour, issue_key,
        argMax(label, (volume, window_end)) AS label,
        argMax(terms, (volume, window_end)) AS terms,
        argMax(term_posts, (volume, window_end)) AS term_posts,
        max(volume) AS peak_volume,
        argMax(negative, (volume, window_end)) AS negative,
        argMax(neutral, (volume, window_end)) AS neutral,
        argMax(positive, (volume, window_end)) AS positive,
        max(growth) AS max_growth,
        max(score) AS max_score,
        min(first_post_time) AS first_post_time,
        argMax(example_ids, (volume, window_end)) AS example_ids,
        count() AS windows
      FROM ${t("issue_windows")} FINAL
      GROUP BY scope_kind, scope, hour, issue_key`,
      // The issues of the latest evaluated window, with when each was first seen (its earliest
      // window in the 24 hours before) and its negative share.
      `CREATE VIEW IF NOT EXISTS ${t("rising_issues")} AS
      WITH (SELECT max(window_end) FROM ${t("issue_progress")} FINAL) AS latest
      SELECT w.scope_kind AS scope_kind, w.scope AS scope, w.agency AS agency, w.window_end AS window_end,
        w.issue_key AS issue_key, w.rank AS rank, w.label AS label, w.terms AS terms, w.volume AS volume,
        w.negative AS negative, w.neutral AS neutral, w.positive AS positive,
        w.negative / greatest(w.negative + w.neutral + w.positive, 1) AS negative_share,
        w.growth AS growth, w.score AS score, f.first_seen AS first_seen, w.example_ids AS example_ids
      FROM ${t("issue_windows")} AS w FINAL
      INNER JOIN (
        SELECT scope_kind, scope, issue_key, min(window_end) AS first_seen
        FROM ${t("issue_windows")} FINAL
        WHERE window_end > (SELECT max(window_end) FROM ${t("issue_progress")} FINAL) - INTERVAL 1 DAY
        GROUP BY scope_kind, scope, issue_key
      ) AS f ON f.scope_kind = w.scope_kind AND f.scope = w.scope AND f.issue_key = w.issue_key
      WHERE w.window_end = latest
      ORDER BY w.scope_kind, w.scope, w.rank`,
    ],
  },
  {
    version: 22,
    name: "coordination: campaigns and their accounts",
    // Rewritten whole by the coordination stage at every snapshot (pipeline/stages/coordination.ts):
    // the latest row of an id wins (updated_at), so a replay after a restart replaces its own rows;
    // a campaign (or member) a later write no longer finds is retired (read with FINAL, it is gone).
    statements: (t, retention) => [
      `CREATE TABLE IF NOT EXISTS ${t("campaigns")} (
        id String,
        platform LowCardinality(String),
        agencies Array(String),
        target Nullable(String),
        first_seen DateTime64(3, 'UTC'),
        last_seen DateTime64(3, 'UTC'),
        accounts UInt32,
        posts UInt32,
        post_ids Array(String),
        copy_events UInt32,
        amplification_events UInt32,
        score Float64,
        reason_kinds Array(String),
        reason_values Array(Float64),
        reasons Array(String),
        text String,
        updated_at DateTime64(3, 'UTC'),
        retired UInt8
      ) ENGINE = ReplacingMergeTree(updated_at, retired)
      ORDER BY id
      TTL toDateTime(last_seen) + INTERVAL ${retention.aggregateDays} DAY`,
      `CREATE TABLE IF NOT EXISTS ${t("campaign_accounts")} (
        campaign_id String,
        account String,
        platform LowCardinality(String),
        author_id String,
        handle String,
        score Float64,
        events UInt32,
        posts UInt32,
        first_seen DateTime64(3, 'UTC'),
        last_seen DateTime64(3, 'UTC'),
        updated_at DateTime64(3, 'UTC'),
        retired UInt8
      ) ENGINE = ReplacingMergeTree(updated_at, retired)
      ORDER BY (campaign_id, account)
      TTL toDateTime(last_seen) + INTERVAL ${retention.aggregateDays} DAY`,
    ],
  },
  {
    version: 23,
    name: "coordination views: flagged mentions, persepsi and measures without them",
    statements: (t) => organicViews(t),
  },
  {
    version: 24,
    name: "coordination views: persepsi of query scopes, sustainability and province views without flagged mentions",
    statements: (t) => moreOrganicViews(t),
  },
  {
    version: 28,
    name: "issue posts without their text: the issue page reads it from tagged_mentions",
    // One row per scope (7 a mention at a thousand monitoring queries) carried the text each time,
    // and kept a removed post's text for ISSUE_POSTS_DAYS after the sink had erased it.
    statements: (t) => [
      `ALTER TABLE ${t("issue_posts")} DROP COLUMN IF EXISTS text, DROP COLUMN IF EXISTS author_handle`,
    ],
  },
  {
    version: 29,
    name: "issue term counts rolled up by the issues stage once an hour is a baseline, not by a view at every insert",
    // The view's cost was the store's largest for the issues stage (pipeline/stages/issue-terms-hourly.ts).
    // The latest hour it counted may have been short of posts: dropped, the stage rolls it up again
    // from issue_posts, which holds every post of the last ISSUE_POSTS_DAYS.
    statements: (t) => [
      `DROP VIEW IF EXISTS ${t("issue_terms_hourly_mv")}`,
      `ALTER TABLE ${t("issue_terms_hourly")} DELETE WHERE hour >= (SELECT max(hour) FROM ${t("issue_terms_hourly")})
        SETTINGS mutations_sync = 1`,
    ],
  },
  {
    version: 30,
    name: "issue posts stored once per mention with its scopes (issue_mentions); issue_posts a view of one row per scope",
    // A mention matches about 7 scopes at a thousand monitoring queries: a row per scope carried
    // its terms 7 times, most of what the issues stage cost the store to insert and merge
    // (bench:full). Analysts and the dashboard read the same issue_posts as before, without FINAL
    // (the view reads the table with it).
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t("issue_mentions")} (
        minute DateTime('UTC'),
        platform LowCardinality(String),
        mention_id String,
        event_time DateTime64(3, 'UTC'),
        terms Array(String),
        sentiment LowCardinality(String),
        scope_kinds Array(LowCardinality(String)),
        scopes Array(String),
        agencies Array(LowCardinality(String))
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(minute)
      ORDER BY (minute, platform, mention_id)
      TTL minute + INTERVAL ${ISSUE_POSTS_DAYS} DAY`,
      `INSERT INTO ${t("issue_mentions")}
        SELECT minute, platform, mention_id, any(event_time), any(terms), any(sentiment),
          groupArray(scope_kind), groupArray(scope), groupArray(agency)
        FROM ${t("issue_posts")} FINAL
        GROUP BY minute, platform, mention_id`,
      `DROP TABLE ${t("issue_posts")}`,
      `CREATE VIEW ${t("issue_posts")} AS
        SELECT scope_kind, scope, agency, m.minute AS minute, m.platform AS platform, m.mention_id AS mention_id,
          m.event_time AS event_time, m.terms AS terms, m.sentiment AS sentiment
        FROM ${t("issue_mentions")} AS m FINAL
        ARRAY JOIN m.scope_kinds AS scope_kind, m.scopes AS scope, m.agencies AS agency`,
    ],
  },
];

/** Every table with a TTL: its time expression and which retention applies. */
const RETAINED_TABLES: { name: string; time: string; kind: keyof Retention }[] = [
  { name: "tagged_mentions", time: "toDateTime(event_time)", kind: "rawDays" },
  { name: "engagement_events", time: "toDateTime(event_time)", kind: "rawDays" },
  { name: "post_virality", time: "toDateTime(assessed_at)", kind: "rawDays" },
  { name: "author_ranks", time: "toDateTime(computed_for)", kind: "rawDays" },
  { name: "alerts", time: "toDateTime(fired_at)", kind: "aggregateDays" },
  { name: "web_events", time: "toDateTime(event_time)", kind: "rawDays" },
  { name: "alert_acknowledgements", time: "toDateTime(acknowledged_at)", kind: "aggregateDays" },
  { name: "responsiveness_items", time: "toDateTime(asked_at)", kind: "aggregateDays" },
  { name: "responsiveness_answers", time: "toDateTime(answered_at)", kind: "aggregateDays" },
  { name: "responsiveness_closures", time: "toDateTime(closed_at)", kind: "aggregateDays" },
  { name: "mention_window_deltas", time: "toDateTime(inserted_at)", kind: "rawDays" },
  { name: "issue_windows", time: "window_end", kind: "aggregateDays" },
  { name: "mention_windows_1m", time: "window_start", kind: "aggregateDays" },
  { name: "mention_windows_1h", time: "window_start", kind: "aggregateDays" },
  { name: "mention_windows_1d", time: "window_start", kind: "aggregateDays" },
  { name: "mention_windows_province_1m", time: "window_start", kind: "aggregateDays" },
  { name: "mention_windows_province_1h", time: "window_start", kind: "aggregateDays" },
  { name: "mention_changes", time: "toDateTime(changed_time)", kind: "rawDays" },
];

/**
 * Brings each table's TTL to the configured retention; tables created with another retention
 * (an earlier configuration, or before retention was configurable) are altered, the others left.
 */
async function applyRetention(storage: Storage, retention: Retention, logger: Logger): Promise<void> {
  const result = await storage.client.query({
    query: "SELECT name, engine_full FROM system.tables WHERE database = {database:String}",
    query_params: { database: storage.database },
    format: "JSONEachRow",
  });
  const engines = new Map(
    (await result.json<{ name: string; engine_full: string }>()).map((r) => [r.name, r.engine_full]),
  );
  for (const { name, time, kind } of RETAINED_TABLES) {
    const days = retention[kind];
    if (engines.get(name)?.includes(`TTL ${time} + toIntervalDay(${days})`) !== false) continue;
    await storage.client.command({
      query: `ALTER TABLE ${storage.table(name)} MODIFY TTL ${time} + INTERVAL ${days} DAY`,
    });
    logger.info({ table: name, days }, "changed ClickHouse retention");
  }
}

export async function migrate(
  storage: Storage,
  logger: Logger,
  retention = DEFAULT_RETENTION,
  migrations = MIGRATIONS,
): Promise<number[]> {
  const { client } = storage;
  const ledger = storage.table("schema_migrations");
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${storage.database}\`` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${ledger} (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
            ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const result = await client.query({ query: `SELECT DISTINCT version FROM ${ledger}`, format: "JSONEachRow" });
  const applied = new Set((await result.json<{ version: number }>()).map((row) => Number(row.version)));
  const newlyApplied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements(storage.table, retention)) await client.command({ query: statement });
    await client.insert({
      table: ledger,
      values: [{ version: migration.version, name: migration.name, applied_at: Date.now() }],
      format: "JSONEachRow",
    });
    logger.info({ version: migration.version, name: migration.name }, "applied ClickHouse migration");
    newlyApplied.push(migration.version);
  }
  await applyRetention(storage, retention, logger);
  return newlyApplied;
}
