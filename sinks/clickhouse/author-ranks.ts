/**
 * The periodic PageRank of authors (processors/influence, docs/influence.md) over the amplification
 * graph of the mentions the sink stored in the last 7 days of event time (ending at the newest
 * mention, so a replayed history is ranked as of its own time). Each run writes every author's
 * normalised rank to the state store, where the process stage's authors tagger reads it, and the
 * top ranks to `author_ranks` for analysts. It runs in the sink because the whole graph is there:
 * each enrich instance holds a share of the authors only.
 *
 * The graph is built in ClickHouse: one query derives every mention's edges as
 * `amplificationEdges` does (processors/influence/graph.ts: a share, reply or comment to its
 * parent's author, else a share to the handle of its "RT @handle:" prefix; a non-share to each
 * @mentioned account, handles resolved to the account that last wrote under them; each target once
 * per mention, the parent's edge first, never the author) and merges them with their decay as
 * `windowEdges` does. Only the merged (from, to, weight) rows come out, read line by line into a
 * compact EdgeList, so the job's heap grows with the graph (accounts and distinct edges), not with
 * the mentions or their text; rank writes go to the state store in batches.
 */

import type { Gauge } from "prom-client";
import { authorKeys } from "../../processors/authors/index.js";
import {
  EDGE_HALF_LIFE_MS,
  EDGE_WEIGHTS,
  EDGE_WINDOW_MS,
  EdgeList,
  normalisedRanks,
  pageRank,
} from "../../processors/influence/index.js";
import type { Logger } from "../../runtime/logger.js";
import { Lease } from "../../runtime/state/lease.js";
import type { StateStore } from "../../runtime/state/state.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";

/** Ranks stored for analysts per run: the top of the graph; the state store gets all of them. */
export const STORED_TOP_RANKS = 1000;
const RANK_TTL_SECONDS = 7 * 24 * 3600;
/** Ranks per state store write. */
const RANK_WRITE_BATCH = 10_000;

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

/** A handle as `handleKey` keys it: without a leading "@", lower case. */
const normalisedHandle = (column: string) => `lowerUTF8(replaceRegexpOne(${column}, '^@', ''))`;

/**
 * The merged, decayed edges of the window ending at {now}: (from, to, weight) as
 * `windowEdges(amplificationEdges(...), now)` gives them (self-loops dropped).
 */
export function windowEdgesQuery(mentions: string): string {
  return `
    WITH
      recent AS (
        SELECT platform, id, kind, concat(platform, ':', author_id) AS src,
          toUnixTimestamp64Milli(event_time) AS at, ifNull(parent_id, '') AS parent,
          if(kind = 'share', [], arrayMap(h -> ${normalisedHandle("h")}, mentioned_handles)) AS handles,
          if(kind = 'share', lower(extract(text, '^RT @([A-Za-z0-9_]+):')), '') AS retweeted
        FROM ${mentions}
        WHERE event_time > fromUnixTimestamp64Milli({since:Int64})
      ),
      parents AS (
        SELECT platform, id, any(author_id) AS author_id FROM ${mentions}
        WHERE id IN (SELECT parent FROM recent WHERE parent != '')
        GROUP BY platform, id
      ),
      accounts AS (
        SELECT platform, ${normalisedHandle("author_handle")} AS handle, argMax(author_id, event_time) AS account
        FROM ${mentions}
        WHERE handle IN (SELECT arrayJoin(arrayPushBack(handles, retweeted)) FROM recent)
        GROUP BY platform, handle
      )
    SELECT src, dst, sum(weight * pow(2, -greatest(0, {now:Int64} - at) / {halfLifeMs:Float64})) AS weight
    FROM (
      SELECT src, dst, argMin(weight, priority) AS weight, any(at) AS at
      FROM (
        SELECT m.platform AS platform, m.id AS id, m.src AS src, m.at AS at, 0 AS priority,
          if(p.author_id != '', concat(m.platform, ':', p.author_id),
            concat(m.platform, ':', if(r.account != '', r.account, concat('@', m.retweeted)))) AS dst,
          transform(toString(m.kind), ['share', 'reply', 'comment'],
            [{share:Float64}, {reply:Float64}, {comment:Float64}], 0.) AS weight
        FROM recent AS m
        LEFT JOIN parents AS p ON p.platform = m.platform AND p.id = m.parent
        LEFT JOIN accounts AS r ON r.platform = m.platform AND r.handle = m.retweeted
        WHERE m.kind IN ('share', 'reply', 'comment')
          AND (p.author_id != '' OR (m.kind = 'share' AND m.retweeted != ''))
        UNION ALL
        SELECT m.platform AS platform, m.id AS id, m.src AS src, m.at AS at, 1 AS priority,
          concat(m.platform, ':', if(a.account != '', a.account, concat('@', m.handle))) AS dst,
          {mention:Float64} AS weight
        FROM (SELECT platform, id, src, at, arrayJoin(handles) AS handle FROM recent) AS m
        LEFT JOIN accounts AS a ON a.platform = m.platform AND a.handle = m.handle
      )
      GROUP BY platform, id, src, dst
    )
    WHERE src != dst
    GROUP BY src, dst
    FORMAT JSONCompactEachRow`;
}

