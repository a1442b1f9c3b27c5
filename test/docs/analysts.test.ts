/**
 * Every ```sql block of docs/analysts.md, run against embedded ClickHouse (chdb) migrated by the
 * real migrations and seeded with hand-built data through the code the pipeline writes with (the
 * sink's row mappers, the windows accumulator and the aggregate stage's delta rows), and its
 * result checked against expectations computed by hand below. A block without an expectation, or
 * an expectation without a block, fails: the page cannot drift from the schema.
 *
 * The data: test/fixtures/analytics.ts.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANALYST_QUERIES } from "../../runtime/storage/analyst-queries.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import {
  A,
  BPJS,
  closeSeeded,
  DAY,
  DKI,
  date,
  dateTime,
  H,
  HOUR,
  ISSUES_HOUR,
  JABAR,
  JATIM,
  SITE,
  seededStorage,
  WEEK,
} from "../fixtures/analytics.js";

const PARAMS: Record<string, string> = {
  agency: BPJS,
  hour: dateTime(H),
  week: date(A),
  // persepsi-trend and hourly-volume: the 12 hours up to and including H; the month queries: days.
  from: dateTime(H - 12 * HOUR),
  to: dateTime(H + HOUR),
};
const MONTH = { from: date(A - 3 * WEEK), to: date(A + WEEK) };

const trend = (
  at: number,
  agency: string,
  mentions: number,
  net: number,
  rolling: number,
  previous: number | null,
  direction: string,
) => ({
  hour_start: dateTime(at),
  agency,
  mention_count: mentions,
  net_sentiment: net,
  rolling_net_sentiment: rolling,
  previous_net_sentiment: previous,
  direction,
});

/** Per block: the parameters it runs with (over PARAMS) and its rows, computed by hand. */
const EXPECTED: Record<string, { params?: Record<string, string>; rows: Record<string, unknown>[] }> = {
  // 61 BPJS mentions: 50 by the crowd (100 followers each), neg-a, kritikus and neg-c (200 200),
  // loyal x4 (1000), regular x2 (500), fan x2 (20 000); 56 distinct authors.
  "reach-month": {
    params: MONTH,
    rows: [{ mention_count: 61, distinct_authors: 56, total_reach: 250_200, distinct_author_reach: 226_700 }],
  },
  // BPJS: H-8 -20 (5-10 of 25); H-2 +20 (10-5 of 25) vs -20 before: rising; H -100 (3 negative),
  // rolling H-5..H = (10-8)/28 = 7.1 vs H-11..H-6 = -20: rising. Polri: H-9 +100 (20);
  // H-1 (10-12)/22 = -9.1 vs H-12..H-7 = 100: falling. First hours: no previous window.
  "persepsi-trend": {
    rows: [
      trend(H - 8 * HOUR, BPJS, 25, -20, -20, null, "insufficient"),
      trend(H - 2 * HOUR, BPJS, 25, 20, 20, -20, "rising"),
      trend(H, BPJS, 3, -100, 7.1, -20, "rising"),
      trend(H - 9 * HOUR, "Polri", 20, 100, 100, null, "insufficient"),
      trend(H - HOUR, "Polri", 22, -9.1, -9.1, 100, "falling"),
    ],
  },
  "top-negative-posts": {
    rows: [
      { platform: "x", id: "neg-b", author_handle: "kritikus", engagement: 54, sentiment_score: -0.9, url: null },
      { platform: "instagram", id: "neg-c", author_handle: "neg-c", engagement: 50, sentiment_score: -0.7, url: null },
      { platform: "x", id: "neg-a", author_handle: "neg-a", engagement: 5, sentiment_score: -0.6, url: null },
    ],
  },
  "top-influencers": {
    rows: [
      {
        author_platform: "x",
        handle: "kritikus",
        influence: 80,
        mention_count: 1,
        engagement_received: 54,
        pagerank_position: 1,
      },
      {
        author_platform: "x",
        handle: "fan",
        influence: 65,
        mention_count: 1,
        engagement_received: 0,
        pagerank_position: 0,
      },
      {
        author_platform: "x",
        handle: "loyal",
        influence: 40,
        mention_count: 1,
        engagement_received: 0,
        pagerank_position: 2,
      },
    ],
  },
  "hourly-volume": {
    rows: [
      { hour_start: dateTime(H - 9 * HOUR), platform: "x", mention_count: 20 },
      { hour_start: dateTime(H - 8 * HOUR), platform: "x", mention_count: 25 },
      { hour_start: dateTime(H - 2 * HOUR), platform: "x", mention_count: 25 },
      { hour_start: dateTime(H - HOUR), platform: "x", mention_count: 22 },
      { hour_start: dateTime(H), platform: "instagram", mention_count: 1 },
      { hour_start: dateTime(H), platform: "x", mention_count: 2 },
    ],
  },
  // x: Tuesdays 1 + 2 + 2 + 3, H-8 25, H-2 25, H 2 (neg-a, neg-b).
  "frequency-month": {
    params: MONTH,
    rows: [
      { platform: "instagram", mentions_total: 1, active_hours: 1, peak_hour_mentions: 1 },
      { platform: "x", mentions_total: 60, active_hours: 7, peak_hour_mentions: 25 },
    ],
  },
  // BPJS with a place: H-8 5 positive in Jawa Timur, 10 negative in Jawa Barat; H-2 10 positive
  // and 5 negative in Jawa Barat; H neg-a in Jawa Barat. Jawa Barat (10 - 16) / 26 = -23.1.
  "persepsi-by-province": {
    rows: [
      { province: JABAR, mentions: 26, negative: 16, labelled: 26, net_sentiment_index: -23.1, negative_ratio: 0.6154 },
      { province: JATIM, mentions: 5, negative: 0, labelled: 5, net_sentiment_index: 100, negative_ratio: 0 },
    ],
  },
  // All on the day of H; each mention by its own author with 100 followers.
  "province-volume-daily": {
    params: MONTH,
    rows: [
      { day: date(H), province: JABAR, mention_count: 26, distinct_authors: 26, total_reach: 2600 },
      { day: date(H), province: JATIM, mention_count: 5, distinct_authors: 5, total_reach: 500 },
    ],
  },
  // Scope all: Polri's 12 negative at H-1 in DKI Jakarta too.
  "province-volume-month": {
    params: MONTH,
    rows: [
      { province: JABAR, mention_total: 26, distinct_author_total: 26 },
      { province: DKI, mention_total: 12, distinct_author_total: 12 },
      { province: JATIM, mention_total: 5, distinct_author_total: 5 },
    ],
  },
  // Jawa Barat's negatives: 10 at H-8 and neg-a in Kota Cirebon, 5 at H-2 in Kabupaten Cirebon.
  "regency-negative-mentions": {
    rows: [
      { regency: "32.74", negative_mentions: 11 },
      { regency: "32.09", negative_mentions: 5 },
    ],
  },
  // Views 1 + 1 + 1 + 1 + 1 + 10 by v1, v2, v3 (and unknown visitors).
  "web-traffic-month": {
    params: MONTH,
    rows: [{ site: SITE, page_view_total: 15, distinct_visitors: 3, click_total: 3, download_total: 1 }],
  },
  // High influence (>= 60): kritikus once, fan twice, of 61.
  "influence-month": {
    params: MONTH,
    rows: [
      {
        mentions_total: 61,
        likes_total: 75,
        shares_total: 4,
        replies_total: 30,
        high_influence_ratio: 0.0492,
        viral_total: 0,
      },
    ],
  },
  // 15 positive, 18 negative, 28 neutral; engagement (30 + 75 + 4) / 250 200.
  "conversation-month": {
    params: MONTH,
    rows: [
      {
        mentions_total: 61,
        replies_total: 30,
        engagement_ratio: 0.000436,
        positive_ratio: 0.2459,
        net_sentiment_index: -4.9,
      },
    ],
  },
  // Authors: W-3 loyal; W-2 loyal (back), regular; W-1 loyal (back, 3 of 4 weeks), fan; W0 loyal
  // (back, loyal), regular, fan (back) and the 53 of this week. Visitors: W-1 v1, v2; W0 v1 (back), v3.
  "sustainability-month": {
    params: MONTH,
    rows: [
      {
        audience: "authors",
        week_start: date(A - 3 * WEEK),
        active_count: 1,
        returning_count: 0,
        returning_share: 0,
        loyal_count: 0,
      },
      {
        audience: "authors",
        week_start: date(A - 2 * WEEK),
        active_count: 2,
        returning_count: 1,
        returning_share: 0.5,
        loyal_count: 0,
      },
      {
        audience: "authors",
        week_start: date(A - WEEK),
        active_count: 2,
        returning_count: 1,
        returning_share: 0.5,
        loyal_count: 1,
      },
      {
        audience: "authors",
        week_start: date(A),
        active_count: 56,
        returning_count: 2,
        returning_share: 0.0357,
        loyal_count: 1,
      },
      {
        audience: "visitors",
        week_start: date(A - WEEK),
        active_count: 2,
        returning_count: 0,
        returning_share: 0,
        loyal_count: 0,
      },
      {
        audience: "visitors",
        week_start: date(A),
        active_count: 2,
        returning_count: 1,
        returning_share: 0.5,
        loyal_count: 0,
      },
    ],
  },
  // test/fixtures/responsiveness.ts: s1 1800 s, s2 7200 s, s5 86 400 s (late); s3 overdue; s4 closed.
  "responsiveness-month": {
    params: MONTH,
    rows: [
      {
        asked: 5,
        answered: 3,
        overdue: 1,
        answer_rate: 0.75,
        median_seconds_to_answer: 7200,
        p90_seconds_to_answer: 86_400,
      },
    ],
  },
  "responsiveness-daily": {
    params: MONTH,
    rows: [
      {
        day: date(A),
        asked: 2,
        answered: 2,
        closed: 0,
        overdue: 0,
        answered_late: 0,
        answer_rate: 1,
        median_seconds_to_answer: 1800,
        p90_seconds_to_answer: 7200,
      },
      {
        day: date(A + DAY),
        asked: 2,
        answered: 0,
        closed: 1,
        overdue: 1,
        answered_late: 0,
        answer_rate: 0,
        median_seconds_to_answer: null,
        p90_seconds_to_answer: null,
      },
      {
        day: date(A + 2 * DAY),
        asked: 1,
        answered: 1,
        closed: 0,
        overdue: 0,
        answered_late: 1,
        answer_rate: 1,
        median_seconds_to_answer: 86_400,
        p90_seconds_to_answer: 86_400,
      },
    ],
  },
  // Tuesday 09:00 WIB (02:00 UTC), due at 13:00 WIB.
  "needs-answer": {
    rows: [
      {
        item_id: "s3",
        platform: "x",
        url: "https://x.com/i/status/s3",
        status: "overdue",
        asked_at: `${dateTime(A + DAY + 2 * HOUR)}.000`,
        due_at: `${dateTime(A + DAY + 6 * HOUR)}.000`,
      },
    ],
  },
};

