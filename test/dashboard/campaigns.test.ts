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
import { createStorage, type Storage } from "../../runtime/storage/clickhouse.js";
import { migrate } from "../../runtime/storage/migrations.js";
import { memberRow, mentionRow } from "../fixtures/coordination.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const H = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 23 * HOUR;

let storage: Storage;

const campaign = (id: string, agency: string, last: number) => ({
  id,
  platform: "x",
  agencies: [agency],
  target: null,
  first_seen: H,
  last_seen: last,
  accounts: 2,
  posts: 4,
  post_ids: [],
  copy_events: 3,
  amplification_events: 1,
  score: 0.75,
  reason_kinds: ["copies"],
  reason_values: [3],
  reasons: ["3 copy-paste waves"],
  text: "dukung program ini",
  updated_at: 1,
  retired: 0,
});

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
      campaign("c1", "bpjs", H + 10 * MIN),
      campaign("c2", "kpk", H + 20 * MIN),
      campaign("c3", "bpjs", H + 30 * MIN),
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
    ],
  });
}, 60_000);

afterAll(async () => {
  await storage?.close();
});

describe("campaign API", () => {
  it("lists an agency's campaigns, latest first", async () => {
    const listed = await agencyCampaigns(storage, "bpjs");
    expect(listed.map(({ id, lastSeen, accounts, reasons }) => [id, lastSeen - H, accounts, reasons])).toEqual([
      ["c3", 30 * MIN, 2, ["3 copy-paste waves"]],
      ["c1", 10 * MIN, 2, ["3 copy-paste waves"]],
    ]);
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
