/**
 * The youtube ingestor: the agency's channels (their Atom feeds, no quota; with an API key also
 * each recent video's counts and comments, replies beyond the first five included) and keyword
 * searches a few times a day, all within a daily quota governor (reset at midnight Pacific).
 * See README.md.
 */
import type { z } from "zod";
import { EngagementRefresher, type LookupResult, type RefreshSchedule } from "../../runtime/engagement-refresher.js";
import {
  type Clock,
  HttpClient,
  HttpError,
  type HttpResponse,
  redactUrl,
  systemClock,
} from "../../runtime/http-client.js";
import { type IngestContext, type Ingestor, removalEvent, type SourceEvent } from "../../runtime/ingestor.js";
import { pollOnSchedule, type ScheduledStream } from "../poll-schedule.js";
import { FeedError, parseFeed } from "../rss/feed.js";
import {
  type Comment,
  comment,
  commentThread,
  fromComment,
  fromFeedEntry,
  fromSearchResult,
  fromVideo,
  searchResult,
  type Video,
  video,
  videoCounts,
  videoEngagement,
} from "./map.js";
import { nextPacificMidnight, QuotaGovernor, type QuotaState, UNITS } from "./quota.js";

export { nextPacificMidnight, pacificDay } from "./quota.js";

export const YOUTUBE_ERROR_CODES = {
  /** The answer is not JSON (an HTML error page). */
  badJson: "YOUTUBE_BAD_JSON",
  /** JSON of another shape, or an item missing a documented field. */
  badPayload: "YOUTUBE_BAD_PAYLOAD",
  /** A channel feed that is not a feed (or not XML). */
  badFeed: "YOUTUBE_BAD_FEED",
  /** An API error other than quota and disabled comments (bad key, unknown video), or no answer. */
  apiError: "YOUTUBE_API_ERROR",
} as const;

export interface YoutubeOptions {
  name: string;
  channels: readonly string[];
  apiKey?: string;
  search?: {
    keywords: readonly string[];
    everyHours: number;
    regionCode: string;
    relevanceLanguage: string;
    maxPages: number;
  };
  pollMinutes: number;
  commentWindowDays: number;
  lookbackMinutes: number;
  dailyQuota: number;
  reserveUnits: number;
  baseUrl: string;
  feedBaseUrl: string;
  timeoutMs?: number;
  clock?: Clock;
  /** The engagement refresher's schedule (tests); the default 1, 5, 15, 60 min, then 6-hourly to 7 days. */
  refreshSchedule?: RefreshSchedule;
}

interface TrackedVideo {
  publishedAt: number;
  /** "likes,replies,views" at the last poll; null before the first read of its counts. */
  counts: string | null;
  commentCount: number;
  /** Newest comment or reply emitted (epoch ms). */
  newestCommentAt: number | null;
  /** Reply counts of the threads with more replies than a thread carries (read through comments.list). */
  longThreads?: Record<string, number>;
  commentsDisabled?: boolean;
}

/** A channel's or a search's checkpoint. */
export interface YoutubeStreamState {
  since: number | null;
  polledAt: number | null;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  /** Channels: the videos of the comment window, by id. */
  videos: Record<string, TrackedVideo>;
}

const emptyState = (): YoutubeStreamState => ({
  since: null,
  polledAt: null,
  lastSuccessAt: null,
  lastErrorAt: null,
  lastError: null,
  videos: {},
});

function readJson<T extends object>(stored: string | undefined, empty: () => T): T {
  if (!stored) return empty();
  try {
    return { ...empty(), ...(JSON.parse(stored) as Partial<T>) };
  } catch {
    return empty();
  }
}

export const channelStream = (id: string) => `channel:${id}`;
export const searchStream = (keyword: string) => `search:${keyword}`;
/** The checkpoint holding the units spent today, so a restart does not forget them. */
export const QUOTA_STREAM = "quota";
const RAW_EXCERPT_CHARS = 2000;
const FIRST_SEARCH_HOURS = 24;

export function createYoutubeIngestor(options: YoutubeOptions): Ingestor {
  return {
    name: options.name,
    exclusive: true,
    streams: [...options.channels.map(channelStream), ...(options.search?.keywords ?? []).map(searchStream)],
    events: (signal, context) => run(options, signal, context),
  };
}

