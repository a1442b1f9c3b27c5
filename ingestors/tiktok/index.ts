/**
 * The tiktok ingestor: the agency's own TikTok account through the Display API
 * (developers.tiktok.com/doc/display-api-overview): its videos as Mentions, and their like,
 * comment, share and view counts as EngagementEvents when they change. The Display API gives no
 * comments and sees no other account; public TikTok content comes from a vendor (`webhook`).
 * See README.md.
 */
import { z } from "zod";
import {
  type EngagementCounts,
  EngagementRefresher,
  type LookupResult,
  type RefreshSchedule,
} from "../../runtime/engagement-refresher.js";
import { type Clock, HttpClient, HttpError, type HttpResponse, systemClock } from "../../runtime/http-client.js";
import { type IngestContext, type Ingestor, removalEvent, type SourceEvent } from "../../runtime/ingestor.js";
import type { EngagementEvent, Mention } from "../../schemas/types.generated.js";
import { pollOnSchedule } from "../poll-schedule.js";

export const TIKTOK_ERROR_CODES = {
  /** The answer is not JSON (an HTML error page). */
  badJson: "TIKTOK_BAD_JSON",
  /** JSON of another shape, or a video missing a documented field. */
  badPayload: "TIKTOK_BAD_PAYLOAD",
  /** An API error (`access_token_invalid`, `scope_not_authorized`, ...), or no answer after every retry. */
  apiError: "TIKTOK_API_ERROR",
} as const;

export interface TiktokOptions {
  name: string;
  accessToken: string;
  pollMinutes: number;
  windowDays: number;
  maxPages: number;
  baseUrl: string;
  timeoutMs?: number;
  clock?: Clock;
  /** The engagement refresher's schedule (tests); the default 1, 5, 15, 60 min, then 6-hourly to 7 days. */
  refreshSchedule?: RefreshSchedule;
}

/** The account's checkpoint. */
export interface TiktokState {
  polledAt: number | null;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  /** The window's videos: "likes,shares,replies,views" and creation time (epoch ms), by id. */
  videos: Record<string, { counts: string; createdAt: number }>;
}

const emptyState = (): TiktokState => ({
  polledAt: null,
  lastSuccessAt: null,
  lastErrorAt: null,
  lastError: null,
  videos: {},
});

export const ACCOUNT_STREAM = "account";
const VIDEO_FIELDS = "id,create_time,title,video_description,share_url,like_count,comment_count,share_count,view_count";
const RAW_EXCERPT_CHARS = 2000;

const count = z.number().int().min(0).optional();
const tiktokVideo = z.object({
  id: z.string(),
  /** Epoch seconds. */
  create_time: z.number().int(),
  title: z.string().optional(),
  video_description: z.string().optional(),
  share_url: z.string().optional(),
  like_count: count,
  comment_count: count,
  share_count: count,
  view_count: count,
});
const videoListAnswer = z.object({
  data: z.object({ videos: z.array(z.unknown()).default([]), cursor: z.number().optional(), has_more: z.boolean() }),
  error: z.object({ code: z.string(), message: z.string().optional() }).optional(),
});
const userInfoAnswer = z.object({
  data: z.object({
    user: z.object({ open_id: z.string(), display_name: z.string().optional(), username: z.string().optional() }),
  }),
});

export function createTiktokIngestor(options: TiktokOptions): Ingestor {
  return {
    name: options.name,
    exclusive: true,
    streams: [ACCOUNT_STREAM],
    events: (signal, context) => run(options, signal, context),
  };
}

async function* run(options: TiktokOptions, signal: AbortSignal, context: IngestContext | undefined) {
  const clock = options.clock ?? systemClock;
  const http = context?.http ?? new HttpClient({ clock });
  const state = readState(context?.checkpoints.get(ACCOUNT_STREAM));
  // Young videos' counts between polls: video/query, 20 ids a call.
  const refresher = new EngagementRefresher({
    source: options.name,
    platform: "tiktok",
    lookup: (ids, lookupSignal) => queryVideos(options, http, ids, lookupSignal),
    batchSize: VIDEO_QUERY_MAX_IDS,
    schedule: options.refreshSchedule,
    clock,
  });
  if (context) refresher.load(context.checkpoints);
  const stream = {
    stream: ACCOUNT_STREAM,
    intervalMs: options.pollMinutes * 60_000,
    polledAt: state.polledAt,
    poll: () => pollAccount(options, state, http, clock, signal, refresher),
  };
  for await (const events of pollOnSchedule([stream], clock, signal, refresher)) yield* events;
}

const VIDEO_QUERY_MAX_IDS = 20;
const COUNT_FIELDS = "id,like_count,comment_count,share_count,view_count";
const videoCountsAnswer = z.object({
  data: z.object({ videos: z.array(z.unknown()).default([]) }),
});
const videoCountsItem = z.object({
  id: z.string(),
  like_count: count,
  comment_count: count,
  share_count: count,
  view_count: count,
});

