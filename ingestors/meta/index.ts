/**
 * The meta ingestor: the Facebook Pages and Instagram professional accounts an agency manages.
 * Meta's webhook (on the webhook listener) brings posts and comments as they happen; a
 * reconciliation poll of each page's feed and comments, and each account's media and comments,
 * catches what a webhook missed (Meta gives up on a failing endpoint after 36 h) and reads the
 * posts' counts. See README.md.
 *
 * The poll never stores Graph cursors (they expire): each page or account is a stream whose
 * checkpoint holds when its last successful poll started; the next one reads from there minus a
 * lookback (`since`). Items read twice are dropped downstream by their key.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { EngagementRefresher, type LookupResult, type RefreshSchedule } from "../../runtime/engagement-refresher.js";
import { type Clock, HttpClient, HttpError, redactUrl, systemClock } from "../../runtime/http-client.js";
import {
  editEvent,
  type IngestContext,
  type Ingestor,
  removalEvent,
  type SourceEvent,
} from "../../runtime/ingestor.js";
import { pollOnSchedule } from "../poll-schedule.js";
import type { WebhookListener } from "../webhook/listener.js";
import { type Answer, EventQueue, memoryStore, readBody, respond } from "../webhook/push.js";
import {
  type GraphFailure,
  type GraphPage,
  graphError,
  graphRateLimit,
  META_ERROR_CODES,
  readGraphPage,
} from "./graph.js";
import {
  type ChangeOutcome,
  engagementOf,
  facebookComment,
  facebookPost,
  facebookPostCounts,
  feedChange,
  fromFacebookComment,
  fromFacebookPost,
  fromFeedChange,
  fromInstagramComment,
  fromInstagramCommentChange,
  fromInstagramMedia,
  instagramComment,
  instagramCommentChange,
  instagramMedia,
  instagramMediaCounts,
} from "./map.js";
import { handshakeChallenge, notification, verifyMetaSignature } from "./webhook.js";

export { META_ERROR_CODES } from "./graph.js";
export type { Edit, Removal } from "./map.js";
export { signMetaBody } from "./webhook.js";

export interface MetaWebhookOptions {
  listener: WebhookListener;
  /** Default /hooks/<name>. */
  path?: string;
  appSecret: string;
  verifyToken: string;
  maxBodyBytes?: number;
  /** How long a delivery waits for the bus before it is answered 503 (Meta retries). */
  ackTimeoutMs?: number;
  /** How long a delivery's signature is remembered (a replay is answered 200, nothing published), hours. */
  idempotencyHours?: number;
}

export interface MetaOptions {
  name: string;
  pages: readonly string[];
  instagramAccounts: readonly string[];
  accessToken: string;
  webhook?: MetaWebhookOptions;
  pollMinutes: number;
  lookbackMinutes: number;
  initialHours: number;
  commentWindowHours: number;
  pauseAtPercent: number;
  apiVersion: string;
  baseUrl: string;
  timeoutMs?: number;
  clock?: Clock;
  /** Pages followed per list before a poll stops reading it (a runaway `paging.next`). */
  maxPages?: number;
  /** The engagement refreshers' schedule (tests); the default 1, 5, 15, 60 min, then 6-hourly to 7 days. */
  refreshSchedule?: RefreshSchedule;
}

/** A page's or account's checkpoint. */
export interface MetaStreamState {
  /** Epoch ms when the last successful poll started: the next reads from here minus the lookback. */
  since: number | null;
  polledAt: number | null;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  /** Counts of the posts in the comment window at the last poll, "likes,shares,replies" by id. */
  counts: Record<string, string>;
}

const emptyState = (): MetaStreamState => ({
  since: null,
  polledAt: null,
  lastSuccessAt: null,
  lastErrorAt: null,
  lastError: null,
  counts: {},
});

function readState(stored: string | undefined): MetaStreamState {
  if (!stored) return emptyState();
  try {
    return { ...emptyState(), ...(JSON.parse(stored) as Partial<MetaStreamState>) };
  } catch {
    return emptyState();
  }
}