async function* run(options: YoutubeOptions, signal: AbortSignal, context: IngestContext | undefined) {
  const clock = options.clock ?? systemClock;
  const http = context?.http ?? new HttpClient({ clock });
  const quota = new QuotaGovernor(
    options.dailyQuota,
    options.reserveUnits,
    clock,
    readJson<QuotaState | { day: "" }>(context?.checkpoints.get(QUOTA_STREAM), () => ({ day: "" })) as QuotaState,
  );
  // With a key, videos' counts are re-read between polls: videos.list, 50 ids for 1 unit.
  const refresher: EngagementRefresher | undefined = options.apiKey
    ? new EngagementRefresher({
        source: options.name,
        platform: "youtube",
        lookup: (ids): Promise<Map<string, LookupResult>> => poller.lookupCounts(ids),
        batchSize: 50,
        schedule: options.refreshSchedule,
        clock,
      })
    : undefined;
  if (context) refresher?.load(context.checkpoints);
  const poller = new YoutubePoller(options, http, clock, quota, signal, refresher);
  const scheduled = (stream: string, intervalMs: number, poll: (s: Poll) => Promise<void>): ScheduledStream => {
    const state = readJson(context?.checkpoints.get(stream), emptyState);
    return { stream, intervalMs, polledAt: state.polledAt, poll: () => poller.pollStream(stream, state, poll) };
  };
  const streams = [
    ...options.channels.map((id) =>
      scheduled(channelStream(id), options.pollMinutes * 60_000, (s) => poller.pollChannel(id, s)),
    ),
    ...(options.search?.keywords ?? []).map((keyword) =>
      scheduled(searchStream(keyword), (options.search?.everyHours ?? 6) * 3_600_000, (s) =>
        poller.pollSearch(keyword, s),
      ),
    ),
  ];
  for await (const events of pollOnSchedule(streams, clock, signal, refresher)) {
    yield* events;
    if (options.apiKey)
      yield { type: "checkpoint", stream: QUOTA_STREAM, value: JSON.stringify(quota.snapshot()) } as SourceEvent;
  }
}

interface Poll {
  now: number;
  /** Items from here on are new: the last poll's start minus the lookback. */
  from: number;
  events: SourceEvent[];
  state: YoutubeStreamState;
  /** Why the poll stopped early; `since` stays where it was. */
  failed: string | null;
}

type ApiAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string | null };

/** The `reason` of a Google API error answer (quotaExceeded, commentsDisabled, keyInvalid, ...). */
function errorReason(body: string): { reason: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string; errors?: { reason?: string }[] } };
    if (!parsed.error) return undefined;
    return { reason: parsed.error.errors?.[0]?.reason ?? "", message: parsed.error.message ?? "" };
  } catch {
    return undefined;
  }
}

/** The HTTP client's hook: quotaExceeded holds the key until midnight Pacific. */
function quotaRateLimit(response: HttpResponse, now: number) {
  if (response.status === 403 && errorReason(response.body)?.reason === "quotaExceeded")
    return { until: nextPacificMidnight(now), retry: false };
  return undefined;
}

class YoutubePoller {
  constructor(
    private readonly options: YoutubeOptions,
    private readonly http: HttpClient,
    private readonly clock: Clock,
    private readonly quota: QuotaGovernor,
    private readonly signal: AbortSignal,
    private readonly refresher?: EngagementRefresher,
  ) {}

  /**
   * The refresher's lookup: videos.list of up to 50 ids (1 unit). videos.list leaves out a video
   * deleted or made private: an id missing from a complete answer is removed. A failed call, or
   * a day's quota already spent, throws: the refresher tries its videos again a minute later
   * (never waiting for the reset here, so the free feeds go on).
   */
  async lookupCounts(ids: readonly string[]): Promise<Map<string, LookupResult>> {
    if (!this.quota.available(UNITS.videos)) throw new Error("youtube: the day's quota is spent");
    const s: Poll = { now: this.clock.now(), from: 0, events: [], state: emptyState(), failed: null };
    const found = new Map<string, LookupResult>();
    const read = await this.list(
      s,
      "videos",
      { part: "statistics", id: ids.join(","), maxResults: "50" },
      video,
      (item: Video) => {
        found.set(item.id, { status: "found", counts: videoCounts(item.statistics) });
      },
    );
    if (read !== true) throw new Error(s.failed ?? "videos.list failed");
    for (const id of ids) if (!found.has(id)) found.set(id, { status: "removed", reason: "not_found" });
    return found;
  }

