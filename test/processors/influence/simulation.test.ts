/**
 * Influence on simulated traffic: a few thousand mentions and their engagement snapshots, with a
 * viral post, fed through in-memory maps the way the plumbing feeds Redis (state per author, a
 * "seen" set standing in for SADD, post -> author and handle -> author lookups, a timed edge list),
 * every event delivered twice as a redelivery would; then PageRank over the 7-day window.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AGENCIES, createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import { OUTLETS } from "../../../ingestors/synthetic/platforms.js";
import {
  amplificationEdges,
  applyAmplification,
  applyAuthored,
  applyEngagement,
  authorKey,
  type Influence,
  type InfluenceState,
  influenceOf,
  newAuthorState,
  normalisedRanks,
  type PageRankResult,
  pageRank,
  type TimedEdge,
  windowEdges,
} from "../../../processors/influence/index.js";
import type { Author } from "../../../schemas/types.generated.js";

const START = Date.UTC(2025, 5, 2, 1, 0, 0);

const states = new Map<string, InfluenceState>();
const authors = new Map<string, Author>();
const influence = new Map<string, Influence>();
const edges: TimedEdge[] = [];
let ranks: PageRankResult;
let normalised: Map<string, number>;
let viralAuthor = "";
let end = 0;
let engagementEvents = 0;

const outletNames = new Set(OUTLETS.map((outlet) => outlet.name));
const agencyNames = new Set(AGENCIES.map((agency) => agency.name));
const isMedia = (a: Author) => a.verified && a.name !== null && outletNames.has(a.name);
const isOfficial = (a: Author) => a.verified && a.name !== null && agencyNames.has(a.name);

beforeAll(async () => {
  const ingestor = createSyntheticIngestor({
    speed: 0,
    startTime: START,
    authors: 2000,
    mentionsPerMinute: 10,
    maxMentions: 5000,
    scenarios: [{ type: "viral-post", agency: "polri", startMinute: 60 }],
  });
  const seen = new Set<string>();
  const isNew = (key: string) => !seen.has(key) && seen.add(key) !== undefined;
  const postAuthor = new Map<string, string>();
  const handles = new Map<string, string>();
  const state = (key: string) => states.get(key) ?? newAuthorState(key);
  for await (const event of ingestor.events(new AbortController().signal)) {
    for (let delivery = 0; delivery < 2; delivery++) {
      if (event.type === "engagement") {
        const { engagement } = event;
        const key = postAuthor.get(`${engagement.platform}:${engagement.postId}`);
        if (key !== undefined) states.set(key, applyEngagement(state(key), engagement.postId, engagement));
        if (delivery === 0) engagementEvents++;
        continue;
      }
      if (event.type !== "mention") continue;
      const { mention } = event;
      const key = authorKey(mention.platform, mention.author.id);
      postAuthor.set(`${mention.platform}:${mention.id}`, key);
      handles.set(`${mention.platform}:${mention.author.handle.toLowerCase()}`, key);
      authors.set(key, mention.author);
      states.set(key, applyAuthored(state(key), mention, isNew(`authored|${key}|${mention.id}`)));
      if (event.truth?.scenario && mention.kind === "post" && viralAuthor === "") viralAuthor = key;
      const parent = mention.parentId === null ? null : postAuthor.get(`${mention.platform}:${mention.parentId}`);
      const resolve = (platform: string, handle: string) => handles.get(`${platform}:${handle.toLowerCase()}`);
      for (const edge of amplificationEdges(mention, parent, resolve)) {
        const fresh = isNew(`amplified|${edge.to}|${edge.itemId}`);
        if (fresh) edges.push(edge);
        const { from: by, byFollowers, itemId, at } = edge;
        states.set(edge.to, applyAmplification(state(edge.to), { by, byFollowers, itemId, at }, fresh));
      }
      end = Math.max(end, mention.eventTime);
    }
  }
  ranks = pageRank(windowEdges(edges, end));
  normalised = normalisedRanks(ranks);
  for (const [key, s] of states) influence.set(key, influenceOf(s, normalised.get(key) ?? 0, end));
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The tier by the documented thresholds, written out independently of TIERS. */
function expectedTier(followers: number): string {
  if (followers >= 1_000_000) return "mega";
  if (followers >= 500_000) return "macro";
  if (followers >= 100_000) return "mid";
  if (followers >= 10_000) return "micro";
  return "nano";
}

describe("influence on simulated traffic", () => {
  it("applies every mention and amplification once despite redelivery", () => {
    let authored = 0;
    let amplifications = 0;
    for (const s of states.values()) {
      authored += s.authored;
      amplifications += s.amplification.count;
    }
    expect(authored).toBe(5000);
    expect(amplifications).toBe(edges.length);
    expect(edges.length).toBeGreaterThan(2000);
    expect(engagementEvents).toBeGreaterThan(3000);
  });

  it("tiers match follower counts for every author", () => {
    const tiers = new Set<string>();
    for (const [key, author] of authors) {
      const tier = (influence.get(key) as Influence).tier;
      expect(tier).toBe(expectedTier(author.followers));
      tiers.add(tier);
    }
    expect([...tiers].sort()).toEqual(["macro", "mega", "micro", "mid", "nano"]);
  });

  it("scores lie in [0, 100]", () => {
    for (const { score } of influence.values()) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(100);
    }
  });

  it("PageRank over the window converges and covers the amplified accounts", () => {
    expect(ranks.converged).toBe(true);
    expect(ranks.ranks.reduce((sum, r) => sum + r, 0)).toBeCloseTo(1, 9);
    expect(ranks.nodes.length).toBeGreaterThan(1000);
  });

  it("the small account behind the viral post is the most influential, above every mega account", () => {
    const viral = authors.get(viralAuthor) as Author;
    expect(viral.followers).toBeLessThan(30_000);
    const ranked = [...influence].sort((a, b) => b[1].score - a[1].score);
    expect(ranked[0]?.[0]).toBe(viralAuthor);
    const topRank = [...normalised].sort((a, b) => b[1] - a[1])[0];
    expect(topRank?.[0]).toBe(viralAuthor);
    expect((influence.get(viralAuthor) as Influence).components.amplification).toBeGreaterThan(0.9);
  });

  it("news media and agencies' accounts score far above ordinary people (median)", () => {
    const scores = (filter: (a: Author) => boolean) =>
      median([...authors].filter(([, a]) => filter(a)).map(([key]) => (influence.get(key) as Influence).score));
    const people = scores((a) => !isMedia(a) && !isOfficial(a));
    expect(scores(isMedia)).toBeGreaterThan(people + 15);
    expect(scores(isOfficial)).toBeGreaterThan(people + 15);
  });
});
