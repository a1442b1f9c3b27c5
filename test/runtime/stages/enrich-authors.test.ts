/**
 * The author half of the enrich stage on the in-process bus and state: the author states it builds
 * are exact, and the same whatever order the mentions and snapshots arrive in (a reply before the
 * post it answers, a snapshot before its post), and when they arrive twice.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type AuthorState, authorKeys } from "../../../processors/authors/index.js";
import { untagged } from "../../../processors/tagger.js";
import type { Pipeline } from "../../../runtime/app.js";
import { encodeFor, topicName } from "../../../runtime/context.js";
import { postKey } from "../../../schemas/topics.js";
import type { EngagementEvent, Mention } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";
import { embeddedPipeline } from "../../support/embedded.js";

const T0 = Date.UTC(2026, 10, 20, 3);
const MIN = 60_000;
const author = (id: string, handle: string, followers: number) => ({
  id,
  handle,
  name: null,
  followers,
  verified: false,
  location: null,
});

const post = postWith({ id: "p1", author: author("a", "agus", 1_000), eventTime: T0, text: "info vaksin" });
const reply = postWith({
  id: "r1",
  kind: "reply",
  parentId: "p1",
  rootId: "p1",
  author: author("b", "budi", 50_000),
  eventTime: T0 + MIN,
  text: "@agus mantap, cc @KemenkesRI",
  mentionedHandles: ["agus", "kemenkesri"],
});
const share = postWith({
  id: "s1",
  kind: "share",
  parentId: "p1",
  rootId: "p1",
  author: author("c", "cici", 300),
  eventTime: T0 + 2 * MIN,
});
const nested = postWith({
  id: "r2",
  kind: "reply",
  parentId: "r1",
  rootId: "p1",
  author: author("d", "dodi", 20),
  eventTime: T0 + 3 * MIN,
  text: "@budi kurang setuju",
  mentionedHandles: ["budi"],
});
const selfReply = postWith({
  id: "r3",
  kind: "reply",
  parentId: "p1",
  rootId: "p1",
  author: author("a", "agus", 1_000),
  eventTime: T0 + 4 * MIN,
});
const snapshot: EngagementEvent = {
  platform: "x",
  postId: "p1",
  eventTime: T0 + 5 * MIN,
  likes: 40,
  shares: 1,
  replies: 2,
  views: 900,
  clicks: 0,
  source: "test",
};

type Input = { mention: Mention } | { snapshot: EngagementEvent };

describe("enrich stage, authors", () => {
  const pipelines: Pipeline[] = [];
  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.stop();
  });

  /** Feeds the inputs one batch at a time, in order, and returns every stored author state. */
  const run = async (inputs: Input[]): Promise<Map<string, AuthorState>> => {
    const pipeline = await embeddedPipeline(["enrich"], pipelines);
    const { context } = pipeline;
    const { config } = context;
    const producer = await context.bus.producer();
    for (const input of inputs) {
      if ("mention" in input) {
        const value = { mention: input.mention, tags: untagged(), processedTime: 0 };
        const key = postKey(input.mention.platform, input.mention.id);
        await producer.send(topicName(config, "mentionsTagged"), [encodeFor(context, "mentionsTagged", key, value)]);
      } else {
        const key = postKey(input.snapshot.platform, input.snapshot.postId);
        await producer.send(topicName(config, "engagementRaw"), [
          encodeFor(context, "engagementRaw", key, input.snapshot),
        ]);
      }
      await pipeline.drained();
    }
    const keys = authorKeys(config.topicPrefix);
    const authors = ["x:a", "x:b", "x:c", "x:d", "x:@kemenkesri", "x:@budi"];
    const stored = await context.state.getMany(authors.map(keys.state));
    return new Map(authors.map((key, i) => [key, JSON.parse(stored[i] ?? "null") as AuthorState]));
  };

  let inOrder: Map<string, AuthorState>;

  it("builds exact author states from posts, replies, shares, mentions and snapshots", async () => {
    inOrder = await run(
      [post, reply, share, nested, selfReply, snapshot].map((x) => ("postId" in x ? { snapshot: x } : { mention: x })),
    );
    const a = inOrder.get("x:a") as AuthorState;
    expect(a.influence.followers).toBe(1_000);
    expect(a.influence.authored).toBe(2);
    // Amplified by b's reply and c's share; a's own reply does not count, the snapshot replaces the post's counts.
    expect(a.influence.amplification.count).toBe(2);
    expect(a.influence.amplification.weight).toBeCloseTo(
      Math.log10(50_001) * 2 ** (-MIN / (3 * 86_400_000)) + Math.log10(301),
      9,
    );
    expect(a.influence.posts).toEqual({ p1: { total: 43, at: T0 + 5 * MIN } });
    expect(a.behaviour.posts).toBe(1);
    expect(a.behaviour.replies).toBe(1);
    // b: amplified by d's nested reply (through the map r1 -> b); the @budi in d's reply opens it.
    expect((inOrder.get("x:b") as AuthorState).influence.amplification.count).toBe(1);
    expect(inOrder.get("x:@budi")).toBeNull();
    // @KemenkesRI named in b's reply: kept under the handle.
    const kemenkes = inOrder.get("x:@kemenkesri") as AuthorState;
    expect(kemenkes.influence.amplification.count).toBe(1);
    expect(kemenkes.influence.authored).toBe(0);
    expect((inOrder.get("x:d") as AuthorState).behaviour.replies).toBe(1);
  });

  it("ends in the same states when children and snapshots arrive before their posts, and twice", async () => {
    const reversed = await run(
      [snapshot, nested, selfReply, share, reply, post, reply, snapshot, share].map((x) =>
        "postId" in x ? { snapshot: x } : { mention: x },
      ),
    );
    expect(reversed).toEqual(inOrder);
  });
});
