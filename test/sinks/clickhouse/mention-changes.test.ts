/**
 * Removed and edited posts on embedded ClickHouse (chdb): a removal erases the stored mention's
 * text and author, and its responsiveness item's, while the window counts stay; an edit replaces
 * the text without a second row; a mention stored after its removal is erased before insert; the
 * dashboard's reads never show a removed mention.
 */
import { describe, expect, it } from "vitest";
import { needsAnswer } from "../../../dashboard/server/answers.js";
import { agencyView, dataVersion } from "../../../dashboard/server/queries.js";
import { untagged } from "../../../processors/tagger.js";
import type { MentionChange, TaggedMention } from "../../../schemas/types.generated.js";
import { applyMentionChanges, applyStoredChanges } from "../../../sinks/clickhouse/mention-changes.js";
import { taggedMentionRow } from "../../../sinks/clickhouse/rows.js";
import { TableWriter } from "../../../sinks/clickhouse/table-writer.js";
import { postWith } from "../../fixtures/mentions.js";
import { useMigratedStorage } from "../../support/storage.js";

const HOUR = 3_600_000;
const AT = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const storage = useMigratedStorage();

function tagged(id: string, author: string, text: string, minute = 0): TaggedMention {
  const tags = untagged();
  tags.topics = [{ queryId: "q", agency: "bmkg" }];
  return {
    mention: postWith({
      id,
      text,
      eventTime: AT + minute * 60_000,
      url: `https://x.com/${author}/status/${id}`,
      hashtags: ["banjir"],
      mentionedHandles: ["infobmkg"],
      links: ["https://example.id/a"],
      author: {
        id: `u-${author}`,
        handle: author,
        name: `Nama ${author}`,
        followers: 10,
        verified: false,
        location: null,
      },
    }),
    tags,
    processedTime: AT + minute * 60_000,
  };
}

const row = (item: TaggedMention, offset: number) =>
  taggedMentionRow(item, { topic: "simak.mentions.tagged", partition: 0, offset: String(offset) });

function change(
  postId: string,
  kind: "removed" | "edited",
  changedTime: number,
  text: string | null = null,
): MentionChange {
  return {
    platform: "x",
    postId,
    change: kind,
    reason: kind === "removed" ? "deleted" : "edited",
    text,
    changedTime,
    source: "x-humas",
  };
}

async function select<T>(query: string): Promise<T[]> {
  const result = await storage.client.query({ query, format: "JSONEachRow" });
  return result.json<T>();
}

const stored = (id: string) =>
  select<Record<string, unknown>>(
    `SELECT text, author_id, author_handle, author_name, url, hashtags, mentioned_handles, links,
       removed_at IS NOT NULL AS removed, toString(toUnixTimestamp64Milli(edited_at)) AS edited_at, toUInt32(likes) AS likes, sentiment_label
     FROM ${storage.table("tagged_mentions")} WHERE id = '${id}'`,
  );

