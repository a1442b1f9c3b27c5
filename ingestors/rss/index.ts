/**
 * The rss ingestor: news portals' and blogs' RSS 2.0 and Atom feeds, and Google News searches
 * built from the monitoring queries, polled with conditional GET. See README.md.
 *
 * Each feed is a stream with its own checkpoint (JSON): its ETag and Last-Modified, the ids of the
 * items already emitted (bounded), when it was last polled, and its health (last success, items
 * per day, parse errors). A restart waits out the poll interval from the stored last poll and
 * emits no item it emitted before.
 */

import { type Clock, HttpClient, HttpError, systemClock } from "../../runtime/http-client.js";
import type { IngestContext, Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import type { Mention } from "../../schemas/types.generated.js";
import { canonicalUrl, itemId, outletHandle } from "./canonical.js";
import { type Feed, FeedError, type FeedItem, parseFeed, RSS_ERROR_CODES } from "./feed.js";
import { stripHtml } from "./text.js";

export { RSS_ERROR_CODES } from "./feed.js";

export interface FeedSpec {
  url: string;
  /** Google News search feeds name the monitoring query they were built from. */
  queryId?: string;
}

export interface RssOptions {
  name: string;
  feeds: readonly FeedSpec[];
  pollSeconds: number;
  platform: "news" | "blog";
  timeoutMs?: number;
  clock?: Clock;
  /** Ids remembered per feed so a poll never re-emits an item (a feed shows its last 20-100). */
  rememberItems?: number;
}

/** A feed's checkpoint. */
export interface FeedState {
  etag: string | null;
  lastModified: string | null;
  /** Epoch ms of the last poll (answered or not). */
  polledAt: number | null;
  /** Newest item ids emitted, newest first. */
  seen: string[];
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  parseErrors: number;
  /** Items emitted per UTC day (YYYY-MM-DD), the last 7 days. */
  itemsPerDay: Record<string, number>;
}

/** A feed never polled: no validators, nothing seen, no health yet. */
export const emptyState = (): FeedState => ({
  etag: null,
  lastModified: null,
  polledAt: null,
  seen: [],
  lastSuccessAt: null,
  lastErrorAt: null,
  lastError: null,
  parseErrors: 0,
  itemsPerDay: {},
});

function readState(stored: string | undefined): FeedState {
  if (!stored) return emptyState();
  try {
    return { ...emptyState(), ...(JSON.parse(stored) as Partial<FeedState>) };
  } catch {
    return emptyState();
  }
}

/** Google News asks for no more than one request a minute per search. */
const GOOGLE_NEWS_MIN_POLL_MS = 60_000;
/** Polls are spread by up to this fraction of the interval, so many feeds do not fire together. */
const POLL_JITTER = 0.2;
/** Longest excerpt of a bad body kept in its dead letter. */
const RAW_EXCERPT_CHARS = 2000;

export function createRssIngestor(options: RssOptions): Ingestor {
  return {
    name: options.name,
    exclusive: true,
    streams: options.feeds.map((feed) => feed.url),
    events: (signal, context) => pollFeeds(options, signal, context),
  };
}

async function* pollFeeds(
  options: RssOptions,
  signal: AbortSignal,
  context: IngestContext | undefined,
): AsyncGenerator<SourceEvent> {
  const clock = options.clock ?? systemClock;
  const http = context?.http ?? new HttpClient({ clock });
  const states = new Map(options.feeds.map((feed) => [feed.url, readState(context?.checkpoints.get(feed.url))]));
  const interval = (feed: FeedSpec) => {
    const base = options.pollSeconds * 1000;
    return feed.queryId !== undefined ? Math.max(base, GOOGLE_NEWS_MIN_POLL_MS) : base;
  };
  // A feed polled before the restart waits out the rest of its interval; a new one is due now, so
  // its first poll follows the feed before it in the list (the order spreads the first round).
  const due = new Map(
    options.feeds.map((feed, index) => {
      const polledAt = states.get(feed.url)?.polledAt;
      return [feed.url, polledAt ? polledAt + interval(feed) : clock.now() + index] as const;
    }),
  );
  while (!signal.aborted && options.feeds.length > 0) {
    const feed = options.feeds.reduce((a, b) => ((due.get(a.url) ?? 0) <= (due.get(b.url) ?? 0) ? a : b));
    const wait = (due.get(feed.url) ?? 0) - clock.now();
    if (wait > 0) {
      try {
        await clock.sleep(wait, signal);
      } catch {
        return;
      }
    }
    const state = states.get(feed.url) ?? emptyState();
    for (const event of await pollOnce(options, feed, state, http, clock, signal)) yield event;
    if (signal.aborted) return;
    due.set(feed.url, clock.now() + interval(feed) * (1 - POLL_JITTER * clock.random()));
  }
}

/** One request to one feed: its new items, dead letters, and its new checkpoint (last). */
export async function pollOnce(
  options: Pick<RssOptions, "name" | "platform" | "timeoutMs" | "rememberItems">,
  feed: FeedSpec,
  state: FeedState,
  http: HttpClient,
  clock: Pick<Clock, "now">,
  signal: AbortSignal,
): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  const now = clock.now();
  const headers: Record<string, string> = {
    accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
  };
  if (state.etag) headers["if-none-match"] = state.etag;
  if (state.lastModified) headers["if-modified-since"] = state.lastModified;
  const invalid = (errorCode: string, reason: string, raw: string) => {
    state.lastErrorAt = now;
    state.lastError = reason;
    events.push({
      type: "invalid",
      origin: feed.url,
      position: 0,
      raw: raw.slice(0, RAW_EXCERPT_CHARS),
      errorCode,
      reason,
    });
  };
  state.polledAt = now;
  try {
    const response = await http.request({
      url: feed.url,
      source: options.name,
      headers,
      signal,
      timeoutMs: options.timeoutMs,
    });
    if (response.status === 304) {
      state.lastSuccessAt = now;
    } else if (response.status >= 200 && response.status < 300) {
      let parsed: Feed | undefined;
      try {
        parsed = parseFeed(response.body);
      } catch (error) {
        if (!(error instanceof FeedError)) throw error;
        state.parseErrors++;
        invalid(error.code, `${feed.url}: ${error.message}`, response.body);
      }
      if (parsed) {
        state.lastSuccessAt = now;
        state.etag = response.headers.get("etag");
        state.lastModified = response.headers.get("last-modified");
        events.push(...newItems(options, feed, parsed, state, now, invalid));
      }
    } else {
      invalid(RSS_ERROR_CODES.fetchFailed, `${feed.url}: HTTP ${response.status}`, response.body);
    }
  } catch (error) {
    if (signal.aborted) return events;
    if (!(error instanceof HttpError)) throw error;
    invalid(RSS_ERROR_CODES.fetchFailed, error.message, "");
  }
  events.push({ type: "checkpoint", stream: feed.url, value: JSON.stringify(state) });
  return events;
}