  async pollStream(stream: string, state: YoutubeStreamState, poll: (s: Poll) => Promise<void>) {
    const now = this.clock.now();
    const start = state.since ?? (stream.startsWith("search:") ? now - FIRST_SEARCH_HOURS * 3_600_000 : null);
    const s: Poll = {
      now,
      from: start === null ? Number.NEGATIVE_INFINITY : start - this.options.lookbackMinutes * 60_000,
      events: [],
      state,
      failed: null,
    };
    state.polledAt = now;
    try {
      await poll(s);
    } catch (error) {
      if (!(error instanceof HttpError) && !this.signal.aborted) throw error;
      if (error instanceof HttpError) this.invalid(s, stream, YOUTUBE_ERROR_CODES.badFeed, error.message, "");
      s.failed ??= error instanceof HttpError ? error.message : "stopped";
    }
    if (s.failed) {
      state.lastErrorAt = now;
      state.lastError = s.failed;
    } else {
      state.since = now;
      state.lastSuccessAt = now;
    }
    return [...s.events, { type: "checkpoint", stream, value: JSON.stringify(state) } as SourceEvent];
  }

  private common(s: Poll) {
    return { source: this.options.name, now: s.now };
  }

  private invalid(s: Poll, origin: string, errorCode: string, reason: string, raw: string): void {
    s.events.push({ type: "invalid", origin, position: 0, raw: raw.slice(0, RAW_EXCERPT_CHARS), errorCode, reason });
  }

  /** One Data API call, its units spent first. A failure is a dead letter, except quota and disabled comments. */
  private async api(s: Poll, endpoint: keyof typeof UNITS, params: Record<string, string>): Promise<ApiAnswer> {
    await this.quota.spend(UNITS[endpoint], this.signal);
    const url = `${this.options.baseUrl.replace(/\/$/, "")}/youtube/v3/${endpoint}?${new URLSearchParams(params)}`;
    const origin = redactUrl(url);
    let response: HttpResponse;
    try {
      response = await this.http.request({
        url,
        source: this.options.name,
        credential: `${this.options.name}:api-key`,
        // The key goes in a header, never in a URL that could be logged.
        headers: { "x-goog-api-key": this.options.apiKey ?? "", accept: "application/json" },
        signal: this.signal,
        timeoutMs: this.options.timeoutMs,
        rateLimit: quotaRateLimit,
      });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      this.invalid(s, origin, YOUTUBE_ERROR_CODES.apiError, error.message, "");
      s.failed = error.message;
      return { ok: false, reason: null };
    }
    if (response.status >= 400) {
      const error = errorReason(response.body);
      if (error?.reason === "quotaExceeded") {
        this.quota.exhaust();
        s.failed = `${origin}: quotaExceeded: ${error.message}`;
        return { ok: false, reason: "quotaExceeded" };
      }
      if (error?.reason === "commentsDisabled") return { ok: false, reason: "commentsDisabled" };
      const reason = `${origin}: HTTP ${response.status}${error ? `: ${error.reason}: ${error.message}` : ""}`;
      this.invalid(s, origin, YOUTUBE_ERROR_CODES.apiError, reason, response.body);
      s.failed = reason;
      return { ok: false, reason: error?.reason ?? null };
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      this.invalid(s, origin, YOUTUBE_ERROR_CODES.badJson, `${origin}: the answer is not JSON`, response.body);
      s.failed = `${origin}: the answer is not JSON`;
      return { ok: false, reason: null };
    }
    if (body === null || typeof body !== "object" || !Array.isArray((body as { items?: unknown }).items)) {
      this.invalid(s, origin, YOUTUBE_ERROR_CODES.badPayload, `${origin}: expected {"items":[...]}`, response.body);
      s.failed = `${origin}: expected {"items":[...]}`;
      return { ok: false, reason: null };
    }
    return { ok: true, body: body as Record<string, unknown> };
  }

