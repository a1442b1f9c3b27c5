import { describe, expect, it } from "vitest";
import {
  applyCascade,
  applySnapshot,
  assessVirality,
  CALIBRATION,
  emptyPostState,
  expectedAt60,
  expectedVelocity,
  growthShare,
  newPostState,
  type PostVirality,
  platformModel,
  toViralityTag,
  VIRAL_RULE,
  viralityReason,
  viralityScore,
} from "../../../processors/virality/index.js";
import type { EngagementEvent, Platform } from "../../../schemas/types.generated.js";
import { MIN, rootMention, snapshot, T0 } from "./helpers.js";

function post(followers: number, events: EngagementEvent[], platform: Platform = "x"): PostVirality {
  return events.reduce(applySnapshot, newPostState(rootMention(followers, { platform })));
}

/** likes 5m^2, shares m^2, replies m^2 at minute m: weighted engagement 5 + 3 + 2 = 10 m^2. */
const QUADRATIC = Array.from({ length: 10 }, (_, i) => {
  const m = i + 1;
  return snapshot(m, { likes: 5 * m * m, shares: m * m, replies: m * m, views: 1_000_000 * m, clicks: 77 * m });
});

describe("velocity and acceleration (hand-computed)", () => {
  const state = post(1000, QUADRATIC);

  it("at 10 minutes: v5 = (1000 - 250) / 5, previous v5 = 250 / 5, v15 over the 10 minutes of life", () => {
    const a = assessVirality(state, T0 + 10 * MIN);
    expect(a.velocity).toBe(150);
    expect(a.acceleration).toBe(20); // (150 - 50) / 5
    expect(a.velocity15).toBe(100); // (1000 - 0) / 10: the window is the age while younger than 15 min
  });

  it("ignores snapshots after now, holds the latest before it and interpolates linearly", () => {
    const a = assessVirality(state, T0 + 7.5 * MIN);
    // E(7.5) = E(7) = 490 held (the 8-minute snapshot is not seen yet); E(2.5) = 40 + (90 - 40) / 2 = 65.
    expect(a.velocity).toBe(85);
  });

  it("uses the age as the window of a post younger than 5 minutes (at least one minute)", () => {
    const a = assessVirality(state, T0 + 3 * MIN);
    expect(a.velocity).toBe(30); // 90 / 3
    expect(a.acceleration).toBe(6); // (30 - 0) / 5: nothing existed 5 minutes earlier
    const young = post(1000, [snapshot(0.5, { likes: 50 })]);
    expect(assessVirality(young, T0 + 0.5 * MIN).velocity).toBe(50); // 50 in half a minute, over one minute
  });

  it("interpolates between sparse snapshots", () => {
    const sparse = post(1000, [QUADRATIC[0] as EngagementEvent, QUADRATIC[4] as EngagementEvent]);
    const a = assessVirality(sparse, T0 + 7 * MIN);
    // E(7) = 250 held; E(2) = 10 + (250 - 10) / 4 = 70; previous window at age 2: (70 - 0) / 2 = 35.
    expect(a.velocity).toBe(36);
    expect(a.acceleration).toBeCloseTo(0.2, 12);
  });

  it("does not count views or clicks", () => {
    const withoutViews = post(
      1000,
      QUADRATIC.map((e) => ({ ...e, views: 0, clicks: 0 })),
    );
    expect(assessVirality(withoutViews, T0 + 10 * MIN)).toEqual(assessVirality(state, T0 + 10 * MIN));
  });

  it("decays once engagement stops: no snapshot for 5 minutes means no velocity", () => {
    expect(assessVirality(state, T0 + 15 * MIN).velocity).toBe(0);
    expect(assessVirality(state, T0 + 15 * MIN).acceleration).toBe(-30); // (0 - 150) / 5
  });
});

