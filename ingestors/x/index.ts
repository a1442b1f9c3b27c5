/**
 * The x ingestor: X API v2's filtered stream, with rules built from the monitoring queries (tag =
 * query id), and recent search filling every gap: at start from the checkpoint, and after every
 * disconnect. See README.md.
 *
 * One round: search each query from its checkpoint (the newest post id seen, minus a lookback),
 * following next_token with the same since_id; sync the rules (once); connect the stream; search
 * again (the stream is connected, so nothing falls between the two); read the stream until it
 * ends, stalls (no byte, not even a keep-alive, for stallMs) or the day's post budget is nearly
 * spent; wait on X's ladder for the way it ended; again. Posts are remembered (bounded) so one
 * seen by both the stream and a search is published once; a post seen again with other counts,
 * or a post shared or answered whose counts changed, is an EngagementEvent. An engagement
 * refresher, merged into the stream, looks up the counts of posts published (and of their
 * parents) on a decaying schedule with GET /2/tweets?ids=, and turns posts X no longer shows into
 * removals; a new version of an edited post already published is an edit of the original.
 */
import {
  type BatchedLookup,
  EngagementRefresher,
  type LookupResult,
  type RefreshSchedule,
  withRefresher,
} from "../../runtime/engagement-refresher.js";
import { type Clock, HttpClient, HttpError, type RateBudget, systemClock } from "../../runtime/http-client.js";
import { editEvent, type IngestContext, type Ingestor, type SourceEvent } from "../../runtime/ingestor.js";
import type { EngagementCounts } from "../../schemas/types.generated.js";
import { StreamEnded, streamLines } from "./lines.js";
import { type ActiveRule, type RuleProblem, ruleChanges, type StreamRule } from "./rules.js";
import {
  checkTweet,
  compareIds,
  countsOf,
  editedFrom,
  eventTimeOf,
  readIncludes,
  snowflakeAt,
  snowflakeTime,
  TWEET_QUERY,
  type Tweet,
  toMention,
  X_ERROR_CODES,
} from "./tweets.js";

export { buildRules, type StreamRule } from "./rules.js";
export { snowflakeAt, snowflakeTime, X_ERROR_CODES } from "./tweets.js";

export interface XOptions {
  name: string;
  bearerToken: string;
  /** Names the credential in rate limits and the post budget; default the source id. */
  credential?: string;
  rules: readonly StreamRule[];
  /** Queries that got no rule (too long): each is reported as a dead letter at start. */
  ruleProblems?: readonly RuleProblem[];
  baseUrl: string;
  dailyPostReads: number;
  maxSearchPages: number;
  lookbackMs: number;
  backfillMs: number;
  /** Silence after which the stream reconnects (X's keep-alive comes every 20 s). */
  stallMs: number;
  timeoutMs: number;
  clock?: Clock;
  /** Posts remembered so one seen twice is published once. Default 50 000. */
  rememberPosts?: number;
  /**
   * The engagement refresher (runtime/engagement-refresher.ts): its schedule (default 1, 5, 15,
   * 60 minutes, then every 6 hours to 7 days) and posts followed at most; false: none (tests of
   * the stream alone, whose test clock the refresher's sleeps would move).
   */
  refresh?: false | { schedule?: RefreshSchedule; maxPosts?: number };
}

/** A query's checkpoint. */
export interface QueryCheckpoint {
  /** The newest post id seen for the query (stream or search), or null before the first. */
  newestId: string | null;
}

/**
 * The source's own checkpoint (stream `posts-read`): the day's reads, so a restart keeps counting,
 * and its health for `simak sources list` (last answer that worked, last error).
 */
interface ReadsCheckpoint {
  windowStart: number;
  used: number;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
}

export const BUDGET_STREAM = "posts-read";
/** The refresher's checkpoint stream (no `/`, so never a query id). */
export const REFRESH_STREAM = "engagement-refresh";
/** Post lookups take at most 100 ids. */
const LOOKUP_BATCH = 100;
/** Why X says a looked-up post is gone, by its error title. */
const REMOVAL_REASONS: Record<string, string> = {
  "Not Found Error": "deleted",
  "Authorization Error": "not authorised",
};
const DAY_MS = 86_400_000;
/** X's recent search reaches back 7 days; a since_id older than that is refused. */
const SEARCH_HORIZON_MS = 7 * DAY_MS - 60_000;
const RAW_EXCERPT_CHARS = 2000;
/** Stream checkpoints are yielded at most this often, or after this many posts. */
const STREAM_CHECKPOINT_MS = 1000;
const STREAM_CHECKPOINT_POSTS = 500;
/** A stream connection that lasted this long resets the network ladder. */
const STABLE_CONNECTION_MS = 10_000;

