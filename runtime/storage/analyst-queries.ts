/**
 * The named queries of docs/analysts.md that programs run too (the evaluation report,
 * sinks/report): one text each, here. test/docs/analysts.test.ts checks that the page's ```sql
 * block of the same name is this text, character for character, and runs it on seeded data, so a
 * number the report prints is the number an analyst gets from the page.
 *
 * Every query reads one agency (`{agency:String}`) over the days `{from:Date}` (included) to
 * `{to:Date}` (excluded), and names its tables `simak.<table>`; `runAnalystQuery` points them at the
 * configured database.
 */
import { queryRows, type Storage } from "./clickhouse.js";

export const ANALYST_QUERIES = {
  "reach-month": `-- reach-month
SELECT sum(mentions) AS mention_count,
       uniqExactMerge(authors) AS distinct_authors,
       sum(reach) AS total_reach,
       arraySum(maxMapMerge(author_followers).2) AS distinct_author_reach
FROM simak.mention_windows_1d
WHERE scope_kind = 'agency' AND scope = {agency:String}
  AND window_start >= {from:Date} AND window_start < {to:Date}
`,
  "frequency-month": `-- frequency-month
SELECT platform, sum(mention_count) AS mentions_total, count() AS active_hours,
       max(mention_count) AS peak_hour_mentions
FROM simak.measure_frequency_hourly
WHERE agency = {agency:String} AND hour_start >= {from:Date} AND hour_start < {to:Date}
GROUP BY platform
ORDER BY platform
`,
  "web-traffic-month": `-- web-traffic-month
SELECT site, sumIf(event_count, kind = 'visit') AS page_view_total,
       uniqExactIf(visitor_id, kind = 'visit') AS distinct_visitors,
       sumIf(event_count, kind = 'click') AS click_total,
       sumIf(event_count, kind = 'download') AS download_total
FROM simak.web_events
WHERE agency = {agency:String} AND event_time >= {from:Date} AND event_time < {to:Date}
GROUP BY site
`,
  "influence-month": `-- influence-month
SELECT sum(mention_count) AS mentions_total, sum(likes_received) AS likes_total,
       sum(shares_received) AS shares_total, sum(replies_received) AS replies_total,
       round(sum(high_influence_mentions) / sum(mention_count), 4) AS high_influence_ratio,
       sum(viral_mentions) AS viral_total
FROM simak.measure_influence_daily
WHERE agency = {agency:String} AND day >= {from:Date} AND day < {to:Date}
`,
  "conversation-month": `-- conversation-month
SELECT sum(mention_count) AS mentions_total, sum(reply_count) AS replies_total,
       round((sum(reply_count) + sum(like_count) + sum(share_count)) / sum(total_reach), 6) AS engagement_ratio,
       round(sum(positive_mentions) / sum(labelled_mentions), 4) AS positive_ratio,
       round(100 * (sum(positive_mentions) - sum(negative_mentions)) / sum(labelled_mentions), 1) AS net_sentiment_index
FROM simak.measure_conversation_daily
WHERE agency = {agency:String} AND day >= {from:Date} AND day < {to:Date}
`,
  "sustainability-month": `-- sustainability-month
SELECT audience, week_start, active_count, returning_count, returning_share, loyal_count
FROM simak.measure_sustainability_weekly
WHERE agency = {agency:String} AND week_start >= {from:Date} AND week_start < {to:Date}
ORDER BY audience, week_start
`,
  "persepsi-daily": `-- persepsi-daily
SELECT toDate(hour_start) AS day, sum(mention_count) AS mention_total,
       sum(positive_mentions) AS positive_total, sum(negative_mentions) AS negative_total,
       sum(labelled_mentions) AS labelled_total,
       if(labelled_total = 0, NULL, round(100 * (positive_total - negative_total) / labelled_total, 1)) AS net_sentiment_index
FROM simak.persepsi_hourly
WHERE scope_kind = 'agency' AND scope = {agency:String}
  AND hour_start >= {from:Date} AND hour_start < {to:Date}
GROUP BY day
ORDER BY day
`,
  "persepsi-direction-end": `-- persepsi-direction-end
SELECT hour_start, rolling_net_sentiment, previous_net_sentiment, direction
FROM simak.persepsi_trend
WHERE scope_kind = 'agency' AND scope = {agency:String}
  AND hour_start >= {from:Date} AND hour_start < {to:Date}
ORDER BY hour_start DESC
LIMIT 1
`,
  "sentiment-by-platform": `-- sentiment-by-platform
SELECT platform, sum(mentions) AS mention_total,
       sumIf(mentions, sentiment = 'positive') AS positive_total,
       sumIf(mentions, sentiment = 'neutral') AS neutral_total,
       sumIf(mentions, sentiment = 'negative') AS negative_total
FROM simak.mention_windows_1d
WHERE scope_kind = 'agency' AND scope = {agency:String}
  AND window_start >= {from:Date} AND window_start < {to:Date}
GROUP BY platform
ORDER BY mention_total DESC, platform
`,
  "top-posts-period": `-- top-posts-period
SELECT platform, id, author_handle, sentiment_label, likes + shares + replies AS engagement,
       author_followers AS followers, url, leftUTF8(text, 160) AS excerpt
FROM simak.tagged_mentions
WHERE has(topic_agencies, {agency:String}) AND event_time >= {from:Date} AND event_time < {to:Date}
ORDER BY engagement DESC, followers DESC, id
LIMIT 5
`,
  "top-voices-period": `-- top-voices-period
SELECT platform AS author_platform, author_handle AS handle, count() AS mention_count,
       max(author_followers) AS followers, sum(likes + shares + replies) AS engagement_received,
       countIf(sentiment_label = 'negative') AS negative_count
FROM simak.tagged_mentions
WHERE has(topic_agencies, {agency:String}) AND event_time >= {from:Date} AND event_time < {to:Date}
  AND ifNull(account_role, '') != 'official'
GROUP BY author_platform, handle
ORDER BY engagement_received DESC, followers DESC, handle
LIMIT 5
`,
  "segments-period": `-- segments-period
SELECT ifNull(segment, 'unknown') AS audience_segment, uniqExact(platform, author_id) AS author_count,
       count() AS mention_count
FROM simak.tagged_mentions
WHERE has(topic_agencies, {agency:String}) AND event_time >= {from:Date} AND event_time < {to:Date}
GROUP BY audience_segment
ORDER BY author_count DESC, audience_segment
`,
  "responsiveness-month": `-- responsiveness-month
SELECT count() AS asked, countIf(status = 'answered') AS answered, countIf(status = 'overdue') AS overdue,
       round(answered / (asked - countIf(status = 'closed')), 4) AS answer_rate,
       quantileExactLow(0.5)(seconds_to_answer) AS median_seconds_to_answer,
       quantileExactLow(0.9)(seconds_to_answer) AS p90_seconds_to_answer
FROM simak.responsiveness_queue
WHERE agency = {agency:String} AND asked_day >= {from:Date} AND asked_day < {to:Date}
`,
  "oldest-unanswered-period": `-- oldest-unanswered-period
SELECT item_id, platform, url, author_handle, status, asked_at, due_at
FROM simak.responsiveness_open
WHERE agency = {agency:String} AND asked_day >= {from:Date} AND asked_day < {to:Date}
ORDER BY asked_at, item_id
LIMIT 5
`,
  "alerts-period": `-- alerts-period
SELECT a.id AS alert_id, a.rule_id AS rule_id, a.severity AS severity, a.signal AS signal,
       a.fired_at AS fired_at, a.message AS message,
       if(k.id = '', NULL, k.first_at) AS acknowledged_at, nullIf(k.first_by, '') AS acknowledged_by,
       if(r.incident_id = '', NULL, r.resolved_at) AS resolved_at
FROM (SELECT * FROM simak.alerts FINAL
      WHERE agency = {agency:String} AND status = 'firing'
        AND fired_at >= {from:Date} AND fired_at < {to:Date}) AS a
LEFT JOIN (SELECT id, min(acknowledged_at) AS first_at, argMin(acknowledged_by, acknowledged_at) AS first_by
           FROM simak.alert_acknowledgements GROUP BY id) AS k ON k.id = a.id
LEFT JOIN (SELECT assumeNotNull(incident_id) AS incident_id, min(fired_at) AS resolved_at
           FROM simak.alerts FINAL WHERE status = 'resolved' AND incident_id IS NOT NULL
           GROUP BY incident_id) AS r ON r.incident_id = ifNull(a.incident_id, '')
ORDER BY fired_at, alert_id
`,
} as const;

export type AnalystQueryName = keyof typeof ANALYST_QUERIES;

/** The parameters every named query takes: the agency and the days [from, to) as YYYY-MM-DD. */
export interface PeriodParams {
  agency: string;
  from: string;
  to: string;
}

/** Runs a named query on `storage`'s database; 64-bit integers come back as numbers. */
export async function runAnalystQuery<T = Record<string, unknown>>(
  storage: Storage,
  name: AnalystQueryName,
  params: PeriodParams,
): Promise<T[]> {
  return queryRows<T>(storage, ANALYST_QUERIES[name], { ...params }, { inDatabase: true });
}
