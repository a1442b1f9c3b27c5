/**
 * The dashboard's campaign API on embedded ClickHouse: an agency's campaigns, and a campaign's
 * amplification network (members and the accounts they shared or replied to, in the campaign's
 * time), capped by reach.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agencyCampaigns, campaignNetwork } from "../../dashboard/server/campaigns.js";
import { persepsiPairs } from "../../dashboard/server/persepsi.js";
import { showsOrganic } from "../../dashboard/shared/coordination.js";
import { createStorage, type Storage } from "../../runtime/storage/clickhouse.js";
import { migrate } from "../../runtime/storage/migrations.js";
import { campaignRow, memberRow, mentionRow, seedPersepsiPair } from "../fixtures/coordination.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const H = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 23 * HOUR;

let storage: Storage;

beforeAll(async () => {
  storage = createStorage({
    username: "default",
    password: "",
    database: "simak_campaigns_test",
    dataDir: mkdtempSync(join(tmpdir(), "simak-chdb-")),
  });
  await migrate(storage, pino({ level: "silent" }));
  await storage.client.insert({
    table: storage.table("campaigns"),
    format: "JSONEachRow",
    values: [
      campaignRow("c1", "bpjs", H, H + 10 * MIN),
      campaignRow("c2", "kpk", H, H + 20 * MIN),
      campaignRow("c3", "bpjs", H, H + 30 * MIN, { target: "x:p1" }),
    ],
  });
  await storage.client.insert({
    table: storage.table("campaign_accounts"),
    format: "JSONEachRow",
    values: [memberRow("c1", "a1", H, H + 10 * MIN), memberRow("c1", "a2", H, H + 10 * MIN)],
  });
  await storage.client.insert({
    table: storage.table("tagged_mentions"),
    format: "JSONEachRow",
    values: [
      mentionRow("p1", "a1", H + MIN, "negative", 10),
      mentionRow("q1", "b1", H + MIN, "positive", 100),
      mentionRow("s1", "a2", H + 2 * MIN, "negative", 5, { parentId: "p1" }),
      mentionRow("s2", "a2", H + 3 * MIN, "negative", 5, { parentId: "p1" }),
      mentionRow("r1", "b1", H + 4 * MIN, "positive", 100, { parentId: "p1" }),
      mentionRow("r2", "a1", H + 5 * MIN, "negative", 10, { parentId: "q1" }),
      // After the campaign's grace: not in its network.
      mentionRow("r3", "b2", H + 5 * HOUR, "neutral", 1_000, { parentId: "p1" }),
      // Neither side a member.
      mentionRow("r4", "b2", H + 6 * MIN, "neutral", 1_000, { parentId: "q1" }),
      // Stored but not yet in the rollups (the aggregate stage behind the sink): no gap of its own.
      mentionRow("lagging", "z1", H + 2 * HOUR + 5 * MIN, "positive", 10, { agency: "dinkes" }),
    ],
  });
  // Two hours later, after c1's grace: dinkes in Jawa Barat (a campaign's 10 negative posts) and kpu
  // (one post, no place).
  await seedPersepsiPair(storage, "dinkes", H + 2 * HOUR, { quiet: "kpu", province: "32" });
}, 60_000);

afterAll(async () => {
  await storage?.close();
});

describe("campaign API", () => {
  it("lists an agency's campaigns, latest first", async () => {
    const listed = await agencyCampaigns(storage, "bpjs");
    expect(listed.map(({ id, lastSeen, accounts, target }) => [id, lastSeen - H, accounts, target])).toEqual([
      ["c3", 30 * MIN, 10, "x:p1"],
      ["c1", 10 * MIN, 10, null],
    ]);
    expect(listed[0]?.reasonCodes).toEqual([
      { kind: "copies", value: 3 },
      { kind: "ties", value: 0.8 },
      { kind: "followers", value: 40 },
    ]);
  });

  it("lists the campaigns seen in a range, a campaign's grace included", async () => {
    const seen = (fromMs: number, toMs: number) =>
      agencyCampaigns(storage, "bpjs", { key: "custom", fromMs, toMs }).then((found) => found.map(({ id }) => id));
    // c1 last seen at H+10m, so within the range until H+40m; c3 until H+60m.
    expect(await seen(H + 45 * MIN, H + 2 * HOUR)).toEqual(["c3"]);
    expect(await seen(H + 40 * MIN, H + 2 * HOUR)).toEqual(["c3", "c1"]);
    expect(await seen(H + 61 * MIN, H + 2 * HOUR)).toEqual([]);
    // Not yet begun.
    expect(await seen(H - HOUR, H)).toEqual([]);
  });

  it("reads persepsi with every account and without flagged ones from the views", async () => {
    // H+1.5h to H+3h, by the minute; without flagged mentions is the same counts less theirs.
    const range = { key: "custom" as const, fromMs: H + 90 * MIN, toMs: H + 3 * HOUR };
    const pairs = await persepsiPairs(storage, range, "Asia/Jakarta");
    expect(Object.fromEntries(pairs)).toEqual({
      dinkes: { index: -30, organicIndex: 40 },
      kpu: { index: 1100 / 21, organicIndex: 50 },
    });
    expect(Object.fromEntries(await persepsiPairs(storage, range, "Asia/Jakarta", { agency: "kpu" }))).toEqual({
      kpu: { index: 1100 / 21, organicIndex: 50 },
    });
    // In Jawa Barat: the province rollups less the flagged mentions placed there; none elsewhere.
    expect(Object.fromEntries(await persepsiPairs(storage, range, "Asia/Jakarta", { province: "32" }))).toEqual({
      dinkes: { index: -30, organicIndex: 40 },
    });
    expect(await persepsiPairs(storage, range, "Asia/Jakarta", { province: "31" })).toEqual(new Map());
    // Before any mention: nothing.
    expect(await persepsiPairs(storage, { key: "custom", fromMs: H - 3 * HOUR, toMs: H }, "Asia/Jakarta")).toEqual(
      new Map(),
    );
    expect(showsOrganic(pairs.get("dinkes") as never)).toBe(true);
    expect(showsOrganic(pairs.get("kpu") as never)).toBe(false);
  });

  it("shows both numbers past the gap of 3 points, or when every labelled mention was flagged", () => {
    expect(showsOrganic({ index: 50, organicIndex: 53 })).toBe(false);
    expect(showsOrganic({ index: 50, organicIndex: 46.9 })).toBe(true);
    expect(showsOrganic({ index: -10, organicIndex: null })).toBe(true);
    expect(showsOrganic({ index: null, organicIndex: 20 })).toBe(false);
  });

  it("draws who shares or replies to whom, members marked, sampled by reach", async () => {
    const network = await campaignNetwork(storage, "c1");
    expect(network.nodes).toEqual([
      { id: "x:b1", handle: "b1", reach: 100, sentiment: "positive", campaignScore: null },
      { id: "x:a1", handle: "a1", reach: 10, sentiment: "negative", campaignScore: 0.8 },
      { id: "x:a2", handle: "a2", reach: 5, sentiment: "negative", campaignScore: 0.8 },
    ]);
    expect(network.edges).toEqual([
      { source: "x:a1", target: "x:b1", weight: 1 },
      { source: "x:a2", target: "x:a1", weight: 2 },
      { source: "x:b1", target: "x:a1", weight: 1 },
    ]);
    expect(network.omittedNodes).toBe(0);
    const capped = await campaignNetwork(storage, "c1", 2);
    expect(capped.nodes.map(({ id }) => id)).toEqual(["x:b1", "x:a1"]);
    expect(capped.edges.map(({ source, target }) => `${source}>${target}`)).toEqual(["x:a1>x:b1", "x:b1>x:a1"]);
    expect(capped.omittedNodes).toBe(1);
    expect(await campaignNetwork(storage, "nope")).toEqual({ campaign: null, nodes: [], edges: [], omittedNodes: 0 });
  });
});
