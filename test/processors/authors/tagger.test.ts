import { describe, expect, it } from "vitest";
import {
  applyAuthorSignal,
  authorKeys,
  authorsTagger,
  emptyAuthor,
  routeMention,
} from "../../../processors/authors/index.js";
import { untagged } from "../../../processors/tagger.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { postWith } from "../../fixtures/mentions.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 3);
const keys = authorKeys("t.");

describe("authorsTagger", () => {
  it("scores an author not seen yet by the mention's followers, segment unknown; with a PageRank run, rank 0 counts", async () => {
    const store = new MemoryStateStore();
    const batch = [{ mention: postWith({ followers: 10_000, eventTime: T0 }), tags: untagged(), processedTime: 0 }];
    await authorsTagger(store, "t.").tag(batch);
    // reach = log10(10 001) / log10(10^7 + 1) = 0.571435; without PageRank weight 0.3 / 0.8.
    expect(batch[0]?.tags.influence).toEqual({ score: 21.43, tier: "micro" });
    expect(batch[0]?.tags.segment).toEqual({ name: "unknown", confidence: 0 });

    await store.setMany([{ key: keys.ranked(), value: String(T0) }], 60);
    await authorsTagger(store, "t.").tag(batch);
    // With a run and no rank for the author: 100 · 0.3 · 0.571435.
    expect(batch[0]?.tags.influence).toEqual({ score: 17.14, tier: "micro" });
  });

  it("reads the author's stored behaviour and adds the amplification its handle received", async () => {
    const store = new MemoryStateStore();
    let author = emptyAuthor("x:a1");
    for (let i = 0; i < 6; i++) {
      const post = postWith({
        id: `p${i}`,
        followers: 200,
        eventTime: T0 + i * DAY,
        kind: "post",
        platform: "youtube",
      });
      const [authored] = routeMention({ mention: post, tags: untagged(), processedTime: 0 }).signals;
      author = applyAuthorSignal(author, authored as NonNullable<typeof authored>, true);
    }
    let handle = emptyAuthor("youtube:@warga");
    handle = applyAuthorSignal(
      handle,
      {
        authorKey: "youtube:@warga",
        kind: "amplified",
        at: T0 + 6 * DAY,
        authored: null,
        engagement: null,
        amplified: { by: "youtube:b9", byFollowers: 999, itemId: "c1" },
      },
      true,
    );
    await store.setMany(
      [
        { key: keys.state("youtube:a1"), value: JSON.stringify(author) },
        { key: keys.state("youtube:@warga"), value: JSON.stringify(handle) },
      ],
      60,
    );
    const batch = [
      {
        mention: postWith({ platform: "youtube", followers: 200, eventTime: T0 + 6 * DAY }),
        tags: untagged(),
        processedTime: 0,
      },
    ];
    await authorsTagger(store, "t.").tag(batch);
    expect(batch[0]?.tags.segment).toEqual({ name: "creators", confidence: 0.775 });
    // 6 observations on 6 days: evidence sqrt(0.6 · 1) = 0.775, all of it creation (videos).
    // reach(200) = log10(201) / log10(10^7 + 1) = 0.329028; the handle's one amplification by a
    // 999-follower account, w = log10(1000) = 3: ln(4) / ln(1001) = 0.200657; engagement 0.
    // 100 · (0.375 · 0.329028 + 0.375 · 0.200657) = 19.86.
    expect(batch[0]?.tags.influence).toEqual({ score: 19.86, tier: "nano" });
  });
});
