/**
 * Removed and edited posts (simak.mentions.changes) in ClickHouse.
 *
 * A removal erases what identifies the post and its author from `tagged_mentions` (text, author
 * handle and name, url, hashtags, mentioned handles, links; the author id becomes a pseudonym, a
 * hash, so the distinct-author measures keep their counts) and from `responsiveness_items` (text,
 * author handle, url), and stamps `removed_at`: the dashboard shows no mention with one. The counts the
 * aggregates already hold stay (the windows, the answer rates): they measured what was public then.
 *
 * An edit replaces the stored text and stamps `edited_at`; the tags (sentiment, topics, place)
 * and every count stay those of the first version, so nothing is counted twice. An edit never
 * brings back the text of a removed post.
 *
 * Both are mutations (ALTER TABLE ... UPDATE, parameterised, waited for): the same SQL on chdb and
 * a server. Every change is also kept in `mention_changes`, because a post's mention may reach the
 * sink after its removal (it goes through the process stage, the change does not): `applyStoredChanges`
 * erases or edits such rows before they are inserted.
 */
import { createHash } from "node:crypto";
import { TupleParam } from "@clickhouse/client";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import type { MentionChange } from "../../schemas/types.generated.js";
import type { Row } from "./rows.js";
import { MAX_LOOKUP_KEY_BYTES } from "./table-writer.js";

/**
 * The items in groups of at most MAX_LOOKUP_KEY_BYTES of keys: parameters travel in the request
 * body (multipart), where a server takes at most 128 KiB per parameter (table-writer.ts).
 */