describe("expected velocity", () => {
  it("follows the calibrated power law and growth curve, and stays at its 5-minute peak afterwards", () => {
    const x = platformModel(CALIBRATION, "x");
    const e60 = expectedAt60(x, 2_000_000);
    expect(e60).toBeCloseTo(x.a * (2_000_000 + x.c) ** x.b, 6);
    expect(growthShare(x, 60 * MIN)).toBeCloseTo(1, 12);
    expect(expectedVelocity(x, 2_000_000, 5 * MIN)).toBeCloseTo((e60 * growthShare(x, 5 * MIN)) / 5, 9);
    expect(expectedVelocity(x, 2_000_000, 30 * MIN)).toBe(expectedVelocity(x, 2_000_000, 5 * MIN));
    expect(expectedVelocity(x, 2_000_000, 30_000)).toBeCloseTo(e60 * growthShare(x, 30_000), 9);
    expect(expectedVelocity(x, 300, 5 * MIN)).toBeLessThan(expectedVelocity(x, 2_000_000, 5 * MIN) / 1000);
  });
});

describe("score", () => {
  it("is increasing in velocity for fixed followers, at any age", () => {
    for (const followers of [300, 20_000, 2_000_000]) {
      for (const at of [0.5, 3, 10]) {
        let previous = -1;
        for (let k = 0; k <= 60; k++) {
          const scale = 1.25 ** k - 1;
          const events = QUADRATIC.map((e) => ({
            ...e,
            likes: Math.round(e.likes * scale),
            shares: Math.round(e.shares * scale),
            replies: Math.round(e.replies * scale),
          }));
          const a = assessVirality(post(followers, events), T0 + at * MIN);
          expect(a.score).toBeGreaterThanOrEqual(previous);
          if (a.velocity > 0 && previous >= 0 && a.score < 99.999) expect(a.score).toBeGreaterThan(previous);
          expect(a.score).toBeGreaterThanOrEqual(0);
          expect(a.score).toBeLessThanOrEqual(100);
          previous = a.score;
        }
      }
    }
  });

  it("is 50 at 3.75 sigma and 70 at about 4.6 sigma above the expectation", () => {
    const sigma = 1.1;
    expect(viralityScore(Math.exp(3.75 * sigma) * 11 - 1, 10, sigma)).toBeCloseTo(50, 9);
    expect(viralityScore(Math.exp((3.75 + Math.log(7 / 3)) * sigma) * 11 - 1, 10, sigma)).toBeCloseTo(70, 9);
    expect(viralityScore(10, 10, sigma)).toBeLessThan(3);
  });
});

/** A take-off: 400 likes, 100 shares and 50 replies a minute (800 weighted engagements a minute). */
const TAKE_OFF = Array.from({ length: 10 }, (_, i) =>
  snapshot(i + 1, { likes: 400 * (i + 1), shares: 100 * (i + 1), replies: 50 * (i + 1), views: 20_000 * (i + 1) }),
);

function withCascade(state: PostVirality, members: number, minutes: number): PostVirality {
  let s = state;
  for (let i = 0; i < members; i++) {
    s = applyCascade(s, {
      itemId: `c${i}`,
      depth: 1 + (i % 3),
      at: T0 + Math.round(((i + 1) * minutes * MIN) / members),
      authorFollowers: 120,
      isNew: true,
    });
  }
  return s;
}