type Ending = "network" | "http" | "rate";

/**
 * X's reconnect ladders (filtered stream, handling disconnections): network errors and stalls
 * linear by 250 ms up to 16 s (the first at once), HTTP errors exponential from 5 s up to 320 s,
 * 429 exponential from a minute (capped at the 15-minute rate window).
 */
export function reconnectDelay(ending: Ending, failures: number): number {
  const n = Math.max(1, failures);
  if (ending === "network") return Math.min(250 * (n - 1), 16_000);
  if (ending === "http") return Math.min(5000 * 2 ** (n - 1), 320_000);
  return Math.min(60_000 * 2 ** (n - 1), 900_000);
}

/** X's own words from an error body (`title`, `detail`, `errors[].message`), else its first line. */
export function platformError(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as {
      title?: string;
      detail?: string;
      errors?: { message?: string; detail?: string }[];
    };
    const parts = [
      parsed.title,
      parsed.detail,
      ...(parsed.errors ?? []).map((error) => error.message ?? error.detail),
    ].filter((part): part is string => typeof part === "string" && part !== "");
    if (parts.length > 0) return `HTTP ${status}: ${[...new Set(parts)].join("; ")}`;
  } catch {
    // Not JSON: an HTML page from a proxy.
  }
  return `HTTP ${status}: ${body.split("\n")[0]?.slice(0, 200) ?? ""}`;
}

function readCheckpoint(stored: string | undefined): QueryCheckpoint {
  try {
    const parsed = stored ? (JSON.parse(stored) as Partial<QueryCheckpoint>) : {};
    return { newestId: typeof parsed.newestId === "string" && /^\d+$/.test(parsed.newestId) ? parsed.newestId : null };
  } catch {
    return { newestId: null };
  }
}

export function createXIngestor(options: XOptions): Ingestor {
  const tags = [...new Set(options.rules.map((rule) => rule.tag))];
  return {
    name: options.name,
    exclusive: true,
    streams: tags,
    events: (signal, context) => {
      if (options.refresh === false) return run(options, tags, signal, context, null);
      // The refresher shares the run's HTTP client, clock and post budget: run() gives it its lookup.
      const holder: Refreshing["holder"] = { lookup: null, budget: null };
      const refresher = new EngagementRefresher({
        source: options.name,
        platform: "x",
        lookup: (ids, lookupSignal) => {
          if (!holder.lookup) throw new Error("the x source has not started");
          return holder.lookup(ids, lookupSignal);
        },
        batchSize: LOOKUP_BATCH,
        stream: REFRESH_STREAM,
        ...(options.refresh?.schedule && { schedule: options.refresh.schedule }),
        ...(options.refresh?.maxPosts && { maxPosts: options.refresh.maxPosts }),
        ...(options.clock && { clock: options.clock }),
      });
      refresher.load(context?.checkpoints ?? new Map());
      return withBudgetCheckpoints(
        withRefresher(run(options, tags, signal, context, { refresher, holder }), refresher, signal),
        holder,
      );
    },
  };
}

interface Refreshing {
  refresher: EngagementRefresher;
  /** What run() gives the refresher: its lookup, and the budget's checkpoint (lookups read posts too). */
  holder: { lookup: BatchedLookup | null; budget: (() => SourceEvent) | null };
}

/** After each of the refresher's checkpoints, the budget's: the reads its lookups spent survive a restart. */
async function* withBudgetCheckpoints(
  events: AsyncIterable<SourceEvent>,
  holder: Refreshing["holder"],
): AsyncGenerator<SourceEvent> {
  for await (const event of events) {
    yield event;
    if (event.type === "checkpoint" && event.stream === REFRESH_STREAM && holder.budget) yield holder.budget();
  }
}

const countsKey = (counts: EngagementCounts) => `${counts.likes},${counts.shares},${counts.replies},${counts.views}`;

