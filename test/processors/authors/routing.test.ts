import { describe, expect, it } from "vitest";
import { routeMention, routeSnapshot } from "../../../processors/authors/index.js";
import { mentionedAccounts } from "../../../processors/influence/index.js";
import { untagged } from "../../../processors/tagger.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";

const tagged = (mention: Mention) => ({ mention, tags: untagged(), processedTime: 0 });

describe("mentionedAccounts", () => {
  it("names each other account once, not the author, not a reply's opening addressees, none for a share", () => {
    const post = postWith({
      text: "tanya @KemenkesRI dan @bpjs",
      mentionedHandles: ["kemenkesri", "bpjs", "KemenkesRI", "warga"],
    });
    expect(mentionedAccounts(post)).toEqual(["kemenkesri", "bpjs"]);
    const reply = postWith({
      kind: "reply",
      parentId: "p0",
      text: "@budi @ani setuju, cc @KemenkesRI",
      mentionedHandles: ["budi", "ani", "kemenkesri"],
    });
    expect(mentionedAccounts(reply)).toEqual(["kemenkesri"]);
    const share = postWith({
      kind: "share",
      parentId: "p0",
      text: "RT @budi: cek @kemenkesri",
      mentionedHandles: ["budi", "kemenkesri"],
    });
    expect(mentionedAccounts(share)).toEqual([]);
  });
});

describe("routeMention and routeSnapshot", () => {
  it("gives the author an authored signal, named accounts an amplification, the parent's author one awaiting", () => {
    const reply = postWith({
      id: "r1",
      kind: "reply",
      parentId: "p0",
      rootId: "p0",
      followers: 5000,
      text: "@budi mantap @KemenkesRI",
      mentionedHandles: ["budi", "kemenkesri"],
      eventTime: 1_000,
    });
    const item = tagged(reply);
    item.tags.sentiment = { label: "positive", score: 0.8, confidence: 0.9, language: "id", modelVersion: "m" };
    const { signals, awaiting } = routeMention(item);
    expect(signals.map((s) => [s.authorKey, s.kind, s.at])).toEqual([
      ["x:a1", "authored", 1_000],
      ["x:@kemenkesri", "amplified", 1_000],
    ]);
    expect(signals[0]?.authored?.sentiment).toBe("positive");
    expect(signals[1]?.amplified).toEqual({ by: "x:a1", byFollowers: 5000, itemId: "r1" });
    expect(awaiting).toEqual([
      {
        post: "x:p0",
        signal: {
          authorKey: "",
          kind: "amplified",
          at: 1_000,
          authored: null,
          engagement: null,
          amplified: { by: "x:a1", byFollowers: 5000, itemId: "r1" },
        },
      },
    ]);
    expect(routeMention(tagged(postWith({ id: "p2" }))).awaiting).toEqual([]);
  });

  it("sends a snapshot to its post's author", () => {
    const awaiting = routeSnapshot({
      platform: "youtube",
      postId: "v1",
      eventTime: 5_000,
      likes: 10,
      shares: 2,
      replies: 3,
      views: 900,
      clicks: 0,
      source: "test",
    });
    expect(awaiting.post).toBe("youtube:v1");
    expect(awaiting.signal.kind).toBe("engagement");
    expect(awaiting.signal.engagement).toEqual({ postId: "v1", likes: 10, shares: 2, replies: 3 });
  });
});
