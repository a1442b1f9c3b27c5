/**
 * Migrations 23 and 24's views on embedded ClickHouse: mentions of accounts in a campaign active at
 * their time are flagged, and persepsi (every scope, and by province), the measures and
 * sustainability are read without them (a retired membership, or a mention outside the
 * campaign's time, is organic).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { memberRow as member, mentionRow } from "../../fixtures/coordination.js";
import { useMigratedStorage } from "../../support/storage.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 01:00 UTC yesterday: the mentions stay within one day and within retention. */
const H = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 23 * HOUR;
const DAY = 24 * HOUR;
const AGENCY = "bpjs";
/** The second agency's day: the day before H, with a campaign (c2) and places. */
const D = H - DAY;
const KPK = { agency: "kpk", query: "kpk-korupsi" };
const SUAP = { agency: "kpk", query: "kpk-suap" };

const storage = useMigratedStorage({ database: "simak_organic_test" });

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const result = await storage.client.query({
    query: sql,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json();
}

beforeAll(async () => {
  await storage.client.insert({
    table: storage.table("tagged_mentions"),
    format: "JSONEachRow",
    values: [
      mentionRow("m1", "a1", H + 5 * MIN, "negative", 10),
      mentionRow("m2", "a1", H + 3 * HOUR, "negative", 10, { likes: 1 }),
      mentionRow("m3", "b1", H + 5 * MIN, "positive", 100, { likes: 2 }),
      mentionRow("m4", "b2", H + 20 * MIN, "neutral", 50),
      mentionRow("m5", "a2", H + 15 * MIN, "negative", 5),
      mentionRow("m6", "a3", H + 6 * MIN, "negative", 7),
      // kpk: c1 and c2 are members of c2 on day D; c1's mention a week before is organic.
      mentionRow("k0", "c1", D - 7 * DAY, "negative", 50, KPK),
      mentionRow("k0b", "b3", D - 7 * DAY, "positive", 200, KPK),
      mentionRow("k1", "c1", D + 2 * MIN, "negative", 50, { ...KPK, province: "31" }),
      mentionRow("k2", "c2", D + 3 * MIN, "negative", 50, { ...KPK, province: "31" }),
      mentionRow("k3", "b3", D + 4 * MIN, "positive", 200, { ...KPK, province: "31" }),
      mentionRow("k4", "b4", D + 5 * MIN, "neutral", 300, { ...SUAP, province: "32" }),
      mentionRow("k6", "b5", D + 6 * MIN, "negative", 10, { ...KPK, province: "31" }),
    ],
  });
  await storage.client.insert({
    table: storage.table("campaign_accounts"),
    format: "JSONEachRow",
    values: [
      member("c1", "a1", H, H + 10 * MIN),
      member("c1", "a2", H, H + 10 * MIN),
      member("c1", "a3", H, H + 10 * MIN),
      // a3 left the campaign at a later write.
      member("c1", "a3", H, H + 10 * MIN, 1),
      member("c2", "c1", D, D + 10 * MIN),
      member("c2", "c2", D, D + 10 * MIN),
    ],
  });
}, 60_000);

describe("organic views (migration 23)", () => {
  it("flags members' mentions while their campaign is active, with its grace", async () => {
    expect(
      await query(`SELECT platform, id, campaign_id FROM ${storage.table("flagged_mentions")} ORDER BY id`),
    ).toEqual([
      { platform: "x", id: "k1", campaign_id: "c2" },
      { platform: "x", id: "k2", campaign_id: "c2" },
      { platform: "x", id: "m1", campaign_id: "c1" },
      { platform: "x", id: "m5", campaign_id: "c1" },
    ]);
  });

  it("reads persepsi and the measures without flagged mentions", async () => {
    expect(
      await query(
        `SELECT toUnixTimestamp(hour_start) * 1000 - ${H} AS at, scope_kind, agency, mention_count, labelled_mentions, net_sentiment
         FROM ${storage.table("persepsi_hourly_organic")} WHERE at >= 0 AND scope_kind != 'query' ORDER BY at, scope_kind`,
      ),
    ).toEqual([
      { at: 0, scope_kind: "agency", agency: AGENCY, mention_count: 3, labelled_mentions: 3, net_sentiment: 0 },
      { at: 0, scope_kind: "all", agency: "", mention_count: 3, labelled_mentions: 3, net_sentiment: 0 },
      {
        at: 3 * HOUR,
        scope_kind: "agency",
        agency: AGENCY,
        mention_count: 1,
        labelled_mentions: 1,
        net_sentiment: -100,
      },
      { at: 3 * HOUR, scope_kind: "all", agency: "", mention_count: 1, labelled_mentions: 1, net_sentiment: -100 },
    ]);
    expect(
      await query(
        `SELECT toUnixTimestamp(hour_start) * 1000 - ${H} AS at, scope_kind, rolling_labelled, rolling_net_sentiment
         FROM ${storage.table("persepsi_trend_organic")} WHERE scope_kind = 'agency' AND agency = '${AGENCY}' ORDER BY at`,
      ),
    ).toEqual([
      { at: 0, scope_kind: "agency", rolling_labelled: 3, rolling_net_sentiment: 0 },
      { at: 3 * HOUR, scope_kind: "agency", rolling_labelled: 4, rolling_net_sentiment: -25 },
    ]);
    expect(
      await query(
        `SELECT agency, mention_count, distinct_authors, total_reach, distinct_author_reach FROM ${storage.table("measure_reach_daily_organic")} WHERE agency = '${AGENCY}'`,
      ),
    ).toEqual([
      { agency: AGENCY, mention_count: 4, distinct_authors: 4, total_reach: 167, distinct_author_reach: 167 },
    ]);
    expect(
      await query(
        `SELECT toUnixTimestamp(hour_start) * 1000 - ${H} AS at, platform, mention_count
         FROM ${storage.table("measure_frequency_hourly_organic")} WHERE agency = '${AGENCY}' ORDER BY at`,
      ),
    ).toEqual([
      { at: 0, platform: "x", mention_count: 3 },
      { at: 3 * HOUR, platform: "x", mention_count: 1 },
    ]);
    expect(
      await query(
        `SELECT mention_count, likes_received, high_influence_mentions FROM ${storage.table("measure_influence_daily_organic")} WHERE agency = '${AGENCY}'`,
      ),
    ).toEqual([{ mention_count: 4, likes_received: 3, high_influence_mentions: 0 }]);
    expect(
      await query(
        `SELECT mention_count, like_count, total_reach, engagement_rate, labelled_mentions, positive_share, net_sentiment
         FROM ${storage.table("measure_conversation_daily_organic")} WHERE agency = '${AGENCY}'`,
      ),
    ).toEqual([
      {
        mention_count: 4,
        like_count: 3,
        total_reach: 167,
        engagement_rate: 0.018,
        labelled_mentions: 4,
        positive_share: 0.25,
        net_sentiment: -25,
      },
    ]);
  });

  // Day D: k1 and k2 (negative, by c2's members) flagged; k3 positive, k6 negative (kpk-korupsi,
  // province 31), k4 neutral (kpk-suap, province 32) organic.
  it("reads persepsi of every scope without flagged mentions (migration 24)", async () => {
    expect(
      await query(
        `SELECT scope_kind, scope, agency, mention_count, positive_mentions, negative_mentions, labelled_mentions, net_sentiment
         FROM ${storage.table("persepsi_hourly_organic")} WHERE hour_start = toDateTime(${D / 1000})
         ORDER BY scope_kind, scope`,
      ),
    ).toEqual([
      {
        scope_kind: "agency",
        scope: "kpk",
        agency: "kpk",
        mention_count: 3,
        positive_mentions: 1,
        negative_mentions: 1,
        labelled_mentions: 3,
        net_sentiment: 0,
      },
      {
        scope_kind: "all",
        scope: "",
        agency: "",
        mention_count: 3,
        positive_mentions: 1,
        negative_mentions: 1,
        labelled_mentions: 3,
        net_sentiment: 0,
      },
      {
        scope_kind: "query",
        scope: "kpk-korupsi",
        agency: "kpk",
        mention_count: 2,
        positive_mentions: 1,
        negative_mentions: 1,
        labelled_mentions: 2,
        net_sentiment: 0,
      },
      {
        scope_kind: "query",
        scope: "kpk-suap",
        agency: "kpk",
        mention_count: 1,
        positive_mentions: 0,
        negative_mentions: 0,
        labelled_mentions: 1,
        net_sentiment: 0,
      },
    ]);
    // H's query scope "bpjs" is the agency's: m3, m4, m6 at H, m2 at H+3h.
    expect(
      await query(
        `SELECT toUnixTimestamp(hour_start) * 1000 - ${H} AS at, mention_count, net_sentiment
         FROM ${storage.table("persepsi_hourly_organic")} WHERE scope_kind = 'query' AND scope = 'bpjs' ORDER BY at`,
      ),
    ).toEqual([
      { at: 0, mention_count: 3, net_sentiment: 0 },
      { at: 3 * HOUR, mention_count: 1, net_sentiment: -100 },
    ]);
    expect(
      await query(
        `SELECT scope, rolling_labelled, rolling_net_sentiment FROM ${storage.table("persepsi_trend_organic")}
         WHERE scope_kind = 'query' AND hour_start = toDateTime(${D / 1000}) ORDER BY scope`,
      ),
    ).toEqual([
      { scope: "kpk-korupsi", rolling_labelled: 2, rolling_net_sentiment: 0 },
      { scope: "kpk-suap", rolling_labelled: 1, rolling_net_sentiment: 0 },
    ]);
  });

  it("reads persepsi and volume by province without flagged mentions", async () => {
    expect(
      await query(
        `SELECT scope_kind, province, mention_count, labelled_mentions, net_sentiment, negative_share
         FROM ${storage.table("persepsi_province_hourly_organic")} WHERE hour_start = toDateTime(${D / 1000})
         ORDER BY scope_kind, province`,
      ),
    ).toEqual([
      {
        scope_kind: "agency",
        province: "31",
        mention_count: 2,
        labelled_mentions: 2,
        net_sentiment: 0,
        negative_share: 0.5,
      },
      {
        scope_kind: "agency",
        province: "32",
        mention_count: 1,
        labelled_mentions: 1,
        net_sentiment: 0,
        negative_share: 0,
      },
      {
        scope_kind: "all",
        province: "31",
        mention_count: 2,
        labelled_mentions: 2,
        net_sentiment: 0,
        negative_share: 0.5,
      },
      {
        scope_kind: "all",
        province: "32",
        mention_count: 1,
        labelled_mentions: 1,
        net_sentiment: 0,
        negative_share: 0,
      },
    ]);
    expect(
      await query(
        `SELECT scope_kind, scope, province, mention_count, distinct_authors, total_reach
         FROM ${storage.table("volume_province_daily_organic")} WHERE day = toDate(${D / 1000}) AND scope_kind = 'agency'
         ORDER BY province`,
      ),
    ).toEqual([
      { scope_kind: "agency", scope: "kpk", province: "31", mention_count: 2, distinct_authors: 2, total_reach: 210 },
      { scope_kind: "agency", scope: "kpk", province: "32", mention_count: 1, distinct_authors: 1, total_reach: 300 },
    ]);
  });

  // Week before D: c1 (before c2 began) and b3; D's week: b3 (back), b4, b5; c1 and c2 flagged.
  it("reads sustainability without flagged accounts", async () => {
    const weeks = (view: string) =>
      query(
        `SELECT dateDiff('week', toMonday(toDate(${D / 1000})), week_start) AS week, active_count, returning_count, returning_share
         FROM ${storage.table(view)} WHERE agency = 'kpk' AND audience = 'authors' ORDER BY week`,
      );
    expect(await weeks("measure_sustainability_weekly_organic")).toEqual([
      { week: -1, active_count: 2, returning_count: 0, returning_share: 0 },
      { week: 0, active_count: 3, returning_count: 1, returning_share: 0.3333 },
    ]);
    expect(await weeks("measure_sustainability_weekly")).toEqual([
      { week: -1, active_count: 2, returning_count: 0, returning_share: 0 },
      { week: 0, active_count: 5, returning_count: 2, returning_share: 0.4 },
    ]);
  });
});