function newItems(
  options: Pick<RssOptions, "name" | "platform" | "rememberItems">,
  feed: FeedSpec,
  parsed: Feed,
  state: FeedState,
  now: number,
  invalid: (code: string, reason: string, raw: string) => void,
): SourceEvent[] {
  const seen = new Set(state.seen);
  const fresh: string[] = [];
  const events: SourceEvent[] = [];
  parsed.items.forEach((item, index) => {
    const id = itemId(item.link, item.guid);
    const text = [stripHtml(item.title), stripHtml(item.summary)].filter((part) => part !== "").join("\n\n");
    if (id === null || text === "") {
      invalid(
        RSS_ERROR_CODES.badItem,
        `${feed.url}: item ${index + 1} has ${id === null ? "neither a link nor a guid" : "no title or summary"}`,
        JSON.stringify(item),
      );
      return;
    }
    if (seen.has(id)) return;
    seen.add(id);
    fresh.push(id);
    events.push({ type: "mention", mention: toMention(options, feed, parsed, item, id, text, now) });
  });
  const day = new Date(now).toISOString().slice(0, 10);
  state.itemsPerDay[day] = (state.itemsPerDay[day] ?? 0) + events.length;
  for (const old of Object.keys(state.itemsPerDay).sort().slice(0, -7)) delete state.itemsPerDay[old];
  state.seen = [...fresh, ...state.seen].slice(0, options.rememberItems ?? 500);
  return events;
}

function toMention(
  options: Pick<RssOptions, "name" | "platform">,
  feed: FeedSpec,
  parsed: Feed,
  item: FeedItem,
  id: string,
  text: string,
  now: number,
): Mention {
  const url = item.link ? canonicalUrl(item.link) : null;
  // Google News links redirect through Google: the outlet is named in <source url>.
  const outletUrl = item.outlet?.url ?? url ?? feed.url;
  const handle = outletHandle(outletUrl) ?? outletHandle(feed.url) ?? "unknown";
  return {
    platform: options.platform,
    id,
    kind: "article",
    url,
    author: {
      id: handle,
      handle,
      name: item.outlet?.name || parsed.title || null,
      followers: 0,
      verified: false,
      location: null,
    },
    text,
    lang: parsed.lang?.slice(0, 2).toLowerCase() ?? null,
    eventTime: item.published ?? now,
    ingestTime: now,
    parentId: null,
    rootId: null,
    hashtags: [],
    mentionedHandles: [],
    links: url ? [url] : [],
    engagement: { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 },
    source: options.name,
  };
}