describe("mention changes", () => {
  it("a removal erases text and author of the stored mention and its responsiveness item; window counts stay", async () => {
    await storage.client.insert({
      table: storage.table("tagged_mentions"),
      values: [
        row(tagged("r1", "warga1", "Banjir lagi di Bekasi @infobmkg"), 0),
        row(tagged("r2", "warga2", "Hujan deras"), 1),
      ],
      format: "JSONEachRow",
    });
    await storage.client.insert({
      table: storage.table("responsiveness_items"),
      values: [
        {
          agency: "bmkg",
          platform: "x",
          item_id: "r1",
          thread_id: "r1",
          url: "https://x.com/warga1/status/r1",
          author_handle: "warga1",
          text: "Banjir lagi di Bekasi @infobmkg",
          kind: "question",
          probability: 0.9,
          addressed: "handle",
          asked_at: AT,
          due_at: AT + HOUR,
          asked_day: "2026-01-01",
          asked_week: "2026-01-01",
          time_zone: "Asia/Jakarta",
        },
      ],
      format: "JSONEachRow",
    });
    await storage.client.insert({
      table: storage.table("mention_window_deltas"),
      values: [
        {
          source_topic: "t",
          source_partition: 0,
          first_offset: 0,
          last_offset: 1,
          inserted_at: Date.now(),
          window_start: AT / 1000,
          scope_kind: "agency",
          scope: "bmkg",
          agency: "bmkg",
          platform: "x",
          sentiment: "neutral",
          mentions: 2,
          first_event_time: AT,
          last_event_time: AT,
        },
      ],
      format: "JSONEachRow",
    });
    const before = await dataVersion(storage);
    const range = { key: "custom" as const, fromMs: AT - HOUR, toMs: AT + HOUR };
    expect((await agencyView(storage, "bmkg", range, "Asia/Jakarta")).stream.map((m) => m.id).sort()).toEqual([
      "r1",
      "r2",
    ]);
    expect(
      (await needsAnswer(storage, { statuses: ["open", "overdue"], limit: 10 } as never)).map((i) => i.itemId),
    ).toEqual(["r1"]);

    await applyMentionChanges(storage, [change("r1", "removed", AT + 30 * 60_000)]);

    const [erased] = await stored("r1");
    const pseudonym = (
      await select<{ p: string }>("SELECT concat('removed:', hex(substring(SHA256('u-warga1'), 1, 8))) AS p")
    )[0]?.p;
    expect(erased).toEqual({
      text: "",
      author_id: pseudonym,
      author_handle: "",
      author_name: null,
      url: null,
      hashtags: [],
      mentioned_handles: [],
      links: [],
      removed: 1,
      edited_at: null,
      likes: 0,
      sentiment_label: null,
    });
    expect((await stored("r2"))[0]).toMatchObject({ text: "Hujan deras", author_handle: "warga2", removed: 0 });
    expect(
      await select(
        `SELECT text, author_handle, url FROM ${storage.table("responsiveness_items")} WHERE item_id = 'r1'`,
      ),
    ).toEqual([{ text: "", author_handle: "", url: null }]);
    expect(
      await select(
        `SELECT toUInt32(sum(mentions)) AS mentions FROM ${storage.table("mention_windows_1m")} WHERE scope = 'bmkg' AND window_start = toDateTime(${AT / 1000})`,
      ),
    ).toEqual([{ mentions: 2 }]);
    // The dashboard: never shows it again, and notices the change.
    const view = await agencyView(storage, "bmkg", range, "Asia/Jakarta");
    expect(view.stream.map((m) => m.id)).toEqual(["r2"]);
    expect(await needsAnswer(storage, { statuses: ["open", "overdue"], limit: 10 } as never)).toEqual([]);
    expect(await dataVersion(storage)).not.toBe(before);
    expect(view.platforms).toEqual([{ platform: "x", mentions: 2 }]);
  });

  it("an edit replaces the text once, without a second row; an older edit or an edit of a removed post changes nothing", async () => {
    await storage.client.insert({
      table: storage.table("tagged_mentions"),
      values: [row(tagged("e1", "warga3", "Jalan rusak di Cirebon"), 2)],
      format: "JSONEachRow",
    });
    await applyMentionChanges(storage, [
      change("e1", "edited", AT + 5 * 60_000, "Jalan rusak parah di Cirebon"),
      change("e1", "edited", AT + 3 * 60_000, "versi lama"),
      change("r1", "edited", AT + 40 * 60_000, "teks baru setelah dihapus"),
    ]);
    expect(await stored("e1")).toEqual([
      expect.objectContaining({
        text: "Jalan rusak parah di Cirebon",
        author_handle: "warga3",
        edited_at: String(AT + 5 * 60_000),
      }),
    ]);
    await applyMentionChanges(storage, [change("e1", "edited", AT + 4 * 60_000, "versi sebelumnya")]);
    expect((await stored("e1"))[0]?.text).toBe("Jalan rusak parah di Cirebon");
    expect((await stored("r1"))[0]?.text).toBe("");
    expect(
      await select(`SELECT toUInt32(count()) AS n FROM ${storage.table("tagged_mentions")} WHERE id = 'e1'`),
    ).toEqual([{ n: 1 }]);
  });

  it("a mention reaching the sink after its removal or edit is stored erased or edited", async () => {
    await applyMentionChanges(storage, [
      change("late1", "removed", AT + 60_000),
      change("late2", "edited", AT + 60_000, "teks yang diubah"),
    ]);
    const writer = new TableWriter({
      storage,
      table: "tagged_mentions",
      keyColumns: ["platform", "id"],
      lookupColumn: "id",
      timeColumn: "event_time",
      batchRows: 100,
      flushMs: 5,
      minFlushIntervalMs: 0,
      prepare: (rows) => applyStoredChanges(storage, rows),
    });
    await writer.write([
      row(tagged("late1", "warga4", "akan dihapus"), 3),
      row(tagged("late2", "warga5", "teks asli"), 4),
      row(tagged("late3", "warga6", "tidak berubah"), 5),
    ]);
    expect((await stored("late1"))[0]).toMatchObject({
      text: "",
      author_handle: "",
      author_name: null,
      url: null,
      removed: 1,
    });
    expect(String((await stored("late1"))[0]?.author_id)).toMatch(/^removed:[0-9A-F]{16}$/);
    expect((await stored("late1"))[0]?.author_id).toBe(
      (await select<{ p: string }>("SELECT concat('removed:', hex(substring(SHA256('u-warga4'), 1, 8))) AS p"))[0]?.p,
    );
    expect((await stored("late2"))[0]).toMatchObject({
      text: "teks yang diubah",
      edited_at: String(AT + 60_000),
      removed: 0,
    });
    expect((await stored("late3"))[0]).toMatchObject({ text: "tidak berubah", author_handle: "warga6", removed: 0 });
  });

  it("erases many posts at once, in groups of keys the server takes (64 KiB each)", async () => {
    const ids = Array.from({ length: 700 }, (_, i) => `bulk-${String(i).padStart(6, "0")}-${"x".repeat(48)}`);
    await storage.client.insert({
      table: storage.table("tagged_mentions"),
      values: ids.map((id, i) => row(tagged(id, `w${i}`, `teks ${i}`), 100 + i)),
      format: "JSONEachRow",
    });
    await applyMentionChanges(
      storage,
      ids.map((id) => change(id, "removed", AT + HOUR)),
    );
    expect(
      await select(
        `SELECT toUInt32(countIf(removed_at IS NOT NULL AND text = '' AND author_handle = '')) AS erased, toUInt32(count()) AS n
         FROM ${storage.table("tagged_mentions")} WHERE startsWith(id, 'bulk-')`,
      ),
    ).toEqual([{ erased: 700, n: 700 }]);
  });
});
