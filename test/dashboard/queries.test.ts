/**
 * The dashboard's reads on embedded ClickHouse: a month's chart counts days in the dashboard's
 * zone; the reach and sustainability measures per author.
 */
import { describe, expect, it } from "vitest";
import { agencyView } from "../../dashboard/server/queries.js";
import { untagged } from "../../processors/tagger.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { taggedMentionRow } from "../../sinks/clickhouse/rows.js";
import { postWith } from "../fixtures/mentions.js";
import { useMigratedStorage } from "../support/storage.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Midnight WIB (17:00 UTC) ten days ago. */
const MIDNIGHT_WIB = Math.floor(Date.now() / DAY) * DAY - 10 * DAY - 7 * HOUR;
const storage = useMigratedStorage();

describe("agencyView", () => {
  it("buckets a month by days of the dashboard's zone", async () => {
    // 23:30 and 00:30 WIB on either side of MIDNIGHT_WIB: one UTC day (16:30 and 17:30 UTC), two WIB days.
    const delta = (at: number, mentions: number, offset: number) => ({
      source_topic: "t",
      source_partition: 0,
      first_offset: offset,
      last_offset: offset,
      inserted_at: Date.now(),
      window_start: at / 1000,
      scope_kind: "agency",
      scope: "bmkg",
      agency: "bmkg",
      platform: "x",
      sentiment: "negative",
      mentions,
      first_event_time: at,
      last_event_time: at,
    });
    await storage.client.insert({
      table: storage.table("mention_window_deltas"),
      values: [delta(MIDNIGHT_WIB - 30 * 60_000, 3, 0), delta(MIDNIGHT_WIB + 30 * 60_000, 5, 1)],
      format: "JSONEachRow",
    });
    const range = { key: "custom" as const, fromMs: MIDNIGHT_WIB - 5 * DAY + 3 * HOUR, toMs: MIDNIGHT_WIB + 20 * DAY };
    const view = await agencyView(storage, "bmkg", range, "Asia/Jakarta");
    expect(view.stepMs).toBe(DAY);
    const days = view.series.filter((bucket) => bucket.negative > 0).map((bucket) => [bucket.t, bucket.negative]);
    expect(days).toEqual([
      [MIDNIGHT_WIB - DAY, 3],
      [MIDNIGHT_WIB, 5],
    ]);
    expect(view.series[0]?.t).toBe(MIDNIGHT_WIB - 5 * DAY);
    expect(view.series).toHaveLength(25);
  });

  it("reaches each author's largest follower count once, and counts returning authors", async () => {
    const mention = (id: string, author: string, followers: number, clicks: number): TaggedMention => {
      const tags = untagged();
      tags.topics = [{ queryId: "q", agency: "bmkg" }];
      const at = MIDNIGHT_WIB + DAY;
      return {
        mention: postWith({
          id,
          eventTime: at,
          author: { id: author, handle: author, name: null, followers, verified: false, location: null },
          engagement: { likes: 0, shares: 0, replies: 0, views: 0, clicks },
        }),
        tags,
        processedTime: at,
      };
    };
    await storage.client.insert({
      table: storage.table("tagged_mentions"),
      values: [mention("m1", "a", 100, 1), mention("m2", "a", 150, 2), mention("m3", "b", 40, 0)].map((item, i) =>
        taggedMentionRow(item, { topic: "t", partition: 0, offset: String(i) }),
      ),
      format: "JSONEachRow",
    });
    const range = { key: "custom" as const, fromMs: MIDNIGHT_WIB, toMs: MIDNIGHT_WIB + 2 * DAY };
    const { measures } = await agencyView(storage, "bmkg", range, "Asia/Jakarta");
    expect(measures.reach).toEqual({ authors: 2, distinctAuthorReach: 150 + 40 });
    expect(measures.conversation.clicks).toBe(3);
    expect(measures.sustainability).toEqual({ returningAuthors: 1, returningShare: 0.5 });
  });
});