// Issues: test/fixtures/issues.ts seedIssues (windows ending ISSUES_HOUR + 10 and + 11 minutes).
EXPECTED["rising-issues"] = {
  rows: [
    {
      issue_key: "antrean bpjs",
      label: "antrean bpjs, faskes",
      volume: 15,
      negative: 12,
      negative_share: 0.8,
      growth: 7.5,
      first_seen: dateTime(ISSUES_HOUR + 10 * 60_000),
    },
  ],
};
EXPECTED["issues-hour"] = {
  params: { hour: dateTime(ISSUES_HOUR) },
  rows: [
    {
      issue_key: "antrean bpjs",
      label: "antrean bpjs, faskes",
      peak_volume: 15,
      negative: 12,
      windows: 2,
      example_ids: ["x:antreanbpjs1", "x:antreanbpjs2"],
    },
    {
      issue_key: "aplikasi error",
      label: "aplikasi error",
      peak_volume: 6,
      negative: 3,
      windows: 1,
      example_ids: ["x:aplikasierror1", "x:aplikasierror2"],
    },
  ],
};
// Posts i1 and i2 have the pair "antrean bpjs" (i1 negative), i3 not.
EXPECTED["issue-posts"] = { params: { hour: dateTime(ISSUES_HOUR) }, rows: [{ posts: 2, negative: 1 }] };
// Coordination: test/fixtures/analytics.ts FLAGGED_AUTHORS, five of the crowd's negative authors at
// H-8h (Jawa Barat, Kota Cirebon), in a campaign then. Without them BPJS has 48 labelled mentions,
// 15 positive and 13 negative; Polri has no flagged mention.
EXPECTED["persepsi-with-and-without-flagged"] = {
  rows: [
    {
      agency: BPJS,
      labelled_all: 53,
      net_sentiment_all: -5.7,
      labelled_organic: 48,
      net_sentiment_organic: 4.2,
    },
    { agency: "Polri", labelled_all: 42, net_sentiment_all: 42.9, labelled_organic: 42, net_sentiment_organic: 42.9 },
  ],
};
EXPECTED["persepsi-query-organic"] = {
  rows: [
    [H - 8 * HOUR, 20, 0],
    [H - 2 * HOUR, 25, 20],
    [H, 3, -100],
  ].map(([at, count, net]) => ({
    hour_start: dateTime(at as number),
    query_id: "bpjs-antrean",
    mention_count: count,
    labelled_mentions: count,
    net_sentiment: net,
  })),
};
// The week of H: 51 authors without the campaign's five.
EXPECTED["sustainability-organic"] = {
  params: MONTH,
  rows: (EXPECTED["sustainability-month"]?.rows ?? []).map((row) =>
    row.audience === "authors" && row.week_start === date(A)
      ? { ...row, active_count: 51, returning_share: 0.0392 }
      : row,
  ),
};
// Jawa Barat: 10 negative at H-8 less the five flagged, 10 positive and 5 negative at H-2, neg-a.
EXPECTED["persepsi-by-province-organic"] = {
  rows: [
    { province: JABAR, mentions: 21, negative: 11, labelled: 21, net_sentiment_index: -4.8, negative_ratio: 0.5238 },
    { province: JATIM, mentions: 5, negative: 0, labelled: 5, net_sentiment_index: 100, negative_ratio: 0 },
  ],
};
EXPECTED["province-volume-daily-organic"] = {
  params: MONTH,
  rows: [
    { day: date(H), province: JABAR, mention_count: 21, distinct_authors: 21, total_reach: 2100 },
    { day: date(H), province: JATIM, mention_count: 5, distinct_authors: 5, total_reach: 500 },
  ],
};
/** The alert fixture's times as stored (DateTime64(3)). */
const at = (ms: number) => `${dateTime(ms)}.000`;