describe("the viral flag", () => {
  it("flags a 300-follower account's post that takes off", () => {
    const state = withCascade(post(300, TAKE_OFF), 25, 5);
    const a = assessVirality(state, T0 + 5 * MIN);
    expect(a).toMatchObject({
      velocity: 800,
      velocity15: 800,
      acceleration: 160, // (800 - 0) / 5
      cascadeSize: 25,
      cascadeDepth: 3,
      cascadeReach: 3000,
      spread: 750, // the platform's 500 shares + 250 replies
      viral: true,
    });
    const expected = expectedVelocity(platformModel(CALIBRATION, "x"), 300, 5 * MIN);
    expect(a.expectedVelocity).toBe(expected);
    expect(a.expectedVelocity).toBeLessThan(0.5);
    expect(a.ratio).toBeCloseTo(801 / (expected + 1), 9);
    expect(a.score).toBeGreaterThan(85);
    expect(viralityReason(state, a)).toMatch(
      /^viral: 800\/min is \d+x the 0\.\d+\/min expected for 300 followers on x/,
    );
    expect(toViralityTag(a)).toEqual({ score: Math.round(a.score * 10) / 10, velocity: 800, viral: true });
    // Already at the first snapshot, one minute after posting.
    expect(assessVirality(state, T0 + MIN)).toMatchObject({ velocity: 800, viral: true });
    // And no longer once the engagement has stopped for 5 minutes.
    expect(assessVirality(state, T0 + 15 * MIN)).toMatchObject({ velocity: 0, viral: false });
  });

  it("does not flag a 2M-follower account's ordinary post, despite far more engagement", () => {
    // A good day for the account: five times its calibrated median, 2190 engagements a minute.
    const e60 = 5 * expectedAt60(platformModel(CALIBRATION, "x"), 2_000_000);
    const events = [1, 2, 3, 4, 5, 10, 15, 30, 60].map((m) => {
      const reached = growthShare(platformModel(CALIBRATION, "x"), m * MIN);
      const likes = Math.round((e60 / 2.1) * reached); // weighted = likes * (1 + 3 * 0.2 + 2 * 0.25)
      return snapshot(m, { likes, shares: Math.round(likes * 0.2), replies: Math.round(likes * 0.25) });
    });
    const state = withCascade(post(2_000_000, events), 200, 10);
    for (const m of [1, 2, 5, 10, 30, 60]) {
      const a = assessVirality(state, T0 + m * MIN);
      expect(a.viral).toBe(false);
      expect(a.score).toBeLessThan(20);
    }
    const a = assessVirality(state, T0 + 5 * MIN);
    expect(a.velocity).toBeGreaterThan(2000);
    expect(a.velocity).toBeGreaterThan(assessVirality(post(300, TAKE_OFF), T0 + 5 * MIN).velocity);
    expect(viralityReason(state, a)).toMatch(/^not viral \(score \d+\.\d+ < 70\)/);
    // The very same snapshots from a 300-follower account are viral.
    expect(assessVirality(withCascade(post(300, events), 200, 10), T0 + 5 * MIN).viral).toBe(true);
  });

  it("needs evidence of spread besides the score", () => {
    // 400 likes in the first minute and nothing else: surprising for 300 followers, but no spread.
    const likesOnly = post(300, [snapshot(1, { likes: 400 })]);
    const a = assessVirality(likesOnly, T0 + MIN);
    expect(a.score).toBeGreaterThanOrEqual(VIRAL_RULE.minScore);
    expect(a.spread).toBe(0);
    expect(a.viral).toBe(false);
    expect(viralityReason(likesOnly, a)).toMatch(/^not viral \(spread 0 < 20\): /);
    // Spread seen in the stream (cascade members) is evidence too.
    expect(assessVirality(withCascade(likesOnly, 20, 1), T0 + MIN).viral).toBe(true);
  });

  it("needs an absolute velocity (binding only with a narrower calibration than today's)", () => {
    const narrow = { platforms: {}, fallback: { a: 0.005, b: 1, c: 800, tauMinutes: 20, sigma: 0.3 } };
    const slow = withCascade(post(300, [snapshot(1, { likes: 5, shares: 3 })]), 20, 1);
    const a = assessVirality(slow, T0 + MIN, { calibration: narrow });
    expect(a.velocity).toBe(14);
    expect(a.score).toBeGreaterThan(90);
    expect(a.viral).toBe(false);
    expect(viralityReason(slow, a)).toMatch(/^not viral \(velocity 14\.0\/min < 20\/min\): /);
  });

  it("does not judge a post whose root mention has not been seen", () => {
    const orphan = TAKE_OFF.reduce(applySnapshot, emptyPostState("x", "p1"));
    const a = assessVirality(orphan, T0 + 5 * MIN);
    expect(a).toMatchObject({ score: 0, viral: false, expectedVelocity: 0 });
    expect(viralityReason(orphan, a)).toBe("not viral: the root post has not been seen, so its audience is unknown");
  });
});