const RAW_EXCERPT_CHARS = 2000;
const POST_FIELDS =
  "id,message,created_time,from,permalink_url,shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)";
const COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url,like_count,comment_count";
const MEDIA_FIELDS = "id,caption,timestamp,permalink,username,like_count,comments_count";
const IG_COMMENT_FIELDS = "id,text,timestamp,username,from,like_count,parent_id";

export const pageStream = (id: string) => `page:${id}`;
/** The checkpoint of a platform's refresh schedule. */
export const refreshStream = (platform: "facebook" | "instagram") => `engagement-refresh:${platform}`;
/** Ids per `?ids=` lookup. */
const LOOKUP_MAX_IDS = 50;
/** Graph's answer for ids that do not (or no longer) exist: "(#803) Some of the aliases you requested do not exist: a,b". */
const MISSING_IDS = /do not exist: (.+)$/;
const LOOKUP_FIELDS = {
  facebook: "id,created_time,shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)",
  instagram: "id,timestamp,like_count,comments_count",
} as const;
export const instagramStream = (id: string) => `instagram:${id}`;

export function createMetaIngestor(options: MetaOptions): Ingestor {
  return {
    name: options.name,
    exclusive: true,
    streams: [...options.pages.map(pageStream), ...options.instagramAccounts.map(instagramStream)],
    events: (signal, context) => run(options, signal, context),
  };
}

async function* run(options: MetaOptions, signal: AbortSignal, context: IngestContext | undefined) {
  const clock = options.clock ?? systemClock;
  const http = context?.http ?? new HttpClient({ clock });
  const queue = new EventQueue();
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  let failure: unknown;
  const poller = new GraphPoller(options, http, clock, context, stop.signal);
  const polling = poller.run(queue).catch((error: unknown) => {
    if (stop.signal.aborted) return;
    failure = error;
    stop.abort(error);
  });
  const path = options.webhook ? (options.webhook.path ?? `/hooks/${options.name}`) : null;
  try {
    if (options.webhook && path) {
      const handler = webhookHandler(options, options.webhook, queue, context, clock);
      await options.webhook.listener.route(path, handler);
    }
    yield* queue.drain(stop.signal);
  } finally {
    stop.abort();
    signal.removeEventListener("abort", onAbort);
    await polling;
    if (options.webhook && path) await options.webhook.listener.unroute(path);
  }
  if (failure) throw failure;
}

type Item = Record<string, unknown>;

class GraphPoller {
  private readonly rateLimit;
  /** Posts' counts re-read between polls, one schedule per platform. */
  readonly refreshers: Record<"facebook" | "instagram", EngagementRefresher>;

  constructor(
    private readonly options: MetaOptions,
    private readonly http: HttpClient,
    private readonly clock: Clock,
    private readonly context: IngestContext | undefined,
    private readonly signal: AbortSignal,
  ) {
    this.rateLimit = graphRateLimit(options.pauseAtPercent);
    const refresher = (platform: "facebook" | "instagram") => {
      const each = new EngagementRefresher({
        source: options.name,
        platform,
        lookup: (ids) => this.lookupCounts(platform, ids),
        batchSize: LOOKUP_MAX_IDS,
        schedule: options.refreshSchedule,
        stream: refreshStream(platform),
        clock,
      });
      if (context) each.load(context.checkpoints);
      return each;
    };
    this.refreshers = { facebook: refresher("facebook"), instagram: refresher("instagram") };
  }

