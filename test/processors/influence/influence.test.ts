import { describe, expect, it } from "vitest";
import {
  AMPLIFICATION_HALF_LIFE_MS,
  type Amplification,
  applyAmplification,
  applyAuthored,
  applyEngagement,
  type InfluenceState,
  influenceOf,
  MAX_TRACKED_POSTS,
  newAuthorState,
  tierOf,
  WEIGHTS,
} from "../../../processors/influence/index.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

const T0 = Date.UTC(2025, 5, 2, 1, 0, 0);
const HOUR = 3_600_000;
const zero = { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 };

function authored(id: string, followers: number, changes: Partial<Mention> = {}): Mention {
  return {
    ...sampleMention,
    id,
    eventTime: T0,
    ingestTime: T0 + 1000,
    engagement: zero,
    ...changes,
    author: { ...sampleMention.author, id: "author", followers },
  };
}

function amplified(state: InfluenceState, count: number, byFollowers: number, at = T0): InfluenceState {
  let next = state;
  for (let i = 0; i < count; i++) {
    next = applyAmplification(next, { by: `x:amp${i}`, byFollowers, itemId: `share${i}`, at }, true);
  }
  return next;
}

function withPosts(followers: number, posts: number): InfluenceState {
  let state = newAuthorState("x:author");
  for (let i = 0; i < posts; i++) state = applyAuthored(state, authored(`p${i}`, followers), true);
  return state;
}

const reach = (followers: number) => Math.log10(1 + followers) / Math.log10(1 + 10_000_000);
const amp = (weight: number) => Math.min(1, Math.log1p(weight) / Math.log1p(1000));

describe("influence ordering", () => {
  // The million follower fallacy (Cha et al. 2010): followers alone do not make influence.
  const mega = withPosts(2_000_000, 5);
  const micro = amplified(withPosts(30_000, 3), 60, 200_000);

  it("a silent mega account scores on reach alone: 100 · 0.3 · reach(2M) / 0.8 = 33.76", () => {
    const influence = influenceOf(mega, null, T0);
    expect(influence.tier).toBe("mega");
    expect(influence.components).toMatchObject({ engagement: 0, amplification: 0, pagerank: null });
    expect(influence.components.reach).toBeCloseTo(reach(2_000_000), 12);
    expect(influence.score).toBe(33.76);
  });

  it("a micro account shared by 60 mid accounts (200k) outscores it: 55.28", () => {
    const influence = influenceOf(micro, null, T0);
    expect(influence.tier).toBe("micro");
    expect(influence.components.amplificationWeight).toBeCloseTo(60 * Math.log10(200_001), 9);
    expect(influence.components.amplification).toBeCloseTo(amp(60 * Math.log10(200_001)), 12);
    expect(influence.score).toBe(
      Math.round(((0.3 * reach(30_000) + 0.3 * amp(60 * Math.log10(200_001))) / 0.8) * 1e4) / 100,
    );
    expect(influence.score).toBe(55.28);
    expect(influence.score).toBeGreaterThan(influenceOf(mega, null, T0).score);
  });

  it("with PageRank the same order holds when the micro account is central and the mega account is not", () => {
    expect(influenceOf(micro, 0.6, T0).score).toBeGreaterThan(influenceOf(mega, 0.1, T0).score);
  });

  it("the same author with more amplification scores higher, until amplification saturates", () => {
    const base = withPosts(5_000, 2);
    const scores = [0, 1, 5, 20, 100].map((n) => influenceOf(amplified(base, n, 1_000), null, T0).score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1] as number);
    // Saturated: 1000 amplifiers of 10M followers weigh 7000 > 1000.
    const saturated = influenceOf(amplified(base, 1000, 10_000_000), null, T0);
    expect(saturated.components.amplification).toBe(1);
  });

  it("amplification by bigger accounts counts more (log10 of their followers)", () => {
    const base = withPosts(5_000, 2);
    const bySmall = influenceOf(amplified(base, 10, 100), null, T0);
    const byBig = influenceOf(amplified(base, 10, 1_000_000), null, T0);
    expect(byBig.score).toBeGreaterThan(bySmall.score);
    expect(bySmall.components.amplificationWeight).toBeCloseTo(10 * Math.log10(101), 12);
  });

  it("higher engagement per post and follower scores higher", () => {
    let low = withPosts(10_000, 2);
    let high = low;
    for (const id of ["p0", "p1"]) {
      low = applyEngagement(low, id, { likes: 10, shares: 0, replies: 0, eventTime: T0 + HOUR });
      high = applyEngagement(high, id, { likes: 300, shares: 50, replies: 20, eventTime: T0 + HOUR });
    }
    expect(influenceOf(high).score).toBeGreaterThan(influenceOf(low).score);
  });

  it("a perfect author scores 100 and an empty one 0", () => {
    let state = amplified(withPosts(20_000_000, 1), 1000, 10_000_000);
    state = applyEngagement(state, "p0", { likes: 1e12, shares: 0, replies: 0, eventTime: T0 + HOUR });
    expect(influenceOf(state, 1, T0).score).toBeCloseTo(100 * (1 - (0.2 * 0.03) / (1e12 / 20_000_100 + 0.03)), 2);
    expect(influenceOf(newAuthorState()).score).toBe(0);
    expect(influenceOf(newAuthorState(), 0).score).toBe(0);
  });

  it("weights sum to 1 and a PageRank value outside [0, 1] is clamped", () => {
    expect(WEIGHTS.reach + WEIGHTS.engagement + WEIGHTS.amplification + WEIGHTS.pagerank).toBeCloseTo(1, 12);
    const state = withPosts(1000, 1);
    expect(influenceOf(state, 7).components.pagerank).toBe(1);
    expect(influenceOf(state, -1).components.pagerank).toBe(0);
  });
});

