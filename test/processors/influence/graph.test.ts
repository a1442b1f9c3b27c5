import { describe, expect, it } from "vitest";
import {
  amplificationEdges,
  authorKey,
  DAY_MS,
  EDGE_HALF_LIFE_MS,
  EDGE_WINDOW_MS,
  handleKey,
  type TimedEdge,
  windowEdges,
} from "../../../processors/influence/index.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

const T0 = Date.UTC(2025, 5, 2, 1, 0, 0);

function mention(changes: Partial<Mention>): Mention {
  return {
    ...sampleMention,
    id: "m1",
    eventTime: T0,
    mentionedHandles: [],
    ...changes,
    author: { ...sampleMention.author, id: "me", handle: "me_handle", followers: 321 },
  };
}

const known: Record<string, string> = { kemenkesri: "x:111", ani: "x:222", me_handle: "x:me" };
const resolve = (_platform: string, handle: string) => known[handle.toLowerCase()];

describe("amplificationEdges", () => {
  it("an X reply: one edge to the parent's author, not a second one for its leading @handle", () => {
    const reply = mention({
      kind: "reply",
      parentId: "p",
      rootId: "p",
      text: "@KemenkesRI kapan?",
      mentionedHandles: ["KemenkesRI", "ani"],
    });
    const edges = amplificationEdges(reply, "x:111", resolve);
    expect(edges.map(({ to, kind }) => [to, kind])).toEqual([
      ["x:111", "reply"],
      ["x:222", "mention"],
    ]);
    expect(edges[0]).toEqual({
      from: "x:me",
      to: "x:111",
      weight: 1,
      kind: "reply",
      at: T0,
      itemId: "m1",
      byFollowers: 321,
    });
  });

  it("a post: an edge per mentioned account; unresolved handles become handle keys; never the author itself", () => {
    const post = mention({ kind: "post", mentionedHandles: ["KemenkesRI", "Someone", "me_handle"] });
    expect(amplificationEdges(post, null, resolve).map((edge) => edge.to)).toEqual(["x:111", "x:@someone"]);
  });

  it("a share: only the parent's author (the retweeted text's @handles are not the sharer's)", () => {
    const share = mention({
      kind: "share",
      parentId: "p",
      text: "RT @ani: cc @KemenkesRI",
      mentionedHandles: ["ani", "KemenkesRI"],
    });
    expect(amplificationEdges(share, "x:222", resolve).map((edge) => [edge.to, edge.kind])).toEqual([
      ["x:222", "share"],
    ]);
    // Parent's author unknown: the "RT @handle:" prefix names it.
    expect(amplificationEdges(share, undefined, resolve).map((edge) => edge.to)).toEqual(["x:222"]);
    expect(amplificationEdges({ ...share, text: "mantap" }, undefined, resolve)).toEqual([]);
  });

  it("a comment with an unknown parent author has no parent edge", () => {
    const comment = mention({ platform: "instagram", kind: "comment", parentId: "p", rootId: "p" });
    expect(amplificationEdges(comment, null)).toEqual([]);
  });

  it("keys accounts per platform", () => {
    expect(authorKey("tiktok", "123")).toBe("tiktok:123");
    expect(handleKey("x", "@KemenkesRI")).toBe("x:@kemenkesri");
  });
});

describe("windowEdges", () => {
  const now = T0 + 10 * DAY_MS;
  const edge = (from: string, to: string, ageMs: number, weight = 1): TimedEdge => ({
    from,
    to,
    weight,
    at: now - ageMs,
  });

  it("decays by the half-life, drops edges older than the window and self-loops, merges and sorts", () => {
    const edges = [
      edge("b", "a", 0),
      edge("a", "b", EDGE_HALF_LIFE_MS),
      edge("a", "b", 0, 2),
      edge("a", "a", 0),
      edge("c", "a", EDGE_WINDOW_MS),
      edge("c", "b", EDGE_WINDOW_MS - 1),
      edge("d", "a", -DAY_MS), // in the future: age 0
    ];
    const out = windowEdges(edges, now);
    expect(out.map(({ from, to }) => `${from}>${to}`)).toEqual(["a>b", "b>a", "c>b", "d>a"]);
    expect(out[0]?.weight).toBeCloseTo(2.5, 12);
    expect(out[1]?.weight).toBe(1);
    expect(out[2]?.weight).toBeCloseTo(2 ** (-EDGE_WINDOW_MS / EDGE_HALF_LIFE_MS), 6);
    expect(out[3]?.weight).toBe(1);
  });

  it("takes the window and half-life as options", () => {
    const out = windowEdges([edge("a", "b", DAY_MS), edge("a", "c", 3 * DAY_MS)], now, {
      windowMs: 2 * DAY_MS,
      halfLifeMs: DAY_MS,
    });
    expect(out).toEqual([{ from: "a", to: "b", weight: 0.5 }]);
  });
});
