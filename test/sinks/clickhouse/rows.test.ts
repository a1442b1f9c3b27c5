/** Row shapes: a tagged mention's tags in their ClickHouse columns. */
import { describe, expect, it } from "vitest";
import { untagged } from "../../../processors/tagger.js";
import { taggedMentionRow } from "../../../sinks/clickhouse/rows.js";
import { postWith } from "../../fixtures/mentions.js";

describe("taggedMentionRow", () => {
  it("puts every tag and engagement count in its column", () => {
    const tags = untagged();
    tags.influence = { score: 61.5, tier: "macro" };
    tags.segment = { name: "critics", confidence: 0.775 };
    const mention = postWith({ id: "m1", engagement: { likes: 1, shares: 2, replies: 3, views: 4, clicks: 5 } });
    const row = taggedMentionRow({ mention, tags, processedTime: 9 }, { topic: "t", partition: 2, offset: "7" });
    expect(row).toMatchObject({
      id: "m1",
      likes: 1,
      shares: 2,
      replies: 3,
      views: 4,
      clicks: 5,
      influence_score: 61.5,
      influence_tier: "macro",
      segment: "critics",
      segment_confidence: 0.775,
      sentiment_label: null,
      account_role: null,
      processed_time: 9,
      kafka_partition: 2,
      kafka_offset: "7",
    });
  });
});
