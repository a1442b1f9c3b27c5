/**
 * The periodic PageRank of authors (processors/influence, docs/influence.md) over the amplification
 * graph of the mentions the sink stored in the last 7 days of event time (ending at the newest
 * mention, so a replayed history is ranked as of its own time). Each run writes every author's
 * normalised rank to the state store, where the process stage's authors tagger reads it, and the
 * top ranks to `author_ranks` for analysts. It runs in the sink because the whole graph is there:
 * each enrich instance holds a share of the authors only.
 */

import type { Gauge } from "prom-client";
import { authorKeys } from "../../processors/authors/index.js";
import {
  type AmplificationEdge,
  amplificationEdges,
  authorKey,
  EDGE_WINDOW_MS,
  handleKey,
  normalisedRanks,
  pageRank,
  windowEdges,
} from "../../processors/influence/index.js";
import type { Logger } from "../../runtime/logger.js";
import { Lease } from "../../runtime/state/lease.js";
import type { StateStore } from "../../runtime/state/state.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import type { Mention, Platform } from "../../schemas/types.generated.js";

/** Ranks stored for analysts per run: the top of the graph; the state store gets all of them. */
export const STORED_TOP_RANKS = 1000;
const RANK_TTL_SECONDS = 7 * 24 * 3600;

interface MentionRow {
  platform: Platform;
  id: string;
  kind: Mention["kind"];
  author_id: string;
  author_handle: string;
  author_followers: string;
  text: string;
  at: string;
  parent_id: string | null;
  mentioned_handles: string[];
}

export interface RankRun {
  /** Event time the graph ends at (null: no mentions stored). */
  at: number | null;
  authors: number;
  edges: number;
  iterations: number;
}

export interface AuthorRanksOptions {
  storage: Storage;
  state: StateStore;
  prefix: string;
  logger: Logger;
}

/** One PageRank run over what `storage` holds now. */
export async function rankAuthors({ storage, state, prefix, logger }: AuthorRanksOptions): Promise<RankRun> {
  const mentions = storage.table("tagged_mentions");
  const query = async <T>(sql: string, params: Record<string, unknown> = {}) =>
    (await storage.client.query({ query: sql, query_params: params, format: "JSONEachRow" })).json<T>();
  const [latest] = await query<{ at: string; n: string }>(
    `SELECT toUnixTimestamp64Milli(max(event_time)) AS at, count() AS n FROM ${mentions}`,
  );
  if (!latest || Number(latest.n) === 0) return { at: null, authors: 0, edges: 0, iterations: 0 };
  const now = Number(latest.at);
  const rows = await query<MentionRow>(
    `SELECT platform, id, kind, author_id, author_handle, author_followers, text,
            toUnixTimestamp64Milli(event_time) AS at, parent_id, mentioned_handles
     FROM ${mentions} WHERE event_time > fromUnixTimestamp64Milli({since:Int64})`,
    { since: now - EDGE_WINDOW_MS },
  );
  const authorOf = new Map<string, string>();
  for (const row of rows) authorOf.set(`${row.platform}:${row.id}`, authorKey(row.platform, row.author_id));
  // Accounts named by @handle, by their latest handle, whenever they last wrote.
  const handles = [...new Set(rows.flatMap((row) => row.mentioned_handles))];
  const byHandle = new Map<string, string>();
  for (const row of await query<{ platform: Platform; handle: string; author_id: string }>(
    `SELECT platform, lower(author_handle) AS handle, argMax(author_id, event_time) AS author_id
     FROM ${mentions} WHERE lower(author_handle) IN {handles:Array(String)} GROUP BY platform, handle`,
    { handles },
  ))
    byHandle.set(handleKey(row.platform, row.handle), authorKey(row.platform, row.author_id));
  // Parents older than the window still say whom a reply in it amplifies.
  const missing = [
    ...new Set(
      rows
        .filter((row) => row.parent_id !== null && !authorOf.has(`${row.platform}:${row.parent_id}`))
        .map((row) => row.parent_id as string),
    ),
  ];
  if (missing.length > 0) {
    for (const row of await query<{ platform: Platform; id: string; author_id: string }>(
      `SELECT platform, id, author_id FROM ${mentions} WHERE id IN {ids:Array(String)}`,
      { ids: missing },
    ))
      authorOf.set(`${row.platform}:${row.id}`, authorKey(row.platform, row.author_id));
  }
  const resolve = (platform: Platform, handle: string) => byHandle.get(handleKey(platform, handle));
  const edges: AmplificationEdge[] = [];
  for (const row of rows) {
    const parentAuthor = row.parent_id === null ? null : authorOf.get(`${row.platform}:${row.parent_id}`);
    edges.push(...amplificationEdges(mentionOf(row), parentAuthor, resolve));
  }
  const result = pageRank(windowEdges(edges, now));
  const ranks = normalisedRanks(result);
  const keys = authorKeys(prefix);
  await state.setMany(
    [
      ...[...ranks].map(([author, value]) => ({ key: keys.rank(author), value: String(value) })),
      { key: keys.ranked(), value: String(now) },
    ],
    RANK_TTL_SECONDS,
  );
  const top = [...ranks].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, STORED_TOP_RANKS);
  await storage.client.insert({
    table: storage.table("author_ranks"),
    values: top.map(([author, value], i) => ({
      computed_for: now,
      author_key: author,
      platform: author.slice(0, author.indexOf(":")),
      position: i + 1,
      normalised_rank: value,
    })),
    format: "JSONEachRow",
  });
  const run = { at: now, authors: ranks.size, edges: edges.length, iterations: result.iterations };
  logger.info(run, "author PageRank computed");
  return run;
}

function mentionOf(row: MentionRow): Mention {
  return {
    platform: row.platform,
    id: row.id,
    kind: row.kind,
    url: null,
    author: {
      id: row.author_id,
      handle: row.author_handle,
      name: null,
      followers: Number(row.author_followers),
      verified: false,
      location: null,
    },
    text: row.text,
    lang: null,
    eventTime: Number(row.at),
    ingestTime: Number(row.at),
    parentId: row.parent_id,
    rootId: null,
    hashtags: [],
    mentionedHandles: row.mentioned_handles,
    links: [],
    engagement: { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 },
    source: "",
  };
}

/**
 * Runs `rankAuthors` every `intervalMs`, one run at a time, on one sink instance of the deployment:
 * the holder of the PageRank lease (kept for two intervals, so a dead holder's successor runs
 * within about two). A tick during a run is skipped; a failed run is logged and retried at the
 * next tick.
 */
export function scheduleAuthorRanks(
  options: AuthorRanksOptions & { gauge?: Gauge<"job"> },
  intervalMs: number,
): { stop(): Promise<void> } {
  const lease = new Lease({
    store: options.state,
    key: authorKeys(options.prefix).rankLeader(),
    ttlMs: 2 * intervalMs,
    gauge: options.gauge,
    job: "pagerank",
  });
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A tick while a run is still going is skipped, not queued.
    running ??= (async () => {
      try {
        if (await lease.hold()) await rankAuthors(options);
      } catch (error) {
        options.logger.error({ err: error }, "author PageRank failed");
      } finally {
        running = null;
      }
    })();
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await lease.release();
    },
  };
}
