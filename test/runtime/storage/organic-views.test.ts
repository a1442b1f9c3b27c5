/**
 * Migration 23's views on embedded ClickHouse: mentions of accounts in a campaign active at their
 * time are flagged, and persepsi and the measures are read without them (a retired membership,
 * or a mention after the campaign's grace, is organic).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage, type Storage } from "../../../runtime/storage/clickhouse.js";
import { migrate } from "../../../runtime/storage/migrations.js";
import { memberRow as member, mentionRow } from "../../fixtures/coordination.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 01:00 UTC yesterday: the mentions stay within one day and within retention. */
const H = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 23 * HOUR;
const AGENCY = "bpjs";

let storage: Storage;

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const result = await storage.client.query({
    query: sql,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json();
}

beforeAll(async () => {
  storage = createStorage({
    username: "default",
    password: "",
    database: "simak_organic_test",
    dataDir: mkdtempSync(join(tmpdir(), "simak-chdb-")),
  });
  await migrate(storage, pino({ level: "silent" }));
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
    ],
  });
}, 60_000);

afterAll(async () => {
  await storage?.close();
});

describe("organic views (migration 23)", () => {
  it("flags members' mentions while their campaign is active, with its grace", async () => {
    expect(
      await query(`SELECT platform, id, campaign_id FROM ${storage.table("flagged_mentions")} ORDER BY id`),
    ).toEqual([
      { platform: "x", id: "m1", campaign_id: "c1" },
      { platform: "x", id: "m5", campaign_id: "c1" },
    ]);
  });

  it("reads persepsi and the measures without flagged mentions", async () => {
    expect(
      await query(
        `SELECT toUnixTimestamp(hour_start) * 1000 - ${H} AS at, scope_kind, agency, mention_count, labelled_mentions, net_sentiment
         FROM ${storage.table("persepsi_hourly_organic")} ORDER BY at, scope_kind`,
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
         FROM ${storage.table("persepsi_trend_organic")} WHERE scope_kind = 'agency' ORDER BY at`,
      ),
    ).toEqual([
      { at: 0, scope_kind: "agency", rolling_labelled: 3, rolling_net_sentiment: 0 },
      { at: 3 * HOUR, scope_kind: "agency", rolling_labelled: 4, rolling_net_sentiment: -25 },
    ]);
    expect(
      await query(
        `SELECT agency, mention_count, distinct_authors, total_reach, distinct_author_reach FROM ${storage.table("measure_reach_daily_organic")}`,
      ),
    ).toEqual([
      { agency: AGENCY, mention_count: 4, distinct_authors: 4, total_reach: 167, distinct_author_reach: 167 },
    ]);
    expect(
      await query(
        `SELECT toUnixTimestamp(hour_start) * 1000 - ${H} AS at, platform, mention_count
         FROM ${storage.table("measure_frequency_hourly_organic")} ORDER BY at`,
      ),
    ).toEqual([
      { at: 0, platform: "x", mention_count: 3 },
      { at: 3 * HOUR, platform: "x", mention_count: 1 },
    ]);
    expect(
      await query(
        `SELECT mention_count, likes_received, high_influence_mentions FROM ${storage.table("measure_influence_daily_organic")}`,
      ),
    ).toEqual([{ mention_count: 4, likes_received: 3, high_influence_mentions: 0 }]);
    expect(
      await query(
        `SELECT mention_count, like_count, total_reach, engagement_rate, labelled_mentions, positive_share, net_sentiment
         FROM ${storage.table("measure_conversation_daily_organic")}`,
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
});