/** Reads the window's edges into `edges`, one line at a time; the number of edges. */
async function readEdges(storage: Storage, now: number, edges: EdgeList): Promise<number> {
  const { stream } = await storage.client.exec({
    query: windowEdgesQuery(storage.table("tagged_mentions")),
    query_params: {
      since: now - EDGE_WINDOW_MS,
      now,
      halfLifeMs: EDGE_HALF_LIFE_MS,
      share: EDGE_WEIGHTS.share,
      reply: EDGE_WEIGHTS.reply,
      comment: EDGE_WEIGHTS.comment,
      mention: EDGE_WEIGHTS.mention,
    },
  });
  let count = 0;
  let rest = Buffer.alloc(0);
  const addLine = (line: Buffer) => {
    if (line.length === 0) return;
    const [from, to, weight] = JSON.parse(line.toString("utf8")) as [string, string, number];
    edges.add(from, to, weight);
    count++;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    let end = chunk.indexOf(10, start);
    if (rest.length > 0 && end !== -1) {
      addLine(Buffer.concat([rest, chunk.subarray(0, end)]));
      rest = Buffer.alloc(0);
      start = end + 1;
      end = chunk.indexOf(10, start);
    }
    for (; end !== -1; start = end + 1, end = chunk.indexOf(10, start)) addLine(chunk.subarray(start, end));
    rest = Buffer.concat([rest, chunk.subarray(start)]);
  }
  addLine(rest);
  return count;
}

/** One PageRank run over what `storage` holds now. */
export async function rankAuthors({ storage, state, prefix, logger }: AuthorRanksOptions): Promise<RankRun> {
  const mentions = storage.table("tagged_mentions");
  const [latest] = await (
    await storage.client.query({
      query: `SELECT toUnixTimestamp64Milli(max(event_time)) AS at, count() AS n FROM ${mentions}`,
      format: "JSONEachRow",
    })
  ).json<{ at: string; n: string }>();
  if (!latest || Number(latest.n) === 0) return { at: null, authors: 0, edges: 0, iterations: 0 };
  const now = Number(latest.at);
  const edges = new EdgeList();
  const edgeCount = await readEdges(storage, now, edges);
  const result = pageRank(edges);
  const ranks = normalisedRanks(result);
  const keys = authorKeys(prefix);
  const entries = [...ranks].map(([author, value]) => ({ key: keys.rank(author), value: String(value) }));
  for (let i = 0; i < entries.length; i += RANK_WRITE_BATCH) {
    await state.setMany(entries.slice(i, i + RANK_WRITE_BATCH), RANK_TTL_SECONDS);
  }
  await state.setMany([{ key: keys.ranked(), value: String(now) }], RANK_TTL_SECONDS);
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
  const run = { at: now, authors: ranks.size, edges: edgeCount, iterations: result.iterations };
  logger.info(run, "author PageRank computed");
  return run;
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