describe("engagement rate", () => {
  it("is the mean latest snapshot per post over (followers + 100), counting likes, shares and replies", () => {
    let state = withPosts(900, 2);
    state = applyEngagement(state, "p0", { likes: 10, shares: 1, replies: 1, eventTime: T0 + 60_000 });
    state = applyEngagement(state, "p0", { likes: 40, shares: 5, replies: 5, eventTime: T0 + 15 * 60_000 });
    state = applyEngagement(state, "p1", { likes: 20, shares: 0, replies: 0, eventTime: T0 + 60_000 });
    // Latest totals 50 and 20: mean 35 per post, over 1000.
    const influence = influenceOf(state);
    expect(influence.components.engagementRate).toBeCloseTo(0.035, 12);
    expect(influence.components.engagement).toBeCloseTo(0.035 / (0.035 + 0.03), 12);
  });

  it("ignores views and clicks", () => {
    const state = applyEngagement(withPosts(900, 1), "p0", {
      likes: 0,
      shares: 0,
      replies: 0,
      eventTime: T0 + HOUR,
      ...{ views: 1e6, clicks: 1e4 },
    } as never);
    expect(influenceOf(state).components.engagementRate).toBe(0);
  });

  it("does not let an older snapshot replace a newer one, whatever the arrival order", () => {
    const newer = { likes: 90, shares: 0, replies: 0, eventTime: T0 + HOUR };
    const older = { likes: 10, shares: 0, replies: 0, eventTime: T0 + 60_000 };
    const a = applyEngagement(applyEngagement(withPosts(0, 1), "p0", older), "p0", newer);
    const b = applyEngagement(applyEngagement(withPosts(0, 1), "p0", newer), "p0", older);
    expect(a).toEqual(b);
    expect(a.posts.p0).toEqual({ total: 90, at: T0 + HOUR });
  });

  it("a snapshot that arrives before the post's mention is kept (the mention's own counts are older)", () => {
    let state = applyEngagement(newAuthorState(), "p0", { likes: 70, shares: 0, replies: 0, eventTime: T0 + HOUR });
    state = applyAuthored(state, authored("p0", 1000, { engagement: { ...zero, likes: 1 } }), true);
    expect(state.posts.p0).toEqual({ total: 70, at: T0 + HOUR });
  });

  it("replies and comments are not tracked as posts; top posts start with the counts they carry", () => {
    let state = applyAuthored(
      newAuthorState(),
      authored("r1", 50, { kind: "reply", parentId: "p9", rootId: "p9" }),
      true,
    );
    expect(state.posts).toEqual({});
    state = applyAuthored(
      state,
      authored("p1", 50, { engagement: { ...zero, likes: 2, replies: 1, views: 80 } }),
      true,
    );
    expect(state.posts).toEqual({ p1: { total: 3, at: T0 + 1000 } });
    expect(state.authored).toBe(2);
  });

  it(`tracks the ${MAX_TRACKED_POSTS} posts with the latest snapshots and ignores evicted ones for good`, () => {
    let state = newAuthorState();
    for (let i = 0; i <= MAX_TRACKED_POSTS; i++) {
      state = applyEngagement(state, `p${i}`, { likes: i, shares: 0, replies: 0, eventTime: T0 + i * 1000 });
    }
    expect(Object.keys(state.posts)).toHaveLength(MAX_TRACKED_POSTS);
    expect(state.posts.p0).toBeUndefined();
    expect(state.postsFloor).toBe(T0);
    const again = applyEngagement(state, "p0", { likes: 0, shares: 0, replies: 0, eventTime: T0 });
    expect(again).toBe(state);
  });
});