  /**
   * A refresher's lookup: `GET /?ids=<up to 50>&fields=<counts>`, an object by id. An id missing
   * from the answer, or named by Graph's "(#803) ... do not exist: <ids>" error, is removed
   * (reason `not_found`; the others are asked again once). Another failure throws: the refresher
   * tries its posts again a minute later.
   */
  async lookupCounts(platform: "facebook" | "instagram", ids: readonly string[]): Promise<Map<string, LookupResult>> {
    const found = new Map<string, LookupResult>();
    const { baseUrl, apiVersion } = this.options;
    const url = `${baseUrl.replace(/\/$/, "")}/${apiVersion}/?${new URLSearchParams({ ids: ids.join(","), fields: LOOKUP_FIELDS[platform] })}`;
    const response = await this.get(url);
    if ("ok" in response) throw new Error(response.reason);
    if (response.status >= 400) {
      const error = graphError(response.body);
      const missing = error?.message
        .match(MISSING_IDS)?.[1]
        ?.split(",")
        .map((id) => id.trim());
      const gone = ids.filter((id) => missing?.includes(id));
      if (gone.length === 0) throw new Error(`${redactUrl(url)}: HTTP ${response.status}: ${error?.message ?? ""}`);
      for (const id of gone) found.set(id, { status: "removed", reason: "not_found" });
      const rest = ids.filter((id) => !gone.includes(id));
      if (rest.length > 0) for (const [id, result] of await this.lookupCounts(platform, rest)) found.set(id, result);
      return found;
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new Error(`${redactUrl(url)}: the answer is not JSON`);
    }
    if (body === null || typeof body !== "object") throw new Error(`${redactUrl(url)}: expected an object by id`);
    const byId = body as Record<string, unknown>;
    for (const id of ids) {
      const item = byId[id];
      if (item === undefined) {
        found.set(id, { status: "removed", reason: "not_found" });
        continue;
      }
      if (platform === "facebook") {
        const post = facebookPost.safeParse(item);
        if (post.success) found.set(id, { status: "found", counts: facebookPostCounts(post.data) });
      } else {
        const media = instagramMedia.safeParse(item);
        if (media.success) found.set(id, { status: "found", counts: instagramMediaCounts(media.data) });
      }
    }
    return found;
  }

  async run(queue: EventQueue): Promise<void> {
    const { options, clock, signal } = this;
    const intervalMs = options.pollMinutes * 60_000;
    const scheduled = (stream: string, poll: (s: Poll) => Promise<void>) => {
      const state = readState(this.context?.checkpoints.get(stream));
      return { stream, intervalMs, polledAt: state.polledAt, poll: () => this.pollStream(stream, state, poll) };
    };
    const streams = [
      ...options.pages.map((id) => scheduled(pageStream(id), (s) => this.pollPage(id, s))),
      ...options.instagramAccounts.map((id) => scheduled(instagramStream(id), (s) => this.pollInstagram(id, s))),
    ];
    const refreshers = [this.refreshers.facebook, this.refreshers.instagram];
    for await (const events of pollOnSchedule(streams, clock, signal, refreshers)) await queue.put(events);
  }

  /** One poll of one stream: its items and dead letters, then its checkpoint. */
  private async pollStream(stream: string, state: MetaStreamState, poll: (s: Poll) => Promise<void>) {
    const now = this.clock.now();
    const from = (state.since ?? now - this.options.initialHours * 3_600_000) - this.options.lookbackMinutes * 60_000;
    const windowStart = Math.min(from, now - this.options.commentWindowHours * 3_600_000);
    const session: Poll = { now, from, windowStart, events: [], counts: {}, previous: state.counts, failed: null };
    state.polledAt = now;
    await poll(session);
    if (session.failed) {
      state.lastErrorAt = now;
      state.lastError = session.failed;
    } else {
      state.since = now;
      state.lastSuccessAt = now;
      state.counts = session.counts;
    }
    return [...session.events, { type: "checkpoint", stream, value: JSON.stringify(state) } as SourceEvent];
  }

  /** GET a Graph list and every page after it (`onItem` returning false stops it); false when a page could not be read (a dead letter). */
  private async list(s: Poll, url: string, onItem: (item: Item) => unknown): Promise<boolean> {
    let next: string | null = url;
    for (let page = 0; next !== null && page < (this.options.maxPages ?? 50); page++) {
      const response = await this.get(next);
      if (this.signal.aborted) return false;
      const read: GraphPage = "ok" in response ? response : readGraphPage(response, redactUrl(next));
      if (!read.ok) {
        s.failed = read.reason;
        s.events.push(this.invalid(next, read.code, read.reason, "body" in response ? response.body : ""));
        return false;
      }
      for (const item of read.data) if (onItem(item) === false) return true;
      next = read.next;
    }
    return true;
  }