  /** Every item of every page (`pageToken`), parsed; false when a page failed. `onItem` returning false stops. */
  private async list<T extends z.ZodType>(
    s: Poll,
    endpoint: keyof typeof UNITS,
    params: Record<string, string>,
    schema: T,
    onItem: (item: z.infer<T>) => unknown,
    maxPages = 20,
  ): Promise<ApiAnswer["ok"] | "commentsDisabled"> {
    let pageToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.api(s, endpoint, pageToken ? { ...params, pageToken } : params);
      if (!answer.ok) return answer.reason === "commentsDisabled" ? "commentsDisabled" : false;
      for (const raw of answer.body.items as unknown[]) {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          this.invalid(
            s,
            endpoint,
            YOUTUBE_ERROR_CODES.badPayload,
            `${endpoint}: ${issue?.path.join(".") || "item"}: ${issue?.message}`,
            JSON.stringify(raw),
          );
          continue;
        }
        if (onItem(parsed.data) === false) return true;
      }
      const next = answer.body.nextPageToken;
      if (typeof next !== "string" || next === "") return true;
      pageToken = next;
    }
    return true;
  }

  async pollChannel(channelId: string, s: Poll): Promise<void> {
    const { options } = this;
    const feedUrl = `${options.feedBaseUrl.replace(/\/$/, "")}/feeds/videos.xml?channel_id=${channelId}`;
    const response = await this.http.request({
      url: feedUrl,
      source: options.name,
      signal: this.signal,
      timeoutMs: options.timeoutMs,
    });
    if (response.status >= 400) {
      s.failed = `${feedUrl}: HTTP ${response.status}`;
      return this.invalid(s, feedUrl, YOUTUBE_ERROR_CODES.badFeed, s.failed, response.body);
    }
    let feed: ReturnType<typeof parseFeed>;
    try {
      feed = parseFeed(response.body);
    } catch (error) {
      if (!(error instanceof FeedError)) throw error;
      s.failed = `${feedUrl}: ${error.message}`;
      return this.invalid(s, feedUrl, YOUTUBE_ERROR_CODES.badFeed, s.failed, response.body);
    }
    const windowStart = s.now - options.commentWindowDays * 86_400_000;
    const videos = s.state.videos;
    for (const id of Object.keys(videos)) if ((videos[id]?.publishedAt ?? 0) < windowStart) delete videos[id];
    const fresh: string[] = [];
    for (const entry of feed.items) {
      const videoId = entry.guid?.replace(/^yt:video:/, "");
      if (!videoId || entry.published === null || entry.published < windowStart || videos[videoId]) continue;
      videos[videoId] = { publishedAt: entry.published, counts: null, commentCount: 0, newestCommentAt: null };
      fresh.push(videoId);
      if (!options.apiKey && entry.published >= s.from)
        s.events.push({
          type: "mention",
          mention: fromFeedEntry(
            this.common(s),
            { videoId, title: entry.title, summary: entry.summary, published: entry.published },
            channelId,
            feed.title,
          ),
        });
    }
    if (!options.apiKey) return;

    // Counts of every video of the window, 50 per call (1 unit).
    const ids = Object.keys(videos);
    const seen = new Set<string>();
    const commentsChanged: string[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      const read = await this.list(
        s,
        "videos",
        { part: "snippet,statistics", id: chunk.join(","), maxResults: "50" },
        video,
        (item: Video) => {
          const tracked = videos[item.id];
          if (!tracked) return;
          seen.add(item.id);
          const counts = videoCounts(item.statistics);
          const key = `${counts.likes},${counts.replies},${counts.views}`;
          // A video the refresher follows: changed since what it or a poll last published.
          const changed = this.refresher?.observe(item.id, counts) ?? tracked.counts !== key;
          if (tracked.counts === null && item.snippet && tracked.publishedAt >= s.from)
            s.events.push({ type: "mention", mention: fromVideo(this.common(s), { ...item, snippet: item.snippet }) });
          else if (tracked.counts !== null && changed)
            s.events.push({ type: "engagement", engagement: videoEngagement(this.common(s), item.id, counts) });
          this.refresher?.track(item.id, tracked.publishedAt, counts);
          if (counts.replies !== tracked.commentCount || tracked.counts === null) commentsChanged.push(item.id);
          tracked.counts = key;
          tracked.commentCount = counts.replies;
        },
      );
      if (read !== true) return;
      // videos.list leaves out a video deleted or made private (it does not say which).
      for (const id of chunk)
        if (!seen.has(id)) {
          delete videos[id];
          this.refresher?.forget(id);
          s.events.push(removalEvent(options.name, "youtube", id, "not_found", s.now));
        }
    }

    // Comments of the videos whose comment count moved (newest first: stop at what was read).
    for (const videoId of commentsChanged) {
      const tracked = videos[videoId];
      if (!tracked || tracked.commentsDisabled || tracked.commentCount === 0) continue;
      const read = await this.comments(s, videoId, tracked);
      if (read === "commentsDisabled") tracked.commentsDisabled = true;
      else if (!read) return;
    }
  }

  private async comments(s: Poll, videoId: string, tracked: TrackedVideo) {
    const cutoff =
      tracked.newestCommentAt === null
        ? Number.NEGATIVE_INFINITY
        : tracked.newestCommentAt - this.options.lookbackMinutes * 60_000;
    let newest = tracked.newestCommentAt ?? Number.NEGATIVE_INFINITY;
    const emit = (item: Comment, replies = 0) => {
      if (item.snippet.publishedAt < cutoff) return;
      newest = Math.max(newest, item.snippet.publishedAt);
      s.events.push({ type: "mention", mention: fromComment(this.common(s), videoId, item, replies) });
    };
    const threads: { id: string; inline: Comment[]; total: number }[] = [];
    // Every thread is listed (not only those begun since the last read): a new reply can land in
    // an old thread. Only what is newer than the last read (minus the lookback) is emitted.
    const read = await this.list(
      s,
      "commentThreads",
      { part: "snippet,replies", videoId, order: "time", maxResults: "100", textFormat: "plainText" },
      commentThread,
      (thread) => {
        emit(thread.snippet.topLevelComment, thread.snippet.totalReplyCount);
        threads.push({ id: thread.id, inline: thread.replies?.comments ?? [], total: thread.snippet.totalReplyCount });
      },
    );
    if (read !== true) return read;
    const longThreads: Record<string, number> = {};
    for (const thread of threads) {
      if (thread.total <= thread.inline.length) {
        for (const reply of thread.inline) emit(reply);
        continue;
      }
      // A thread carries at most five replies: the rest only through comments.list?parentId,
      // asked again only when the thread's reply count moved.
      longThreads[thread.id] = thread.total;
      if (tracked.longThreads?.[thread.id] === thread.total) continue;
      const replies = await this.list(
        s,
        "comments",
        { part: "snippet", parentId: thread.id, maxResults: "100", textFormat: "plainText" },
        comment,
        (reply) => emit(reply),
      );
      if (replies !== true) return replies;
    }
    tracked.longThreads = longThreads;
    if (newest > Number.NEGATIVE_INFINITY) tracked.newestCommentAt = newest;
    return true;
  }

  async pollSearch(keyword: string, s: Poll): Promise<void> {
    const search = this.options.search;
    if (!search) return;
    const results: z.infer<typeof searchResult>[] = [];
    const read = await this.list(
      s,
      "search",
      {
        part: "snippet",
        q: keyword,
        type: "video",
        order: "date",
        publishedAfter: new Date(s.from).toISOString(),
        regionCode: search.regionCode,
        relevanceLanguage: search.relevanceLanguage,
        maxResults: "50",
      },
      searchResult,
      (result) => {
        results.push(result);
      },
      search.maxPages,
    );
    if (read !== true || results.length === 0) return;
    const stats = new Map<string, Video["statistics"]>();
    const ids = [...new Set(results.map((r) => r.id.videoId))];
    for (let i = 0; i < ids.length; i += 50) {
      const counted = await this.list(
        s,
        "videos",
        { part: "statistics", id: ids.slice(i, i + 50).join(","), maxResults: "50" },
        video,
        (item: Video) => {
          stats.set(item.id, item.statistics);
        },
      );
      if (counted !== true) return;
    }
    // Not tracked by the refresher: up to 50 results a search, each re-read ~32 times over its
    // week, would cost thousands of units a day.
    for (const result of results)
      s.events.push({
        type: "mention",
        mention: fromSearchResult(this.common(s), result, stats.get(result.id.videoId)),
      });
  }
}

/** `simak sources check`: one request (videos.list of nothing costs 1 unit; without a key, the first channel's feed). */
export async function checkYoutube(options: YoutubeOptions, http: HttpClient): Promise<string | null> {
  if (!options.apiKey) {
    const url = `${options.feedBaseUrl.replace(/\/$/, "")}/feeds/videos.xml?channel_id=${options.channels[0]}`;
    const response = await http.request({ url, source: options.name, timeoutMs: options.timeoutMs });
    if (response.status >= 400) return `${url}: HTTP ${response.status}`;
    try {
      parseFeed(response.body);
      return null;
    } catch (error) {
      return `${url}: ${(error as Error).message}`;
    }
  }
  const url = `${options.baseUrl.replace(/\/$/, "")}/youtube/v3/videos?part=id&id=dQw4w9WgXcQ`;
  const response = await http.request({
    url,
    source: options.name,
    headers: { "x-goog-api-key": options.apiKey },
    timeoutMs: options.timeoutMs,
  });
  if (response.status < 400) return null;
  const error = errorReason(response.body);
  return `${url}: HTTP ${response.status}${error ? `: ${error.reason}: ${error.message}` : `: ${response.body.slice(0, 200)}`}`;
}