/** The report's blocks (runtime/storage/analyst-queries.ts), on the seed of test/fixtures/analytics.ts. */
const REPORT_EXPECTED: Record<string, { params?: Record<string, string>; rows: Record<string, unknown>[] }> = {
  // The regulars' neutral Tuesdays (1, 2, 2, 3 mentions), then the day of H: 50 crowd + 3 negative.
  "persepsi-daily": {
    params: MONTH,
    rows: [
      ...[
        [3, 1],
        [2, 2],
        [1, 2],
        [0, 3],
      ].map(([weeksAgo, count]) => ({
        day: date(A - (weeksAgo as number) * WEEK + DAY),
        mention_total: count,
        positive_total: 0,
        negative_total: 0,
        labelled_total: count,
        net_sentiment_index: 0,
      })),
      {
        day: date(H),
        mention_total: 53,
        positive_total: 15,
        negative_total: 18,
        labelled_total: 53,
        net_sentiment_index: -5.7,
      },
    ],
  },
  // The hour H, as in persepsi-trend.
  "persepsi-direction-end": {
    params: MONTH,
    rows: [{ hour_start: dateTime(H), rolling_net_sentiment: 7.1, previous_net_sentiment: -20, direction: "rising" }],
  },
  "sentiment-by-platform": {
    params: MONTH,
    rows: [
      { platform: "x", mention_total: 60, positive_total: 15, neutral_total: 28, negative_total: 17 },
      { platform: "instagram", mention_total: 1, positive_total: 0, neutral_total: 0, negative_total: 1 },
    ],
  },
  // Then the fan's two posts (20 000 followers, no engagement), by id.
  "top-posts-period": {
    params: MONTH,
    rows: [
      ["x", "neg-b", "kritikus", "negative", 54, 200_000],
      ["instagram", "neg-c", "neg-c", "negative", 50, 100],
      ["x", "neg-a", "neg-a", "negative", 5, 100],
      ["x", "fan-w0", "fan", "neutral", 0, 20_000],
      ["x", "fan-w1", "fan", "neutral", 0, 20_000],
    ].map(([platform, id, author_handle, sentiment_label, engagement, followers]) => ({
      platform,
      id,
      author_handle,
      sentiment_label,
      engagement,
      followers,
      url: null,
      excerpt: "antrean vaksin lama bgt",
    })),
  },
  "top-voices-period": {
    params: MONTH,
    rows: [
      ["x", "kritikus", 1, 200_000, 54, 1],
      ["instagram", "neg-c", 1, 100, 50, 1],
      ["x", "neg-a", 1, 100, 5, 1],
      ["x", "fan", 2, 20_000, 0, 0],
      ["x", "loyal", 4, 1000, 0, 0],
    ].map(([author_platform, handle, mention_count, followers, engagement_received, negative_count]) => ({
      author_platform,
      handle,
      mention_count,
      followers,
      engagement_received,
      negative_count,
    })),
  },
  // neg-b's author is a critic, neg-c's a conversationalist; the other 54 authors have no segment.
  "segments-period": {
    params: MONTH,
    rows: [
      { audience_segment: "unknown", author_count: 54, mention_count: 59 },
      { audience_segment: "conversationalists", author_count: 1, mention_count: 1 },
      { audience_segment: "critics", author_count: 1, mention_count: 1 },
    ],
  },
  // bpjs-1 acknowledged first by rina (budi later), resolved at H-6h; bpjs-2 neither; Polri's not BPJS's.
  "alerts-period": {
    params: MONTH,
    rows: [
      {
        alert_id: "bpjs-1:firing",
        rule_id: "bpjs-negative",
        severity: "warning",
        signal: "negative-share",
        fired_at: at(H - 8 * HOUR),
        message: "bpjs-negative firing",
        acknowledged_at: at(H - 7 * HOUR - 30 * 60_000),
        acknowledged_by: "rina",
        resolved_at: at(H - 6 * HOUR),
      },
      {
        alert_id: "bpjs-2:firing",
        rule_id: "bpjs-negative",
        severity: "warning",
        signal: "negative-share",
        fired_at: at(H),
        message: "bpjs-negative firing",
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
      },
    ],
  },
  "oldest-unanswered-period": {
    params: MONTH,
    rows: [
      {
        item_id: "s3",
        platform: "x",
        url: "https://x.com/i/status/s3",
        author_handle: "warga",
        status: "overdue",
        asked_at: at(A + DAY + 2 * HOUR),
        due_at: at(A + DAY + 6 * HOUR),
      },
    ],
  },
};
Object.assign(EXPECTED, REPORT_EXPECTED);