  private async get(url: string) {
    try {
      return await this.http.request({
        url,
        source: this.options.name,
        credential: `${this.options.name}:graph`,
        headers: { authorization: `Bearer ${this.options.accessToken}`, accept: "application/json" },
        signal: this.signal,
        timeoutMs: this.options.timeoutMs,
        rateLimit: this.rateLimit,
      });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return { ok: false, code: META_ERROR_CODES.apiError, reason: error.message } as GraphFailure;
    }
  }

  private invalid(url: string, errorCode: string, reason: string, raw: string): SourceEvent {
    return {
      type: "invalid",
      origin: redactUrl(url),
      position: 0,
      raw: raw.slice(0, RAW_EXCERPT_CHARS),
      errorCode,
      reason,
    };
  }

  /** An item of a list: parsed, or a dead letter (the poll goes on). */
  private parse<T extends z.ZodType>(s: Poll, schema: T, item: Item, where: string): z.infer<T> | undefined {
    const parsed = schema.safeParse(item);
    if (parsed.success) return parsed.data;
    const reason = `${where}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "item"}: ${i.message}`).join("; ")}`;
    s.events.push(this.invalid(where, META_ERROR_CODES.badPayload, reason, JSON.stringify(item)));
    return undefined;
  }

  private url(path: string, query: Record<string, string>): string {
    const { baseUrl, apiVersion } = this.options;
    return `${baseUrl.replace(/\/$/, "")}/${apiVersion}/${path}?${new URLSearchParams(query)}`;
  }

  private common(s: Poll) {
    return { source: this.options.name, now: s.now };
  }

  /** A post of the comment window: a Mention when new, an EngagementEvent when its counts changed. */
  private post(
    s: Poll,
    platform: "facebook" | "instagram",
    id: string,
    createdAt: number,
    counts: Parameters<typeof engagementOf>[4],
    toMention: () => SourceEvent | null,
  ): void {
    if (createdAt >= s.from) {
      const event = toMention();
      if (event) s.events.push(event);
    }
    const key = `${counts.likes},${counts.shares},${counts.replies}`;
    s.counts[id] = key;
    // A post the refresher follows: changed since what it or a poll last published.
    const refresher = this.refreshers[platform];
    const changed = refresher.observe(id, counts) ?? (s.previous[id] !== undefined && s.previous[id] !== key);
    if (s.previous[id] !== undefined && changed)
      s.events.push({ type: "engagement", engagement: engagementOf(this.options.name, platform, id, s.now, counts) });
    refresher.track(id, createdAt, counts);
  }

  private async pollPage(pageId: string, s: Poll): Promise<void> {
    const posts: { id: string; comments: number }[] = [];
    const feedUrl = this.url(`${pageId}/feed`, {
      fields: POST_FIELDS,
      since: String(Math.floor(s.windowStart / 1000)),
      limit: "100",
    });
    const ok = await this.list(s, feedUrl, (item) => {
      const post = this.parse(s, facebookPost, item, `page ${pageId} feed`);
      if (!post) return;
      const mention = fromFacebookPost(this.common(s), post);
      this.post(s, "facebook", post.id, post.created_time, facebookPostCounts(post), () =>
        mention.text ? { type: "mention", mention } : null,
      );
      posts.push({ id: post.id, comments: post.comments?.summary.total_count ?? 1 });
    });
    if (!ok) return;
    for (const post of posts) {
      if (post.comments === 0) continue;
      // Newest first: the first comment older than the poll's start ends the post.
      const commentsUrl = this.url(`${post.id}/comments`, {
        fields: COMMENT_FIELDS,
        filter: "stream",
        order: "reverse_chronological",
        limit: "100",
      });
      const read = await this.list(s, commentsUrl, (item) => {
        const comment = this.parse(s, facebookComment, item, `post ${post.id} comments`);
        if (!comment) return;
        if (comment.created_time < s.from) return false;
        const mention = fromFacebookComment(this.common(s), post.id, comment);
        if (mention.text) s.events.push({ type: "mention", mention });
      });
      if (!read) return;
    }
  }

  private async pollInstagram(accountId: string, s: Poll): Promise<void> {
    const media: { id: string; comments: number }[] = [];
    const mediaUrl = this.url(`${accountId}/media`, {
      fields: MEDIA_FIELDS,
      since: String(Math.floor(s.windowStart / 1000)),
      limit: "50",
    });
    const ok = await this.list(s, mediaUrl, (item) => {
      const post = this.parse(s, instagramMedia, item, `account ${accountId} media`);
      if (!post) return;
      if (post.timestamp < s.windowStart) return;
      const mention = fromInstagramMedia(this.common(s), post, accountId);
      this.post(s, "instagram", post.id, post.timestamp, instagramMediaCounts(post), () => ({
        type: "mention",
        mention,
      }));
      media.push({ id: post.id, comments: post.comments_count ?? 1 });
    });
    if (!ok) return;
    for (const post of media) {
      if (post.comments === 0) continue;
      const commentsUrl = this.url(`${post.id}/comments`, {
        fields: `${IG_COMMENT_FIELDS},replies{${IG_COMMENT_FIELDS}}`,
        limit: "50",
      });
      const read = await this.list(s, commentsUrl, (item) => {
        const comment = this.parse(s, instagramComment, item, `media ${post.id} comments`);
        if (!comment) return;
        for (const each of [comment, ...(comment.replies?.data ?? [])])
          if (each.timestamp >= s.from)
            s.events.push({ type: "mention", mention: fromInstagramComment(this.common(s), post.id, each) });
      });
      if (!read) return;
    }
  }
}

interface Poll {
  now: number;
  /** Items from here on are new (epoch ms): the last poll's start minus the lookback. */
  from: number;
  /** Posts from here on are re-read for comments and counts. */
  windowStart: number;
  events: SourceEvent[];
  counts: Record<string, string>;
  previous: Record<string, string>;
  /** Why the poll stopped early; the stream's `since` stays where it was. */
  failed: string | null;
}

function webhookHandler(
  options: MetaOptions,
  webhook: MetaWebhookOptions,
  queue: EventQueue,
  context: IngestContext | undefined,
  clock: Pick<Clock, "now">,
) {
  const store = context?.store ?? memoryStore();
  const origin = `${options.name}:webhook`;
  const handle = async (request: IncomingMessage): Promise<Answer> => {
    const url = new URL(request.url ?? "/", "http://webhook");
    if (request.method === "GET") {
      const challenge = handshakeChallenge(url.searchParams, webhook.verifyToken);
      return challenge === null
        ? { status: 403, body: { error: "verification failed" } }
        : { status: 200, body: challenge };
    }
    if (request.method !== "POST") return { status: 405, body: { error: "GET or POST only" } };
    const max = webhook.maxBodyBytes ?? 1024 * 1024;
    const body = await readBody(request, max);
    if (body === null) return { status: 413, body: { error: `body larger than ${max} bytes` } };
    const signature = request.headers["x-hub-signature-256"];
    const header = Array.isArray(signature) ? signature[0] : signature;
    if (!verifyMetaSignature(header, body, webhook.appSecret))
      return { status: 401, body: { error: "missing or wrong X-Hub-Signature-256" } };
    // Meta signs no timestamp: a replayed (or retried) delivery is recognised by its signature.
    const deliveryKey = `delivery:${header?.slice(7)}`;
    if ((await store.get(deliveryKey)) !== null) return { status: 200, body: { status: "duplicate" } };
    const { events, summary } = notificationEvents(options, body.toString("utf8"), origin, clock.now());
    const ttl = (webhook.idempotencyHours ?? 24) * 3600;
    const outcome = await queue.deliver(events, webhook.ackTimeoutMs ?? 10_000, () => store.set(deliveryKey, "1", ttl));
    if (outcome !== "acknowledged") return { status: 503, body: { error: `not published (${outcome}); retry` } };
    return { status: 200, body: summary };
  };
  return (request: IncomingMessage, response: ServerResponse) => {
    handle(request).then(
      (answer) => respond(response, answer),
      () => respond(response, { status: 400, body: { error: "unreadable request" } }),
    );
  };
}

/**
 * The events of one signed notification: Mentions, removals (verb `remove` or `hide`, reason
 * the verb), edits (verb `edited`) and dead letters. They are delivered like the Mentions: Meta
 * is answered once the bus acknowledged them.
 */
export function notificationEvents(
  options: Pick<MetaOptions, "name">,
  text: string,
  origin: string,
  now: number,
): { events: SourceEvent[]; summary: Record<string, number> } {
  const summary = { mentions: 0, invalid: 0, removed: 0, edited: 0, ignored: 0 };
  const events: SourceEvent[] = [];
  const invalid = (position: number, errorCode: string, reason: string, raw: string) => {
    summary.invalid++;
    events.push({ type: "invalid", origin, position, raw: raw.slice(0, RAW_EXCERPT_CHARS), errorCode, reason });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    invalid(0, META_ERROR_CODES.badJson, "the notification is not JSON", text);
    return { events, summary };
  }
  const parsed = notification.safeParse(json);
  if (!parsed.success) {
    invalid(0, META_ERROR_CODES.badPayload, "expected {object, entry: [{id, time, changes}]}", text);
    return { events, summary };
  }
  const common = { source: options.name, now };
  let position = 0;
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      position++;
      const entryTime = entry.time * 1000;
      let outcome: ChangeOutcome | null = null;
      const schema =
        parsed.data.object === "page" && change.field === "feed"
          ? feedChange
          : parsed.data.object === "instagram" && (change.field === "comments" || change.field === "live_comments")
            ? instagramCommentChange
            : null;
      if (schema === null) {
        summary.ignored++;
        continue;
      }
      const value = schema.safeParse(change.value);
      if (!value.success) {
        invalid(
          position,
          META_ERROR_CODES.badPayload,
          `${parsed.data.object} ${change.field}: ${value.error.issues[0]?.message}`,
          JSON.stringify(change),
        );
        continue;
      }
      outcome =
        schema === feedChange
          ? fromFeedChange(common, value.data as z.infer<typeof feedChange>, entryTime)
          : fromInstagramCommentChange(common, value.data as z.infer<typeof instagramCommentChange>, entryTime);
      if ("mention" in outcome) {
        summary.mentions++;
        events.push({ type: "mention", mention: outcome.mention });
      } else if ("removal" in outcome) {
        summary.removed++;
        const { platform, id, reason, at } = outcome.removal;
        events.push(removalEvent(options.name, platform, id, reason, at));
      } else if ("edit" in outcome) {
        summary.edited++;
        const { platform, id, text, at } = outcome.edit;
        events.push(editEvent(options.name, platform, id, text, at));
      } else summary.ignored++;
    }
  }
  return { events, summary };
}

/** `simak sources check`: one authenticated request; null when it works, else the platform's own error. */
export async function checkMeta(
  options: Pick<
    MetaOptions,
    "name" | "pages" | "instagramAccounts" | "accessToken" | "apiVersion" | "baseUrl" | "timeoutMs"
  >,
  http: HttpClient,
): Promise<string | null> {
  const page = options.pages[0];
  const id = page ?? options.instagramAccounts[0];
  const fields = page ? "id,name" : "id,username";
  const url = `${options.baseUrl.replace(/\/$/, "")}/${options.apiVersion}/${id}?fields=${fields}`;
  const response = await http.request({
    url,
    source: options.name,
    headers: { authorization: `Bearer ${options.accessToken}` },
    timeoutMs: options.timeoutMs,
  });
  if (response.status < 400)
    return graphError(response.body) ? `${redactUrl(url)}: ${response.body.slice(0, 200)}` : null;
  const error = graphError(response.body);
  return `${redactUrl(url)}: HTTP ${response.status}${error ? `: (#${error.code}) ${error.message}` : `: ${response.body.slice(0, 200)}`}`;
}