/** Counts of a video as Simak names them. */
function countsOf(video: z.infer<typeof videoCountsItem>): EngagementCounts {
  return {
    likes: video.like_count ?? 0,
    shares: video.share_count ?? 0,
    replies: video.comment_count ?? 0,
    views: video.view_count ?? 0,
    clicks: 0,
  };
}

/**
 * The refresher's lookup: `POST /v2/video/query/` with `{"filters":{"video_ids":[...]}}` (at
 * most 20). TikTok leaves out a video deleted or made private: an id missing from the answer is
 * removed. A failed call throws (the refresher tries its videos again a minute later).
 */
async function queryVideos(
  options: TiktokOptions,
  http: HttpClient,
  ids: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, LookupResult>> {
  const answer = await call(options, http, signal, `/v2/video/query/?fields=${COUNT_FIELDS}`, {
    filters: { video_ids: ids },
  });
  if (!answer.ok) throw new Error(answer.reason);
  const parsed = videoCountsAnswer.safeParse(answer.body);
  if (!parsed.success) throw new Error("video/query: expected {data: {videos}}");
  const found = new Map<string, LookupResult>();
  for (const raw of parsed.data.data.videos) {
    const video = videoCountsItem.safeParse(raw);
    if (video.success) found.set(video.data.id, { status: "found", counts: countsOf(video.data) });
  }
  // Only an answer that parsed says which videos are gone.
  for (const id of ids) if (!found.has(id)) found.set(id, { status: "removed", reason: "not_found" });
  return found;
}

function readState(stored: string | undefined): TiktokState {
  if (!stored) return emptyState();
  try {
    return { ...emptyState(), ...(JSON.parse(stored) as Partial<TiktokState>) };
  } catch {
    return emptyState();
  }
}

/** The platform's own error text of an answer: `error.code: error.message`. */
function apiError(body: string): string | undefined {
  try {
    const error = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    return error && error.code !== "ok" ? `${error.code}: ${error.message ?? ""}` : undefined;
  } catch {
    return undefined;
  }
}

type Call = { ok: true; body: unknown } | { ok: false; code: string; reason: string; raw: string };

async function call(
  options: TiktokOptions,
  http: HttpClient,
  signal: AbortSignal | undefined,
  path: string,
  body?: Record<string, unknown>,
): Promise<Call> {
  const url = `${options.baseUrl.replace(/\/$/, "")}${path}`;
  const origin = url.split("?")[0] as string;
  let response: HttpResponse;
  try {
    response = await http.request({
      url,
      method: body ? "POST" : "GET",
      source: options.name,
      credential: `${options.name}:token`,
      headers: { authorization: `Bearer ${options.accessToken}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
      signal,
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { ok: false, code: TIKTOK_ERROR_CODES.apiError, reason: error.message, raw: "" };
  }
  const platformError = apiError(response.body);
  if (response.status >= 400 || platformError)
    return {
      ok: false,
      code: TIKTOK_ERROR_CODES.apiError,
      reason: `${origin}: HTTP ${response.status}${platformError ? `: ${platformError}` : ""}`,
      raw: response.body,
    };
  try {
    return { ok: true, body: JSON.parse(response.body) };
  } catch {
    return {
      ok: false,
      code: TIKTOK_ERROR_CODES.badJson,
      reason: `${origin}: the answer is not JSON`,
      raw: response.body,
    };
  }
}

/** One read of the account: its user, then its videos newest first until the window's start. */
async function pollAccount(
  options: TiktokOptions,
  state: TiktokState,
  http: HttpClient,
  clock: Clock,
  signal: AbortSignal,
  refresher: EngagementRefresher,
): Promise<SourceEvent[]> {
  const now = clock.now();
  const windowStart = now - options.windowDays * 86_400_000;
  const events: SourceEvent[] = [];
  state.polledAt = now;
  const fail = (code: string, reason: string, raw: string): SourceEvent[] => {
    state.lastErrorAt = now;
    state.lastError = reason;
    events.push({
      type: "invalid",
      origin: "tiktok",
      position: 0,
      raw: raw.slice(0, RAW_EXCERPT_CHARS),
      errorCode: code,
      reason,
    });
    return [...events, checkpoint(state)];
  };
  const user = await call(options, http, signal, "/v2/user/info/?fields=open_id,display_name,username");
  if (signal.aborted) return events;
  if (!user.ok) return fail(user.code, user.reason, user.raw);
  const who = userInfoAnswer.safeParse(user.body);
  if (!who.success)
    return fail(
      TIKTOK_ERROR_CODES.badPayload,
      "user/info: expected {data: {user: {open_id}}}",
      JSON.stringify(user.body),
    );
  const account = who.data.data.user;

  const seen = new Map<string, { counts: string; createdAt: number }>();
  let cursor: number | undefined;
  let complete = false;
  for (let page = 0; page < options.maxPages && !complete; page++) {
    const answer = await call(options, http, signal, `/v2/video/list/?fields=${VIDEO_FIELDS}`, {
      max_count: 20,
      ...(cursor !== undefined && { cursor }),
    });
    if (signal.aborted) return events;
    if (!answer.ok) return fail(answer.code, answer.reason, answer.raw);
    const list = videoListAnswer.safeParse(answer.body);
    if (!list.success)
      return fail(
        TIKTOK_ERROR_CODES.badPayload,
        "video/list: expected {data: {videos, cursor, has_more}}",
        JSON.stringify(answer.body),
      );
    for (const raw of list.data.data.videos) {
      const parsed = tiktokVideo.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        events.push({
          type: "invalid",
          origin: "tiktok",
          position: 0,
          raw: JSON.stringify(raw).slice(0, RAW_EXCERPT_CHARS),
          errorCode: TIKTOK_ERROR_CODES.badPayload,
          reason: `video/list: ${issue?.path.join(".") || "video"}: ${issue?.message}`,
        });
        continue;
      }
      const video = parsed.data;
      const createdAt = video.create_time * 1000;
      // Newest first: a video older than the window ends the read.
      if (createdAt < windowStart) {
        complete = true;
        break;
      }
      const counts = countsOf(video);
      const key = `${counts.likes},${counts.shares},${counts.replies},${counts.views}`;
      seen.set(video.id, { counts: key, createdAt });
      const known = state.videos[video.id];
      // A video the refresher follows: changed since what it or a poll last published.
      const changed = refresher.observe(video.id, counts) ?? (known !== undefined && known.counts !== key);
      if (!known) events.push({ type: "mention", mention: toMention(options.name, account, video, counts, now) });
      else if (changed)
        events.push({ type: "engagement", engagement: toEngagement(options.name, video.id, counts, now) });
      refresher.track(video.id, createdAt, counts);
    }
    // An empty page may still say has_more: the cursor moves on regardless.
    if (!list.data.data.has_more || list.data.data.cursor === undefined) complete = true;
    cursor = list.data.data.cursor;
  }
  // Read to the window's start: a video of the window the account no longer lists was deleted
  // or made private (TikTok does not say which).
  if (complete)
    for (const [id, known] of Object.entries(state.videos))
      if (!seen.has(id) && known.createdAt >= windowStart) {
        events.push(removalEvent(options.name, "tiktok", id, "not_listed", now));
        refresher.forget(id);
      }
  // Read partly (maxPages): the videos not reached keep their last counts.
  state.videos = complete
    ? Object.fromEntries(seen)
    : {
        ...Object.fromEntries(Object.entries(state.videos).filter(([, v]) => v.createdAt >= windowStart)),
        ...Object.fromEntries(seen),
      };
  state.lastSuccessAt = now;
  return [...events, checkpoint(state)];
}

function checkpoint(state: TiktokState): SourceEvent {
  return { type: "checkpoint", stream: ACCOUNT_STREAM, value: JSON.stringify(state) };
}

function toMention(
  source: string,
  account: z.infer<typeof userInfoAnswer>["data"]["user"],
  video: z.infer<typeof tiktokVideo>,
  counts: Mention["engagement"],
  now: number,
): Mention {
  const text = [video.title ?? "", video.video_description ?? ""]
    .filter((part, index, parts) => part.trim() !== "" && parts.indexOf(part) === index)
    .join("\n\n");
  return {
    platform: "tiktok",
    id: video.id,
    kind: "post",
    url: video.share_url ?? null,
    author: {
      id: account.open_id,
      handle: account.username ?? account.display_name ?? account.open_id,
      name: account.display_name ?? null,
      followers: 0,
      verified: false,
      location: null,
    },
    text,
    lang: null,
    eventTime: video.create_time * 1000,
    ingestTime: now,
    parentId: null,
    rootId: null,
    hashtags: [...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((match) => match[1] as string),
    mentionedHandles: [],
    links: [],
    engagement: counts,
    source,
  };
}

function toEngagement(source: string, postId: string, counts: Mention["engagement"], now: number): EngagementEvent {
  return { platform: "tiktok", postId, eventTime: now, ...counts, source };
}

/** `simak sources check`: the token's user (one request); null when it works, else TikTok's own error. */
export async function checkTiktok(options: TiktokOptions, http: HttpClient): Promise<string | null> {
  const answer = await call(options, http, undefined, "/v2/user/info/?fields=open_id,display_name");
  return answer.ok ? null : answer.reason;
}