/** The ```sql blocks of the page, by the name on their first line (`-- name`). */
function sqlBlocks(): Map<string, string> {
  const page = readFileSync(new URL("../../docs/analysts.md", import.meta.url), "utf8");
  const blocks = new Map<string, string>();
  for (const [, body] of page.matchAll(/```sql\n([\s\S]*?)```/g)) {
    const name = /^-- ([\w-]+)\n/.exec(body as string)?.[1];
    if (!name) throw new Error(`a sql block of docs/analysts.md has no "-- name" first line:\n${body}`);
    blocks.set(name, body as string);
  }
  return blocks;
}

describe("docs/analysts.md", () => {
  let storage: Storage;
  const blocks = sqlBlocks();

  beforeAll(async () => {
    storage = await seededStorage("analysts");
  });
  afterAll(() => closeSeeded(storage));

  it("has an expectation for every sql block and a block for every expectation", () => {
    expect([...blocks.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("holds each query programs run (runtime/storage/analyst-queries.ts) as its block of the same name", () => {
    for (const [name, text] of Object.entries(ANALYST_QUERIES)) expect(blocks.get(name), name).toBe(text);
  });

  it.each(Object.entries(EXPECTED))("%s gives the hand-computed rows", async (name, expected) => {
    const block = blocks.get(name);
    if (!block) throw new Error(`no sql block named ${name}`);
    // On a ClickHouse server the seed is in a database of its own rather than `simak`.
    const query = block.replaceAll("simak.", `\`${storage.database}\`.`);
    const params = { ...PARAMS, ...expected.params };
    const used = Object.fromEntries([...query.matchAll(/\{(\w+):/g)].map(([, key]) => [key, params[key as string]]));
    const result = await storage.client.query({
      query,
      query_params: used,
      format: "JSONEachRow",
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    expect(await result.json()).toEqual(expected.rows);
  });
});