function byKeyBytes<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    // Quoted and escaped: up to 3 bytes a byte, and separators.
    const size = 3 * Buffer.byteLength(keyOf(item)) + 8;
    if (group.length > 0 && bytes + size > MAX_LOOKUP_KEY_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Settings of the mutations: wait until they are done, so offsets are committed after the erasure. */
const MUTATION_SETTINGS = { mutations_sync: "1" } as const;

/** The columns a removal blanks, as SQL assignments (author_id: a pseudonym, see above). */
const ERASED_MENTION_COLUMNS = `text = '', author_handle = '', author_name = NULL, url = NULL,
  author_id = concat('removed:', hex(substring(SHA256(author_id), 1, 8))), hashtags = [], mentioned_handles = [], links = []`;

export function mentionChangeRow(change: MentionChange): Row {
  return {
    platform: change.platform,
    post_id: change.postId,
    change: change.change,
    reason: change.reason,
    text: change.text,
    changed_time: change.changedTime,
    source: change.source,
  };
}

type Key = [string, string];

/** Records the changes and applies them to the stored mentions (and responsiveness items). */
export async function applyMentionChanges(storage: Storage, changes: readonly MentionChange[]): Promise<void> {
  if (changes.length === 0) return;
  const { client } = storage;
  await client.insert({
    table: storage.table("mention_changes"),
    values: changes.map(mentionChangeRow),
    format: "JSONEachRow",
  });
  const removed = new Map<string, Key>();
  const edits = new Map<string, { key: Key; text: string; at: number }>();
  for (const change of changes) {
    const id = `${change.platform}\u0001${change.postId}`;
    if (change.change === "removed") removed.set(id, [change.platform, change.postId]);
    else if (change.text !== null) {
      const earlier = edits.get(id);
      if (!earlier || earlier.at <= change.changedTime)
        edits.set(id, { key: [change.platform, change.postId], text: change.text, at: change.changedTime });
    }
  }
  for (const id of removed.keys()) edits.delete(id);
  for (const group of byKeyBytes([...removed.values()], ([platform, id]) => platform + id)) {
    const keys = group.map((key) => new TupleParam(key));
    await client.command({
      query: `ALTER TABLE ${storage.table("tagged_mentions")}
              UPDATE ${ERASED_MENTION_COLUMNS}, removed_at = fromUnixTimestamp64Milli({at:Int64}, 'UTC')
              WHERE (platform, id) IN {keys:Array(Tuple(String, String))} AND removed_at IS NULL`,
      query_params: { keys, at: Date.now() },
      use_multipart_params: true,
      clickhouse_settings: MUTATION_SETTINGS,
    });
    await client.command({
      query: `ALTER TABLE ${storage.table("responsiveness_items")} UPDATE text = '', author_handle = '', url = NULL
              WHERE (platform, item_id) IN {keys:Array(Tuple(String, String))} AND text != ''`,
      query_params: { keys },
      use_multipart_params: true,
      clickhouse_settings: MUTATION_SETTINGS,
    });
  }
  for (const latest of byKeyBytes([...edits.values()], (edit) => edit.key.join("") + edit.text)) {
    await client.command({
      query: `ALTER TABLE ${storage.table("tagged_mentions")}
              UPDATE text = {texts:Array(String)}[indexOf({keys:Array(Tuple(String, String))}, (platform, id))],
                edited_at = fromUnixTimestamp64Milli({times:Array(Int64)}[indexOf({keys:Array(Tuple(String, String))}, (platform, id))], 'UTC')
              WHERE (platform, id) IN {keys:Array(Tuple(String, String))} AND removed_at IS NULL
                AND (edited_at IS NULL
                  OR edited_at < fromUnixTimestamp64Milli({times:Array(Int64)}[indexOf({keys:Array(Tuple(String, String))}, (platform, id))], 'UTC'))`,
      query_params: {
        keys: latest.map((edit) => new TupleParam(edit.key)),
        texts: latest.map((edit) => edit.text),
        times: latest.map((edit) => edit.at),
      },
      use_multipart_params: true,
      clickhouse_settings: MUTATION_SETTINGS,
    });
  }
}

/**
 * Applies the stored changes to tagged-mention rows about to be inserted (rows of `taggedMentionRow`):
 * a removed post's row is erased like the stored ones, an edited one gets its latest text.
 */
export async function applyStoredChanges(storage: Storage, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  type Found = { platform: string; post_id: string; change: string; text: string | null; at: string };
  const found: Found[] = [];
  for (const ids of byKeyBytes([...new Set(rows.map((row) => String(row.id)))], (id) => id)) {
    const result = await storage.client.query({
      query: `SELECT platform, post_id, change, argMax(text, changed_time) AS text,
                toUnixTimestamp64Milli(max(changed_time)) AS at
              FROM ${storage.table("mention_changes")}
              WHERE post_id IN {ids:Array(String)}
              GROUP BY platform, post_id, change`,
      query_params: { ids },
      use_multipart_params: true,
      format: "JSONEachRow",
    });
    found.push(...(await result.json<Found>()));
  }
  if (found.length === 0) return;
  const removedAt = new Map<string, number>();
  const edited = new Map<string, { text: string; at: number }>();
  for (const change of found) {
    const id = `${change.platform}\u0001${change.post_id}`;
    if (change.change === "removed") removedAt.set(id, Date.now());
    else if (change.text !== null) edited.set(id, { text: change.text, at: Number(change.at) });
  }
  for (const row of rows) {
    const id = `${row.platform}\u0001${row.id}`;
    const removed = removedAt.get(id);
    if (removed !== undefined) {
      Object.assign(row, {
        text: "",
        author_handle: "",
        author_name: null,
        url: null,
        author_id: `removed:${pseudonym(String(row.author_id))}`,
        hashtags: [],
        mentioned_handles: [],
        links: [],
        removed_at: removed,
      });
      continue;
    }
    const edit = edited.get(id);
    if (edit) Object.assign(row, { text: edit.text, edited_at: edit.at });
  }
}

/** The author pseudonym of a removed post, as the mutation computes it (hex of SHA-256's first 8 bytes). */
function pseudonym(authorId: string): string {
  return createHash("sha256").update(authorId).digest().subarray(0, 8).toString("hex").toUpperCase();
}
