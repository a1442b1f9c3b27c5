/**
 * The dashboard's campaign and network API on embedded ClickHouse: an agency's campaigns, and the
 * amplification network of a campaign (members and the accounts they shared or replied to, in the
 * campaign's time) and of an issue (shares and replies of or by its posts), capped and sampled by
 * weight, and an account's posts in either.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { agencyCampaigns, campaignScope } from "../../dashboard/server/campaigns.js";
import { issueScope } from "../../dashboard/server/issues.js";
import {
  amplificationNetwork,
  type NetworkLimits,
  type NetworkScope,
  networkPosts,
} from "../../dashboard/server/network.js";
import { persepsiPairs } from "../../dashboard/server/persepsi.js";
import { showsOrganic } from "../../dashboard/shared/coordination.js";
import { campaignRow, memberRow, mentionRow, seedPersepsiPair } from "../fixtures/coordination.js";
import { useMigratedStorage } from "../support/storage.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const H = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 23 * HOUR;

const storage = useMigratedStorage({ database: "simak_campaigns_test" });

beforeAll(async () => {
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
      mentionRow("r1", "b1", H + 4 * MIN, "positive", 100, { parentId: "p1", kind: "reply" }),
      mentionRow("r2", "a1", H + 5 * MIN, "negative", 10, { parentId: "q1" }),
      // After the campaign's grace: not in its network.
      mentionRow("r3", "b2", H + 5 * HOUR, "neutral", 1_000, { parentId: "p1" }),
      // Neither side a member.
      mentionRow("r4", "b2", H + 6 * MIN, "neutral", 1_000, { parentId: "q1" }),
      // The issue "antrean" (its one post i1), two hours later.
      mentionRow("i1", "u1", H + 2 * HOUR, "positive", 50),
      mentionRow("i2", "u2", H + 2 * HOUR + MIN, "neutral", 20, { parentId: "i1" }),
      mentionRow("i3", "u2", H + 2 * HOUR + 2 * MIN, "neutral", 20, { parentId: "i1" }),
      mentionRow("i4", "u3", H + 2 * HOUR + 3 * MIN, "negative", 30, { parentId: "i1", kind: "comment" }),
      mentionRow("i7", "a1", H + 2 * HOUR + 4 * MIN, "neutral", 10, { parentId: "i1" }),
      // Neither the reply nor its parent about the issue.
      mentionRow("i5", "u3", H + 2 * HOUR + 5 * MIN, "negative", 30),
      mentionRow("i6", "u1", H + 2 * HOUR + 6 * MIN, "positive", 50, { parentId: "i5", kind: "reply" }),
      // Stored but not yet in the rollups (the aggregate stage behind the sink): no gap of its own.
      mentionRow("lagging", "z1", H + 2 * HOUR + 5 * MIN, "positive", 10, { agency: "dinkes" }),
    ],
  });
  await storage.client.insert({
    table: storage.table("issue_mentions"),
    format: "JSONEachRow",
    values: [
      {
        minute: (H + 2 * HOUR) / 1000,
        platform: "x",
        mention_id: "i1",
        event_time: H + 2 * HOUR,
        terms: ["antrean", "faskes"],
        sentiment: "positive",
        scope_kinds: ["agency"],
        scopes: ["bpjs"],
        agencies: ["bpjs"],
      },
    ],
  });
  await storage.client.insert({
    table: storage.table("issue_progress"),
    format: "JSONEachRow",
    values: [{ name: "issues", window_end: (H + 3 * HOUR) / 1000 }],
  });
  // Two hours later, after c1's grace: dinkes in Jawa Barat (a campaign's 10 negative posts) and kpu
  // (one post, no place).
  await seedPersepsiPair(storage, "dinkes", H + 2 * HOUR, { quiet: "kpu", province: "32" });
}, 60_000);

async function campaignNetwork(id: string, limits?: NetworkLimits) {
  const found = await campaignScope(storage, id);
  return found && { campaign: found.campaign, ...(await amplificationNetwork(storage, found.scope, limits)) };
}

async function issueNetwork(key: string) {
  const scope = await issueScope(storage, "bpjs", key);
  return scope && amplificationNetwork(storage, scope);
}

async function postsOf(account: string, scope: Promise<NetworkScope | null | undefined>) {
  const found = await scope;
  return found ? (await networkPosts(storage, found, account)).map(({ id }) => id) : null;
}

const mix = (negative: number, neutral: number, positive: number) => ({ negative, neutral, positive, unknown: 0 });
const edgeNames = (edges: { source: string; target: string; kind: string; weight: number }[]) =>
  edges.map(({ source, target, kind, weight }) => `${source}>${target} ${kind} ${weight}`);

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

  it("draws who shares or replies to whom in a campaign, members marked", async () => {
    const network = await campaignNetwork("c1");
    expect(network?.campaign?.id).toBe("c1");
    // Most interactions first (a1: 4), then reach.
    expect(network?.nodes).toEqual([
      {
        id: "x:a1",
        handle: "a1",
        reach: 10,
        sentiment: "negative",
        sentimentMix: mix(2, 0, 0),
        campaigns: ["c1"],
        campaignScore: 0.8,
      },
      {
        id: "x:b1",
        handle: "b1",
        reach: 100,
        sentiment: "positive",
        sentimentMix: mix(0, 0, 2),
        campaigns: [],
        campaignScore: null,
      },
      {
        id: "x:a2",
        handle: "a2",
        reach: 5,
        sentiment: "negative",
        sentimentMix: mix(2, 0, 0),
        campaigns: ["c1"],
        campaignScore: 0.8,
      },
    ]);
    expect(edgeNames(network?.edges ?? [])).toEqual(["x:a2>x:a1 share 2", "x:a1>x:b1 share 1", "x:b1>x:a1 reply 1"]);
    expect([network?.totalNodes, network?.totalEdges, network?.truncated]).toEqual([3, 3, false]);
    expect(await campaignNetwork("nope")).toBeNull();
  });

  it("keeps the accounts with most interactions and the heaviest edges over the caps, saying how many there were", async () => {
    const capped = await campaignNetwork("c1", { nodes: 2, edges: 1, candidateEdges: 100 });
    expect(capped?.nodes.map(({ id }) => id)).toEqual(["x:a1", "x:b1"]);
    expect(edgeNames(capped?.edges ?? [])).toEqual(["x:a1>x:b1 share 1"]);
    expect([capped?.totalNodes, capped?.totalEdges, capped?.truncated]).toEqual([3, 3, true]);
    // Only the heaviest edge read: the members stay, the rest is counted but not drawn.
    const read = await campaignNetwork("c1", { nodes: 10, edges: 10, candidateEdges: 1 });
    expect(read?.nodes.map(({ id }) => id)).toEqual(["x:a1", "x:a2"]);
    expect(edgeNames(read?.edges ?? [])).toEqual(["x:a2>x:a1 share 2"]);
    expect([read?.totalNodes, read?.totalEdges, read?.truncated]).toEqual([3, 3, true]);
  });

  it("lists an account's posts in the campaign's time, newest first", async () => {
    const campaign = campaignScope(storage, "c1").then((found) => found?.scope);
    expect(await postsOf("x:a2", campaign)).toEqual(["s2", "s1"]);
    expect(await campaignScope(storage, "nope")).toBeNull();
  });

  it("draws an issue's network: shares and replies of or by its posts", async () => {
    const network = await issueNetwork("antrean");
    expect(network?.nodes.map(({ id, reach, sentiment, campaigns }) => [id, reach, sentiment, campaigns])).toEqual([
      ["x:u1", 50, "positive", []],
      ["x:u2", 20, "neutral", []],
      ["x:u3", 30, "negative", []],
      // A campaign member while the issue's day ran.
      ["x:a1", 10, "negative", ["c1"]],
    ]);
    expect(network?.nodes.find(({ id }) => id === "x:a1")?.sentimentMix).toEqual(mix(2, 1, 0));
    expect(edgeNames(network?.edges ?? [])).toEqual(["x:u2>x:u1 share 2", "x:a1>x:u1 share 1", "x:u3>x:u1 reply 1"]);
    expect([network?.totalNodes, network?.totalEdges, network?.truncated]).toEqual([4, 3, false]);
    expect((await issueNetwork("nothing"))?.nodes).toEqual([]);
    const issue = issueScope(storage, "bpjs", "antrean");
    expect(await postsOf("x:u2", issue)).toEqual(["i3", "i2"]);
    // Its reply to a post about something else is not listed.
    expect(await postsOf("x:u1", issue)).toEqual(["i1"]);
  });
});
