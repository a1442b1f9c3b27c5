import { describe, expect, it } from "vitest";
import {
  applyCascade,
  applyRoot,
  applySnapshot,
  assessVirality,
  emptyPostState,
  engagementAt,
  HISTORY_MS,
  MAX_RECENT_MEMBER_IDS,
  newPostState,
  type PostVirality,
} from "../../../processors/virality/index.js";
import type { EngagementEvent } from "../../../schemas/types.generated.js";
import { MIN, rootMention, snapshot, T0 } from "./helpers.js";

function applyAll(state: PostVirality, events: EngagementEvent[]): PostVirality {
  return events.reduce(applySnapshot, state);
}

/** A deterministic shuffle (linear congruential), so that failures reproduce. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("newPostState", () => {
  it("takes the author's followers, the post time and the mention's engagement as a snapshot at ingest", () => {
    const mention = {
      ...rootMention(300, { ingestTime: T0 + 4_000 }),
      engagement: { likes: 3, shares: 1, replies: 0, views: 90, clicks: 0 },
    };
    expect(newPostState(mention)).toEqual({
      version: 1,
      platform: "x",
      postId: "p1",
      authorFollowers: 300,
      postTime: T0,
      snapshots: [{ t: T0 + 4_000, likes: 3, shares: 1, replies: 0, views: 90, clicks: 0 }],
      cascadeSize: 0,
      cascadeDepth: 0,
      cascadeReach: 0,
      cascadeMinutes: [],
      recentMemberIds: [],
    });
  });

  it("refuses a mention that is not a root post", () => {
    expect(() => newPostState({ ...rootMention(10), parentId: "p0", rootId: "p0" })).toThrow(/not a root post/);
  });

  it("gives the same state whether the root or a snapshot arrives first", () => {
    const mention = rootMention(1000);
    const s = snapshot(1, { likes: 10 });
    const rootFirst = applySnapshot(newPostState(mention), s);
    const snapshotFirst = applyRoot(applySnapshot(emptyPostState("x", "p1"), s), mention);
    expect(snapshotFirst).toEqual(rootFirst);
    expect(applyRoot(rootFirst, mention)).toBe(rootFirst);
  });

  it("keeps the larger follower count and the earlier time when two copies of the root disagree", () => {
    const a = rootMention(1000);
    const b = rootMention(1200, { eventTime: T0 + 500 });
    const ab = applyRoot(newPostState(a), b);
    expect(applyRoot(newPostState(b), a)).toEqual(ab);
    expect(ab).toMatchObject({ authorFollowers: 1200, postTime: T0 });
  });
});

describe("applySnapshot", () => {
  const base = newPostState(rootMention(1000));

  it("is idempotent: the same snapshot twice changes nothing (the same object comes back)", () => {
    const once = applySnapshot(base, snapshot(1, { likes: 10, shares: 2, replies: 1, views: 500 }));
    const twice = applySnapshot(once, snapshot(1, { likes: 10, shares: 2, replies: 1, views: 500 }));
    expect(twice).toBe(once);
    expect(once.snapshots).toHaveLength(2);
    expect(base.snapshots).toHaveLength(1); // the input is never mutated
  });

  it("keeps the element-wise maximum of two snapshots with the same timestamp, in either order", () => {
    const a = snapshot(2, { likes: 10, shares: 5 });
    const b = snapshot(2, { likes: 12, shares: 3, views: 7 });
    const ab = applyAll(base, [a, b]);
    expect(applyAll(base, [b, a])).toEqual(ab);
    expect(ab.snapshots.at(-1)).toEqual({ t: T0 + 2 * MIN, likes: 12, shares: 5, replies: 0, views: 7, clicks: 0 });
  });

  it("keeps one snapshot per minute (the latest) and the same state for any order and repetition", () => {
    const events: EngagementEvent[] = [];
    for (let i = 1; i <= 40; i++) events.push(snapshot(i / 2, { likes: i * 10 }));
    const reference = applyAll(base, events);
    for (const seed of [1, 2, 3]) {
      expect(applyAll(base, shuffled([...events, ...events.slice(0, 15)], seed))).toEqual(reference);
    }
    // Minute buckets of T0 + k * 30 s: the ingest snapshot at T0 shares its minute with 0.5 min, which wins.
    expect(reference.snapshots.map((s) => (s.t - T0) / MIN)).toEqual(
      Array.from({ length: 20 }, (_, k) => k + 0.5).concat(20),
    );
  });

  it("keeps an hour of history before the newest snapshot plus one anchor, whatever the order", () => {
    const events = Array.from({ length: 120 }, (_, i) => snapshot(i + 1, { likes: (i + 1) * 100 }));
    const state = applyAll(base, events);
    expect(state.snapshots).toHaveLength(61);
    expect(state.snapshots[0]?.t).toBe(T0 + 120 * MIN - HISTORY_MS);
    expect(applyAll(base, shuffled(events, 9))).toEqual(state);
    // A late copy of a dropped snapshot changes nothing.
    expect(applySnapshot(state, snapshot(10, { likes: 1000 }))).toBe(state);
    // Before the anchor, engagement is held at the anchor's value (what came before is gone).
    expect(engagementAt(state, T0 + 30 * MIN, T0 + 120 * MIN)).toBe(6000);
    expect(engagementAt(state, T0 + 60 * MIN, T0 + 120 * MIN)).toBe(6000);
  });

  it("refuses a snapshot of another post", () => {
    expect(() => applySnapshot(base, snapshot(1, {}, { postId: "p2" }))).toThrow(/x:p2/);
  });
});

describe("applyCascade", () => {
  const base = newPostState(rootMention(300));
  const item = { itemId: "r1", depth: 2, at: T0 + 90_000, authorFollowers: 50 };

  it("deduplicates by its own bounded id list when the caller does not say isNew", () => {
    const once = applyCascade(base, item);
    expect(applyCascade(once, item)).toBe(once);
    expect(once).toMatchObject({
      cascadeSize: 1,
      cascadeDepth: 2,
      cascadeReach: 50,
      cascadeMinutes: [[Math.floor((T0 + 90_000) / MIN), 1]],
      recentMemberIds: ["r1"],
    });
  });

  it("trusts isNew when the caller keeps the member set (SADD), and then keeps no ids", () => {
    const once = applyCascade(base, { ...item, isNew: true });
    expect(applyCascade(once, { ...item, isNew: false })).toBe(once);
    expect(once).toMatchObject({ cascadeSize: 1, cascadeDepth: 2, cascadeReach: 50, recentMemberIds: [] });
  });

  it("remembers only the last MAX_RECENT_MEMBER_IDS ids, and counts the cascade by minute for an hour", () => {
    let state = base;
    for (let i = 0; i < 300; i++) {
      state = applyCascade(state, { itemId: `r${i}`, depth: 1 + (i % 3), at: T0 + i * 20_000, authorFollowers: 10 });
    }
    expect(state.cascadeSize).toBe(300);
    expect(state.cascadeDepth).toBe(3);
    expect(state.cascadeReach).toBe(3000);
    expect(state.recentMemberIds).toHaveLength(MAX_RECENT_MEMBER_IDS);
    expect(applyCascade(state, { itemId: "r299", depth: 1, at: T0, authorFollowers: 10 })).toBe(state);
    // Items arrive every 20 s for 100 minutes: the last 60 minute buckets, 3 each.
    expect(state.cascadeMinutes).toHaveLength(60);
    expect(state.cascadeMinutes.every(([, n]) => n === 3)).toBe(true);
    expect(assessVirality(state, T0 + 100 * MIN).cascadeVelocity).toBe(3);
  });

  it("refuses a depth below 1", () => {
    expect(() => applyCascade(base, { ...item, depth: 0 })).toThrow(RangeError);
  });
});

describe("state as data", () => {
  it("survives a JSON round trip and assesses the same afterwards", () => {
    let state = newPostState(rootMention(300));
    for (let m = 1; m <= 10; m++) state = applySnapshot(state, snapshot(m, { likes: m * m * 50, shares: m * 20 }));
    state = applyCascade(state, { itemId: "s1", depth: 1, at: T0 + MIN, authorFollowers: 20 });
    const copy = JSON.parse(JSON.stringify(state)) as PostVirality;
    expect(copy).toEqual(state);
    expect(assessVirality(copy, T0 + 10 * MIN)).toEqual(assessVirality(state, T0 + 10 * MIN));
  });
});
