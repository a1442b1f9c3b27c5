/**
 * "Isu": the rising issues of an agency (rising_issues, from the issues stage) with the volume of
 * each over the last windows for a sparkline, the top rising issue of every agency for the
 * overview, and an issue's posts for its page (issue_mentions and, for their text, tagged_mentions;
 * docs/analysts.md) with their amplification network (server/network.ts).
 */
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import type { IssueAnswer, IssuePostRow, RisingIssue } from "../shared/types.js";
import type { NetworkScope } from "./network.js";

/** Windows a sparkline covers (one a minute). */
export const SPARKLINE_WINDOWS = 30;
/** Most posts an issue page lists. */
export const ISSUE_POSTS_LIMIT = 100;
/** An issue page shows this much of each post's text. */
const ISSUE_POST_TEXT_CHARS = 500;
/** An issue_mentions row counted in the agency's scope (`{agency:String}`). */
const IN_AGENCY_SCOPE = "arrayExists((kind, id) -> kind = 'agency' AND id = {agency:String}, scope_kinds, scopes)";

/** Rising issues of the agencies (all when none is named), most significant first per agency. */
export async function risingIssues(storage: Storage, agency?: string): Promise<RisingIssue[]> {
  const found = await queryRows<{
    agency: string;
    issue_key: string;
    label: string;
    volume: number;
    negative: number;
    neutral: number;
    positive: number;
    growth: number;
    first_seen: number;
    sparkline: number[];
  }>(
    storage,
    `SELECT r.scope AS agency, r.issue_key AS issue_key, r.label AS label, r.volume AS volume,
       r.negative AS negative, r.neutral AS neutral, r.positive AS positive, r.growth AS growth,
       toUnixTimestamp(r.first_seen) * 1000 AS first_seen,
       arrayMap(i -> s.volumes[indexOf(s.ends, r.window_end - toIntervalMinute(${SPARKLINE_WINDOWS} - i))],
         range(1, ${SPARKLINE_WINDOWS} + 1)) AS sparkline
     FROM ${storage.table("rising_issues")} AS r
     LEFT JOIN (
       SELECT scope, issue_key, groupArray(window_end) AS ends, groupArray(volume) AS volumes
       FROM ${storage.table("issue_windows")} FINAL
       WHERE scope_kind = 'agency'
         AND window_end > (SELECT max(window_end) FROM ${storage.table("issue_progress")} FINAL) - toIntervalMinute(${SPARKLINE_WINDOWS})
       GROUP BY scope, issue_key
     ) AS s ON s.scope = r.scope AND s.issue_key = r.issue_key
     WHERE r.scope_kind = 'agency' ${agency === undefined ? "" : "AND r.scope = {agency:String}"}
     ORDER BY r.scope, r.rank`,
    { agency },
  );
  return found.map((row) => ({
    agency: row.agency,
    key: row.issue_key,
    label: row.label,
    volume: Number(row.volume),
    negative: Number(row.negative),
    neutral: Number(row.neutral),
    positive: Number(row.positive),
    growth: Number(row.growth),
    firstSeen: Number(row.first_seen),
    sparkline: row.sparkline.map(Number),
  }));
}

/** Each agency's top rising issue. */
export async function topIssues(storage: Storage): Promise<Record<string, RisingIssue>> {
  const top: Record<string, RisingIssue> = {};
  for (const issue of await risingIssues(storage)) top[issue.agency] ??= issue;
  return top;
}

/** An issue of an agency: as last seen among the rising ones, and its posts of the day before the latest window. */
export async function issuePage(storage: Storage, agency: string, key: string, name: string): Promise<IssueAnswer> {
  const issue = (await risingIssues(storage, agency)).find((candidate) => candidate.key === key) ?? null;
  const posts = await queryRows<{
    platform: string;
    mention_id: string;
    time: number;
    author_handle: string;
    text: string;
    sentiment: string;
  }>(
    storage,
    // Text and author from tagged_mentions, where a post its platform removed is erased and marked.
    `WITH posts AS (
       SELECT platform, mention_id, event_time, sentiment
       FROM ${storage.table("issue_mentions")} FINAL
       WHERE ${IN_AGENCY_SCOPE} AND has(terms, {key:String})
         AND minute > (SELECT max(window_end) FROM ${storage.table("issue_progress")} FINAL) - INTERVAL 1 DAY)
     SELECT p.platform AS platform, p.mention_id AS mention_id, toUnixTimestamp64Milli(p.event_time) AS time,
       m.author_handle AS author_handle, leftUTF8(m.text, {textChars:UInt32}) AS text, p.sentiment AS sentiment
     FROM posts AS p
     INNER JOIN (
       SELECT platform, id, author_handle, text FROM ${storage.table("tagged_mentions")} FINAL
       WHERE removed_at IS NULL AND (platform, id) IN (SELECT platform, mention_id FROM posts)
     ) AS m ON m.platform = p.platform AND m.id = p.mention_id
     ORDER BY p.event_time DESC, p.mention_id
     LIMIT {limit:UInt32}`,
    { agency, key, limit: ISSUE_POSTS_LIMIT, textChars: ISSUE_POST_TEXT_CHARS },
  );
  return {
    agency,
    name,
    issue,
    posts: posts.map(
      (row): IssuePostRow => ({
        platform: row.platform,
        id: row.mention_id,
        time: Number(row.time),
        handle: row.author_handle,
        text: row.text,
        sentiment: row.sentiment,
      }),
    ),
  };
}

/**
 * An issue as a network's scope: the day before its latest evaluated window up to now (as its
 * page's posts), the shares and replies of or by its posts, and an account's posts among them.
 * Null before any window was evaluated.
 */
export async function issueScope(storage: Storage, agency: string, key: string): Promise<NetworkScope | null> {
  const [progress] = await queryRows<{ latest: number | null }>(
    storage,
    `SELECT toUnixTimestamp(max(window_end)) * 1000 AS latest FROM ${storage.table("issue_progress")} FINAL HAVING count() > 0`,
  );
  if (!progress?.latest) return null;
  const posts = `(SELECT platform, mention_id FROM ${storage.table("issue_mentions")} FINAL
    WHERE ${IN_AGENCY_SCOPE} AND has(terms, {key:String})
      AND minute > toDateTime(toInt64({from:Float64})))`;
  return {
    fromMs: Number(progress.latest) - 86_400_000,
    toMs: Date.now(),
    members: [],
    interaction: `(m.platform, m.id) IN ${posts} OR (p.platform, p.id) IN ${posts}`,
    post: `(m.platform, m.id) IN ${posts} OR (m.platform, ifNull(m.parent_id, '')) IN ${posts}`,
    params: { agency, key },
  };
}