describe("idempotency: the same update twice changes nothing", () => {
  const mention = authored("p1", 1234, { engagement: { ...zero, likes: 5 } });

  it("applyAuthored with isNew false after isNew true", () => {
    const once = applyAuthored(newAuthorState(), mention, true);
    expect(applyAuthored(once, mention, false)).toEqual(once);
    expect(once.authored).toBe(1);
  });

  it("applyEngagement with the same snapshot", () => {
    const snapshot = { likes: 5, shares: 1, replies: 2, eventTime: T0 + HOUR };
    const once = applyEngagement(newAuthorState(), "p1", snapshot);
    expect(applyEngagement(once, "p1", snapshot)).toBe(once);
  });

  it("applyAmplification with isNew false", () => {
    const a: Amplification = { by: "x:fan", byFollowers: 500, itemId: "s1", at: T0 };
    const once = applyAmplification(newAuthorState("x:author"), a, true);
    expect(applyAmplification(once, a, false)).toBe(once);
    expect(once.amplification.count).toBe(1);
  });

  it("never mutates its input", () => {
    const state = newAuthorState("x:author");
    const copy = structuredClone(state);
    applyAuthored(state, mention, true);
    applyEngagement(state, "p1", { likes: 1, shares: 0, replies: 0, eventTime: T0 });
    applyAmplification(state, { by: "x:fan", byFollowers: 10, itemId: "s", at: T0 }, true);
    expect(state).toEqual(copy);
  });

  it("the state survives JSON unchanged", () => {
    let state = applyAuthored(newAuthorState("x:author"), mention, true);
    state = applyAmplification(state, { by: "x:fan", byFollowers: 10, itemId: "s", at: T0 }, true);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe("followers and amplification over time", () => {
  it("keeps the follower count of the latest mention by event time, whatever the arrival order", () => {
    const early = authored("p1", 100, { eventTime: T0 });
    const late = authored("p2", 150, { eventTime: T0 + HOUR });
    const a = applyAuthored(applyAuthored(newAuthorState(), early, true), late, true);
    const b = applyAuthored(applyAuthored(newAuthorState(), late, true), early, true);
    expect(a.followers).toBe(150);
    expect(b).toEqual(a);
  });

  it("ignores an author amplifying itself", () => {
    const state = newAuthorState("x:author");
    expect(applyAmplification(state, { by: "x:author", byFollowers: 1e6, itemId: "s", at: T0 }, true)).toBe(state);
  });

  it("halves amplification every half-life, in any arrival order", () => {
    const one = amplified(newAuthorState(), 1, 999);
    expect(influenceOf(one, null, T0 + AMPLIFICATION_HALF_LIFE_MS).components.amplificationWeight).toBeCloseTo(1.5, 12);
    const items: Amplification[] = [0, 5, 2, 9, 1].map((h, i) => ({
      by: `x:a${i}`,
      byFollowers: 10 ** (i + 1),
      itemId: `s${i}`,
      at: T0 + h * HOUR,
    }));
    const forward = items.reduce((s, a) => applyAmplification(s, a, true), newAuthorState());
    const backward = [...items].reverse().reduce((s, a) => applyAmplification(s, a, true), newAuthorState());
    const now = T0 + 24 * HOUR;
    const expected = items.reduce(
      (sum, a) => sum + Math.log10(1 + a.byFollowers) * 2 ** (-(now - a.at) / AMPLIFICATION_HALF_LIFE_MS),
      0,
    );
    expect(influenceOf(forward, null, now).components.amplificationWeight).toBeCloseTo(expected, 12);
    expect(influenceOf(backward, null, now).components.amplificationWeight).toBeCloseTo(expected, 12);
  });
});

describe("tiers (follower counts; a bound belongs to the tier it starts)", () => {
  it.each([
    [0, "nano"],
    [9_999, "nano"],
    [10_000, "micro"],
    [99_999, "micro"],
    [100_000, "mid"],
    [499_999, "mid"],
    [500_000, "macro"],
    [999_999, "macro"],
    [1_000_000, "mega"],
    [50_000_000, "mega"],
  ])("%d followers: %s", (followers, tier) => {
    expect(tierOf(followers)).toBe(tier);
    expect(influenceOf(withPosts(followers, 1)).tier).toBe(tier);
  });
});
