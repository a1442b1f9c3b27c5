import { describe, expect, it } from "vitest";
import { untagged } from "../../../processors/tagger.js";
import {
  applySnapshot,
  assessVirality,
  newPostState,
  toViralityTag,
  viralityKeys,
  viralityTagger,
} from "../../../processors/virality/index.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { postWith } from "../../fixtures/mentions.js";
import { MIN, rootMention, T0 } from "./helpers.js";

describe("viralityTagger", () => {
  it("tags a mention with its root's stored virality at the mention's time, null when unknown", async () => {
    const store = new MemoryStateStore();
    let root = newPostState(rootMention(300, { id: "p1" }));
    root = applySnapshot(root, {
      platform: "x",
      postId: "p1",
      eventTime: T0 + 2 * MIN,
      likes: 900,
      shares: 300,
      replies: 200,
      views: 0,
      clicks: 0,
      source: "test",
    });
    await store.setMany([{ key: viralityKeys("t.").post("x:p1"), value: JSON.stringify(root) }], 60);

    const reply = postWith({ id: "r1", kind: "reply", parentId: "p1", rootId: "p1", eventTime: T0 + 3 * MIN });
    const own = postWith({ id: "p1", eventTime: T0 + 3 * MIN });
    const unrelated = postWith({ id: "p9", eventTime: T0 + 3 * MIN });
    const batch = [reply, own, unrelated].map((mention) => ({ mention, tags: untagged(), processedTime: 0 }));
    await viralityTagger(store, "t.").tag(batch);

    const expected = toViralityTag(assessVirality(root, T0 + 3 * MIN));
    expect(expected.viral).toBe(true);
    expect(batch.map((item) => item.tags.virality)).toEqual([expected, expected, null]);
  });
});