async function* run(
  options: XOptions,
  tags: readonly string[],
  signal: AbortSignal,
  context: IngestContext | undefined,
  refreshing: Refreshing | null,
): AsyncGenerator<SourceEvent> {
  const clock = options.clock ?? systemClock;
  const http = context?.http ?? new HttpClient({ clock });
  const credential = options.credential ?? options.name;
  const postsKey = `${credential}:posts`;
  const budget: RateBudget = { limit: options.dailyPostReads, windowMs: DAY_MS, aligned: true };
  const headers = { authorization: `Bearer ${options.bearerToken}` };
  const base = options.baseUrl.replace(/\/+$/, "");
  const states = new Map(tags.map((tag) => [tag, readCheckpoint(context?.checkpoints.get(tag))]));
  const rememberPosts = options.rememberPosts ?? 50_000;
  /** Posts published in this run, with their last counts. */
  const seen = new Map<string, string>();
  const dirty = new Set<string>();
  let lastCheckpointAt = clock.now();
  let postsSinceCheckpoint = 0;

  // The day's reads so far survive a restart.
  const spent: ReadsCheckpoint = {
    windowStart: clock.now() - (clock.now() % DAY_MS),
    used: 0,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
  };
  try {
    const stored = JSON.parse(context?.checkpoints.get(BUDGET_STREAM) ?? "null") as Partial<ReadsCheckpoint> | null;
    spent.lastSuccessAt = stored?.lastSuccessAt ?? null;
    spent.lastErrorAt = stored?.lastErrorAt ?? null;
    spent.lastError = stored?.lastError ?? null;
    if (stored && stored.windowStart === spent.windowStart && stored.used && stored.used > 0) {
      spent.used = stored.used;
      http.spend(postsKey, options.name, stored.used, budget);
    }
  } catch {
    // No readable budget checkpoint: the day starts at zero.
  }
  /** Counts posts read; true when the budget says stop. */
  const spend = (posts: number): boolean => {
    const now = clock.now();
    const day = now - (now % DAY_MS);
    if (day !== spent.windowStart) {
      spent.windowStart = day;
      spent.used = 0;
    }
    spent.used += posts;
    return http.spend(postsKey, options.name, posts, budget);
  };

  const invalid = (errorCode: string, reason: string, raw: string, origin: string): SourceEvent => {
    spent.lastErrorAt = clock.now();
    spent.lastError = reason;
    return {
      type: "invalid",
      origin,
      position: 0,
      raw: raw.slice(0, RAW_EXCERPT_CHARS),
      errorCode,
      reason: `${options.name}: ${reason}`,
    };
  };

  function* checkpoints(which: Iterable<string>): Generator<SourceEvent> {
    for (const tag of which)
      yield { type: "checkpoint", stream: tag, value: JSON.stringify(states.get(tag) ?? { newestId: null }) };
    yield { type: "checkpoint", stream: BUDGET_STREAM, value: JSON.stringify(spent) };
    dirty.clear();
    lastCheckpointAt = clock.now();
    postsSinceCheckpoint = 0;
  }

  /** The events of a page of posts (a stream line or a search page), advancing the queries' newest ids. */
  const postEvents = (data: readonly unknown[], rawIncludes: unknown, matched: readonly string[]): SourceEvent[] => {
    const events: SourceEvent[] = [];
    const includes = readIncludes(rawIncludes);
    const users = includes.users ?? [];
    const now = clock.now();
    for (const item of data) {
      const problem = checkTweet(item);
      if (problem !== null) {
        events.push(invalid(X_ERROR_CODES.badPayload, problem, JSON.stringify(item) ?? "", "post"));
        continue;
      }
      const tweet = item as Tweet;
      const eventTime = eventTimeOf(tweet);
      if (Number.isNaN(eventTime)) {
        events.push(
          invalid(
            X_ERROR_CODES.badPayload,
            `post ${tweet.id} has no readable created_at`,
            JSON.stringify(item),
            "post",
          ),
        );
        continue;
      }
      const counts = countsOf(tweet.public_metrics);
      const key = countsKey(counts);
      const before = seen.get(tweet.id);
      const original = before === undefined ? editedFrom(tweet) : null;
      const edit = original !== null && (seen.has(original) || refreshing?.refresher.has(original) === true);
      if (edit) {
        // A new version of a post already published: an edit of the original (its id, tags and
        // counts stay; the lookups go on reading the original's counts), not a post of its own.
        // Not remembered: seen again (search and stream), it is the same edit again, which the sink applies once.
        events.push(editEvent(options.name, "x", original, tweet.note_tweet?.text ?? tweet.text, now));
      } else if (before === undefined) {
        events.push({ type: "mention", mention: toMention(tweet, users, options.name, now, eventTime) });
        refreshing?.refresher.track(tweet.id, eventTime, counts);
      } else if (before !== key)
        events.push({
          type: "engagement",
          engagement: { platform: "x", postId: tweet.id, eventTime: now, ...counts, source: options.name },
        });
      if (!edit) remember(tweet.id, key);
      for (const tag of matched) {
        const state = states.get(tag);
        if (state && (state.newestId === null || compareIds(tweet.id, state.newestId) > 0)) {
          state.newestId = tweet.id;
          dirty.add(tag);
        }
      }
    }
    // Posts answered, quoted or shared come along with their counts: a change to one already published is engagement.
    for (const referenced of includes.tweets ?? []) {
      if (!referenced || typeof referenced.id !== "string" || !/^\d+$/.test(referenced.id)) continue;
      const counts = countsOf(referenced.public_metrics);
      // A parent is followed too (with the counts it came with: no event until they change).
      const createdAt = referenced.created_at ? Date.parse(referenced.created_at) : Number.NaN;
      refreshing?.refresher.track(
        referenced.id,
        Number.isNaN(createdAt) ? snowflakeTime(referenced.id) : createdAt,
        counts,
      );
      const before = seen.get(referenced.id);
      if (before === undefined) continue;
      const key = countsKey(counts);
      if (before === key) continue;
      events.push({
        type: "engagement",
        engagement: { platform: "x", postId: referenced.id, eventTime: now, ...counts, source: options.name },
      });
      remember(referenced.id, key);
    }
    return events;
  };
  const remember = (id: string, key: string) => {
    if (seen.has(id)) seen.delete(id); // to the back: the oldest sighting is forgotten first
    seen.set(id, key);
    if (seen.size > rememberPosts) seen.delete(seen.keys().next().value as string);
  };

  /**
   * The refresher's batched lookup: GET /2/tweets?ids= (at most 100) through the same client,
   * token, timeouts and rate limits, each post read counted against the day's budget (it waits
   * while the budget is paused). `seen` is the one record of the counts last published, whoever
   * read them (stream, search or lookup): a post whose counts equal it is left out of the answer
   * (no event, the schedule goes on), so the stream's and the refresher's events never repeat
   * each other. X answers a post gone in `errors`: "Not Found Error" (deleted) and "Authorization
   * Error" (its author protected or suspended) are removals.
   */
  const lookup: BatchedLookup = async (ids, lookupSignal) => {
    await http.waitFor(postsKey, lookupSignal);
    const query = new URLSearchParams({ ids: ids.join(","), "tweet.fields": "public_metrics" });
    let page: { data?: unknown; errors?: unknown };
    try {
      const response = await http.request({
        url: `${base}/2/tweets?${query}`,
        headers,
        source: options.name,
        credential: `${credential}:lookup`,
        signal: lookupSignal,
        timeoutMs: options.timeoutMs,
      });
      if (response.status !== 200) throw new Error(platformError(response.status, response.body));
      page = JSON.parse(response.body);
      if (page === null || typeof page !== "object") throw new Error("not an object");
    } catch (error) {
      // The refresher tries these posts again a minute later; the source's health shows why.
      if (!lookupSignal.aborted) {
        spent.lastErrorAt = clock.now();
        spent.lastError = `lookup: ${(error as Error).message}`;
      }
      throw error;
    }
    const found = new Map<string, LookupResult>();
    const data = Array.isArray(page.data) ? (page.data as Partial<Tweet>[]) : [];
    for (const tweet of data) {
      if (typeof tweet?.id !== "string") continue;
      const counts = countsOf(tweet.public_metrics);
      const key = countsKey(counts);
      if (seen.get(tweet.id) !== key) found.set(tweet.id, { status: "found", counts });
      remember(tweet.id, key);
    }
    for (const error of Array.isArray(page.errors) ? (page.errors as Record<string, unknown>[]) : []) {
      const id = error?.resource_id ?? error?.value;
      const reason = REMOVAL_REASONS[String(error?.title)];
      if (typeof id === "string" && reason) {
        found.set(id, { status: "removed", reason });
        seen.delete(id);
      }
    }
    spent.lastSuccessAt = clock.now();
    if (data.length > 0) spend(data.length);
    return found;
  };
  if (refreshing) {
    refreshing.holder.lookup = lookup;
    refreshing.holder.budget = () => ({ type: "checkpoint", stream: BUDGET_STREAM, value: JSON.stringify(spent) });
  }

  /** Recent search of one query from its checkpoint, page after page; its checkpoint last. */
  async function* gapFill(tag: string): AsyncGenerator<SourceEvent> {
    const state = states.get(tag) ?? { newestId: null };
    const now = clock.now();
    const horizon = snowflakeAt(now - SEARCH_HORIZON_MS);
    const params: Record<string, string> = { max_results: "100", ...TWEET_QUERY };
    if (state.newestId !== null) {
      const back = snowflakeAt(snowflakeTime(state.newestId) - options.lookbackMs);
      params.since_id = compareIds(back, horizon) > 0 ? back : horizon;
    } else params.start_time = new Date(now - options.backfillMs).toISOString();
    let newest = state.newestId;
    for (const rule of options.rules) {
      if (rule.tag !== tag) continue;
      let token: string | undefined;
      let pages = 0;
      do {
        const query = new URLSearchParams({ query: rule.value, ...params, ...(token && { next_token: token }) });
        const url = `${base}/2/tweets/search/recent?${query}`;
        let body: string;
        try {
          const response = await http.request({
            url,
            headers,
            source: options.name,
            credential: `${credential}:search`,
            signal,
            timeoutMs: options.timeoutMs,
          });
          body = response.body;
          if (response.status !== 200) {
            yield invalid(
              X_ERROR_CODES.requestFailed,
              `search ${tag}: ${platformError(response.status, body)}`,
              body,
              "search",
            );
            return;
          }
        } catch (error) {
          if (signal.aborted) return;
          if (!(error instanceof HttpError)) throw error;
          yield invalid(X_ERROR_CODES.requestFailed, `search ${tag}: ${error.message}`, "", "search");
          return;
        }
        let page: { data?: unknown; includes?: unknown; meta?: { newest_id?: unknown; next_token?: unknown } };
        try {
          page = JSON.parse(body);
          if (page === null || typeof page !== "object" || typeof page.meta !== "object" || page.meta === null)
            throw new Error("no meta");
          if (page.data !== undefined && !Array.isArray(page.data)) throw new Error("data is not a list");
        } catch (error) {
          yield invalid(
            X_ERROR_CODES.badPayload,
            `search ${tag}: not a search page (${(error as Error).message})`,
            body,
            "search",
          );
          return;
        }
        const data = (page.data as unknown[] | undefined) ?? [];
        spent.lastSuccessAt = clock.now();
        for (const event of postEvents(data, page.includes, [tag])) yield event;
        const pageNewest = page.meta.newest_id;
        if (
          typeof pageNewest === "string" &&
          /^\d+$/.test(pageNewest) &&
          (newest === null || compareIds(pageNewest, newest) > 0)
        )
          newest = pageNewest;
        token =
          typeof page.meta.next_token === "string" && page.meta.next_token !== "" ? page.meta.next_token : undefined;
        pages++;
        // An empty page may still have a next token: follow it.
        if (data.length > 0 && spend(data.length)) break;
      } while (token !== undefined && pages < options.maxSearchPages && !signal.aborted);
    }
    const current = states.get(tag);
    if (current && newest !== null && (current.newestId === null || compareIds(newest, current.newestId) > 0))
      current.newestId = newest;
    yield* checkpoints([tag]);
  }

  async function* gapFillAll(): AsyncGenerator<SourceEvent> {
    for (const tag of tags) {
      if (signal.aborted || http.waitingUntil(postsKey) > 0) return;
      yield* gapFill(tag);
    }
  }

  /** Deletes stale rules and adds missing ones; true when X has the wanted rules. */
  async function* syncRules(): AsyncGenerator<SourceEvent, boolean> {
    const url = `${base}/2/tweets/search/stream/rules`;
    const request = {
      url,
      headers,
      source: options.name,
      credential: `${credential}:rules`,
      signal,
      timeoutMs: options.timeoutMs,
    };
    try {
      const listed = await http.request(request);
      if (listed.status !== 200) {
        yield invalid(
          X_ERROR_CODES.requestFailed,
          `rules: ${platformError(listed.status, listed.body)}`,
          listed.body,
          "rules",
        );
        return false;
      }
      let active: ActiveRule[];
      try {
        const parsed = JSON.parse(listed.body) as { data?: ActiveRule[] };
        active = (parsed.data ?? []).map((rule) => ({
          id: String(rule.id),
          value: String(rule.value),
          tag: String(rule.tag ?? ""),
        }));
      } catch {
        yield invalid(X_ERROR_CODES.badPayload, "rules: not a rules list", listed.body, "rules");
        return false;
      }
      const { add, deleteIds } = ruleChanges(active, options.rules);
      const post = async (body: unknown) =>
        http.request({
          ...request,
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      if (deleteIds.length > 0) {
        const deleted = await post({ delete: { ids: deleteIds } });
        if (deleted.status !== 200) {
          yield invalid(
            X_ERROR_CODES.requestFailed,
            `rules: ${platformError(deleted.status, deleted.body)}`,
            deleted.body,
            "rules",
          );
          return false;
        }
      }
      if (add.length > 0) {
        const added = await post({ add });
        if (added.status !== 200 && added.status !== 201) {
          yield invalid(
            X_ERROR_CODES.requestFailed,
            `rules: ${platformError(added.status, added.body)}`,
            added.body,
            "rules",
          );
          return false;
        }
        // Rules X refused (bad syntax, too long) come back as errors; the others are in force.
        const errors = (() => {
          try {
            return (
              (JSON.parse(added.body) as { errors?: { value?: string; title?: string; details?: string[] }[] })
                .errors ?? []
            );
          } catch {
            return [];
          }
        })();
        for (const error of errors)
          yield invalid(
            X_ERROR_CODES.badRule,
            `rule refused: ${error.title ?? "invalid"}${error.details ? `: ${error.details.join("; ")}` : ""}`,
            error.value ?? "",
            "rules",
          );
      }
      return true;
    } catch (error) {
      if (signal.aborted || !(error instanceof HttpError)) throw error;
      yield invalid(X_ERROR_CODES.requestFailed, `rules: ${error.message}`, "", "rules");
      return false;
    }
  }

  /**
   * Reads the stream until it ends, the events of each chunk of lines together (one await per
   * chunk, not per post: this is the hot path); returns how it ended, or "budget" when the day's
   * reads are spent.
   */
  async function* read(body: ReadableStream<Uint8Array>): AsyncGenerator<SourceEvent[], Ending | "budget" | "ok"> {
    /** A keep-alive or a JSON line came: the connection worked (an HTML page answered 200 did not). */
    let worked = false;
    let ending: Ending | "budget" | "ok" = "network";
    let out: SourceEvent[] = [];
    try {
      reading: for await (const lines of streamLines(body, options.stallMs, signal)) {
        for (const line of lines) {
          if (line === "") {
            worked = true;
            // A keep-alive (every 20 s): the quiet moment to store what the last posts advanced.
            if (dirty.size > 0 && clock.now() - lastCheckpointAt >= STREAM_CHECKPOINT_MS)
              out.push(...checkpoints([...dirty]));
            continue;
          }
          let payload: {
            data?: unknown;
            includes?: unknown;
            matching_rules?: { tag?: string }[];
            errors?: { title?: string; detail?: string }[];
          };
          try {
            payload = JSON.parse(line);
            if (payload === null || typeof payload !== "object") throw new Error("not an object");
          } catch {
            out.push(invalid(X_ERROR_CODES.badPayload, "a stream line is not JSON", line, "stream"));
            continue;
          }
          worked = true;
          if (payload.data === undefined) {
            const errors = Array.isArray(payload.errors) ? payload.errors : undefined;
            if (errors?.some((error) => error?.title === "operational-disconnect")) {
              ending = "ok";
              break reading;
            }
            out.push(
              invalid(
                errors ? X_ERROR_CODES.streamError : X_ERROR_CODES.badPayload,
                errors
                  ? `stream: ${errors.map((error) => error?.detail ?? error?.title).join("; ")}`
                  : "a stream line without data",
                line,
                "stream",
              ),
            );
            continue;
          }
          const matched: string[] = [];
          if (Array.isArray(payload.matching_rules))
            for (const rule of payload.matching_rules) if (typeof rule?.tag === "string") matched.push(rule.tag);
          out.push(...postEvents([payload.data], payload.includes, matched));
          const spentOut = spend(1);
          if (
            dirty.size > 0 &&
            (++postsSinceCheckpoint >= STREAM_CHECKPOINT_POSTS ||
              clock.now() - lastCheckpointAt >= STREAM_CHECKPOINT_MS)
          )
            out.push(...checkpoints([...dirty]));
          if (spentOut) {
            ending = "budget";
            break reading;
          }
        }
        if (out.length > 0) {
          yield out;
          out = [];
        }
      }
    } catch (error) {
      if (!(error instanceof StreamEnded)) throw error;
      // The connection worked, then ended: the next try is at once; else X's network ladder.
      ending = worked ? "ok" : "network";
    }
    if (dirty.size > 0) out.push(...checkpoints([...dirty]));
    if (out.length > 0) yield out;
    return ending;
  }

  for (const problem of options.ruleProblems ?? [])
    yield invalid(X_ERROR_CODES.badRule, problem.reason, problem.tag, "rules");
  yield* gapFillAll();
  let rulesInForce = false;
  const failures: Record<Ending, number> = { network: 0, http: 0, rate: 0 };
  while (!signal.aborted) {
    try {
      await http.waitFor(postsKey, signal);
      if (!rulesInForce) rulesInForce = yield* syncRules();
      let ending: Ending | "budget" | "ok";
      let opened: Awaited<ReturnType<HttpClient["open"]>> | undefined;
      try {
        opened = await http.open({
          url: `${base}/2/tweets/search/stream?${new URLSearchParams(TWEET_QUERY)}`,
          headers,
          source: options.name,
          credential: `${credential}:stream`,
          signal,
          timeoutMs: options.timeoutMs,
        });
      } catch (error) {
        if (signal.aborted || !(error instanceof HttpError)) throw error;
      }
      if (!opened) ending = "network";
      else if (opened.status === 200 && opened.body) {
        failures.http = 0;
        failures.rate = 0;
        spent.lastSuccessAt = clock.now();
        const connectedAt = clock.now();
        // Connected: what was posted since the last checkpoint is found now, then the stream goes on from here.
        yield* gapFillAll();
        const reader = read(opened.body);
        try {
          for (;;) {
            const step = await reader.next();
            if (step.done) {
              ending = step.value;
              break;
            }
            for (const event of step.value) yield event;
          }
        } finally {
          // Stopped while yielding: the stream's reader is released (its connection closed).
          await reader.return(undefined as never);
        }
        // A connection that worked for a while starts the ladder over; one dropped at once climbs it.
        if (ending === "ok" && clock.now() - connectedAt >= STABLE_CONNECTION_MS) failures.network = 0;
      } else {
        const body = await new Response(opened.body).text().catch(() => "");
        if (opened.status === 429) ending = "rate";
        else {
          ending = "http";
          yield invalid(X_ERROR_CODES.requestFailed, `stream: ${platformError(opened.status, body)}`, body, "stream");
        }
        // The stream is down: searches keep the queries current meanwhile.
        yield* gapFillAll();
      }
      if (signal.aborted) return;
      context?.reconnected?.();
      if (ending === "budget") continue;
      const kind: Ending = ending === "ok" ? "network" : ending;
      const delay = reconnectDelay(kind, ++failures[kind]);
      if (delay > 0) await clock.sleep(delay, signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }
}

/** `simak sources check`: one authenticated request (the rules list: no post read); null when it works, else X's words. */
export async function checkX(
  options: Pick<XOptions, "name" | "bearerToken" | "baseUrl" | "timeoutMs">,
  http: HttpClient,
): Promise<string | null> {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/2/tweets/search/stream/rules`;
  const response = await http.request({
    url,
    headers: { authorization: `Bearer ${options.bearerToken}` },
    source: options.name,
    timeoutMs: options.timeoutMs,
  });
  if (response.status === 200) {
    try {
      JSON.parse(response.body);
      return null;
    } catch {
      return `${url}: the answer is not JSON: ${response.body.split("\n")[0]?.slice(0, 200)}`;
    }
  }
  return `${url}: ${platformError(response.status, response.body)}`;
}
