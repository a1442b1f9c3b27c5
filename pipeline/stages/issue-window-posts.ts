/**
 * The stored posts of the issues stage's sliding window, read minute by minute and kept between
 * evaluations: a window of W minutes moves one minute per evaluation, so reading it whole each
 * time read (and counted the terms of) every post W times. A minute is read again only when its
 * stored row count moved since it was read (a late or redelivered batch), so what an evaluation
 * sees is what a fresh read of `issue_mentions` FINAL would give: a restarted stage and one that ran
 * on evaluate the same windows to the same issues.
 */
import type { IssuePost, SentimentBucket } from "../../processors/issues/index.js";
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";

/** One scope's posts in a span of time, in (time, id) order, and the number of posts with each term. */
export interface ScopePosts {
  kind: string;
  id: string;
  agency: string;
  posts: IssuePost[];
  terms: Map<string, number>;
}

interface StoredMinute {
  /** `issue_mentions` rows of the minute (before FINAL) when it was read. */
  rows: number;
  scopes: Map<string, ScopePosts>;
}

const scopeKey = (kind: string, id: string) => `${kind}\u0000${id}`;

export class IssueWindowPosts {
  private readonly minutes = new Map<number, StoredMinute>();
  /** The last window read: its minutes as read then, and its running counts per scope. */
  private window:
    | { parts: Map<number, StoredMinute>; counts: Map<string, { posts: number; terms: Map<string, number> }> }
    | undefined;

  constructor(private readonly storage: Storage) {}

  /** Minutes held, for tests and metrics. */
  get minutesHeld(): number {
    return this.minutes.size;
  }

  /** Every scope's posts in [start, end) (whole minutes, epoch ms), ordered by scope kind and id. */
  async read(start: number, end: number): Promise<Map<string, ScopePosts>> {
    const table = this.storage.table("issue_mentions");
    // Aliases differ from the column names: ClickHouse would read an alias named `minute` in WHERE.
    const stored = await queryRows<{ minute_ms: number; rows: number }>(
      this.storage,
      `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, count() AS rows FROM ${table}
       WHERE minute >= fromUnixTimestamp({start:Int64}) AND minute < fromUnixTimestamp({end:Int64})
       GROUP BY minute`,
      { start: start / 1000, end: end / 1000 },
    );
    const rowsOf = new Map(stored.map(({ minute_ms, rows }) => [Number(minute_ms), Number(rows)]));
    for (const minute of this.minutes.keys()) if (!rowsOf.has(minute)) this.minutes.delete(minute);
    const stale = [...rowsOf].filter(([minute, rows]) => this.minutes.get(minute)?.rows !== rows);
    if (stale.length > 0) await this.load(stale);
    return this.merge([...rowsOf.keys()].sort((a, b) => a - b));
  }

  /** Reads the given minutes' posts (FINAL: one row per mention), each into every scope it counts in. */
  private async load(minutes: [number, number][]): Promise<void> {
    const seconds = minutes.map(([minute]) => minute / 1000);
    const mentions = await queryRows<{
      minute_ms: number;
      id: string;
      time: number;
      terms: string[];
      sentiment: SentimentBucket;
      scope_kinds: string[];
      scopes: string[];
      agencies: string[];
    }>(
      this.storage,
      `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, concat(platform, ':', mention_id) AS id,
         toUnixTimestamp64Milli(event_time) AS time, terms, sentiment, scope_kinds, scopes, agencies
       FROM ${this.storage.table("issue_mentions")} FINAL
       WHERE minute >= fromUnixTimestamp({first:Int64}) AND minute <= fromUnixTimestamp({last:Int64})
         AND has({minutes:Array(Int64)}, toInt64(toUnixTimestamp(minute)))
       ORDER BY time, id`,
      {
        first: Math.min(...seconds),
        last: Math.max(...seconds),
        minutes: seconds,
      },
    );
    const loaded = new Map(minutes.map(([minute, rows]) => [minute, { rows, scopes: new Map<string, ScopePosts>() }]));
    for (const mention of mentions) {
      const minute = loaded.get(Number(mention.minute_ms));
      if (!minute) continue;
      // One post for all its scopes: in (time, id) order in each, as the query gives them.
      const post: IssuePost = {
        id: mention.id,
        time: Number(mention.time),
        terms: mention.terms,
        sentiment: mention.sentiment,
      };
      mention.scopes.forEach((id, i) => {
        const kind = mention.scope_kinds[i] as string;
        const key = scopeKey(kind, id);
        let scope = minute.scopes.get(key);
        if (!scope) {
          scope = { kind, id, agency: mention.agencies[i] as string, posts: [], terms: new Map() };
          minute.scopes.set(key, scope);
        }
        scope.posts.push(post);
        for (const term of post.terms) scope.terms.set(term, (scope.terms.get(term) ?? 0) + 1);
      });
    }
    for (const [minute, stored] of loaded) this.minutes.set(minute, stored);
  }

  /**
   * The minutes' scopes joined: posts in time order (a minute's posts all precede the next's). The
   * term counts roll: those of the minutes that left the window (or were read again) are taken
   * off the previous window's, those of the minutes that entered added, instead of summing every
   * minute's counts again (bench:full: that sum was most of the stage's time). The returned maps
   * are the running counts: read them before the next `read`.
   */
  private merge(minutes: number[]): Map<string, ScopePosts> {
    const parts = new Map(minutes.map((minute) => [minute, this.minutes.get(minute) as StoredMinute]));
    const previous = this.window;
    const counts = previous?.counts ?? new Map<string, { posts: number; terms: Map<string, number> }>();
    if (previous) {
      for (const [minute, part] of previous.parts) if (parts.get(minute) !== part) rollMinute(counts, part, -1);
    }
    for (const [minute, part] of parts) if (previous?.parts.get(minute) !== part) rollMinute(counts, part, 1);
    this.window = { parts, counts };

    const scopes = new Map<string, ScopePosts>();
    for (const part of parts.values()) {
      for (const [key, scopePart] of part.scopes) {
        let scope = scopes.get(key);
        if (!scope) {
          const terms = (counts.get(key) as { terms: Map<string, number> }).terms;
          scope = { kind: scopePart.kind, id: scopePart.id, agency: scopePart.agency, posts: [], terms };
          scopes.set(key, scope);
        }
        for (const post of scopePart.posts) scope.posts.push(post);
      }
    }
    const ordered = [...scopes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return new Map(ordered);
  }
}

/** Adds (`sign` 1) or takes off (-1) a minute's posts and term counts, per scope; empty scopes go. */
function rollMinute(
  counts: Map<string, { posts: number; terms: Map<string, number> }>,
  part: StoredMinute,
  sign: 1 | -1,
): void {
  for (const [key, scope] of part.scopes) {
    let running = counts.get(key);
    if (!running) {
      running = { posts: 0, terms: new Map() };
      counts.set(key, running);
    }
    running.posts += sign * scope.posts.length;
    if (running.posts === 0) {
      counts.delete(key);
      continue;
    }
    for (const [term, count] of scope.terms) {
      const next = (running.terms.get(term) ?? 0) + sign * count;
      if (next === 0) running.terms.delete(term);
      else running.terms.set(term, next);
    }
  }
}
