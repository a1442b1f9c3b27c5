/**
 * The engagement refresher: re-reads the counts of posts a source saw on a decaying schedule
 * (1, 5, 15 and 60 minutes after the post, then every 6 hours up to 7 days), in batched lookups a
 * platform provides, and yields an EngagementEvent only when a count changed. A post the lookup
 * reports gone (a 404, X's "Not Found Error") becomes a removal (`removalEvent`) and leaves the
 * schedule.
 *
 * An ingestor owns one: it calls `track` for each post it yields, and either calls `refresh` in
 * its own poll loop or merges `run` into its stream (`withRefresher`). The schedule (each post's
 * time, next step and last counts) is bounded (`maxPosts`, the oldest tracked go first) and
 * travels as a checkpoint of its own stream: the ingest stage stores it once the bus acknowledged
 * the events before it, and hands it back at the next start (`load`), so a restart neither loses
 * the schedule nor skips an event it had not published. Time is read through an injectable clock.
 */

import type { EngagementCounts, Platform } from "../schemas/types.generated.js";

export type { EngagementCounts } from "../schemas/types.generated.js";

import type { Clock } from "./http-client.js";
import { systemClock } from "./http-client.js";
import { removalEvent, type SourceEvent } from "./ingestor.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What a lookup found of one post; a post it says nothing about is tried again at its next step. */
export type LookupResult = { status: "found"; counts: EngagementCounts } | { status: "removed"; reason: string };

/** The platform's batched read of posts' counts (at most `batchSize` ids a call), e.g. X's GET /2/tweets?ids=. */
export type BatchedLookup = (
  postIds: readonly string[],
  signal: AbortSignal,
) => Promise<ReadonlyMap<string, LookupResult>>;

export interface RefreshSchedule {
  /** First refreshes, as times after the post. */
  steps: readonly number[];
  /** Then one at every multiple of this after the post (6 h: 6, 12, 18 hours)... */
  everyMs: number;
  /** ...until this long after the post. */
  untilMs: number;
}

export const DEFAULT_REFRESH_SCHEDULE: RefreshSchedule = {
  steps: [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR],
  everyMs: 6 * HOUR,
  untilMs: 7 * 24 * HOUR,
};

export interface EngagementRefresherOptions {
  /** The source (ingestor instance) name, stamped on its events. */
  source: string;
  platform: Platform;
  lookup: BatchedLookup;
  /** Ids per lookup call (X: 100, YouTube videos.list: 50, Graph API ?ids=: 50). */
  batchSize?: number;
  /** Posts tracked at most; tracking one more drops the one tracked first. */
  maxPosts?: number;
  schedule?: RefreshSchedule;
  /** Posts due within this long of a refresh are looked up with it, to fill batches. */
  coalesceMs?: number;
  /** After a lookup failed, its posts are tried again this much later. */
  retryMs?: number;
  /** The checkpoint stream holding the schedule. */
  stream?: string;
  clock?: Clock;
}

interface TrackedPost {
  publishedAt: number;
  /** When the next lookup is due. */
  dueAt: number;
  /** Last counts published (or seen when tracked); null: none yet. */
  counts: EngagementCounts | null;
}

/** A post in the checkpoint: [id, publishedAt, dueAt, likes, shares, replies, views, clicks] or [id, publishedAt, dueAt]. */
type StoredPost = [string, number, number, ...number[]];

const COUNT_NAMES = ["likes", "shares", "replies", "views", "clicks"] as const;

export class EngagementRefresher {
  private readonly posts = new Map<string, TrackedPost>();
  private readonly offsets: number[];
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly maxPosts: number;
  private readonly coalesceMs: number;
  private readonly retryMs: number;
  readonly stream: string;
  /** Lookups that failed (thrown), for the ingestor's health. */
  failures = 0;
  /** Resolves `run`'s wait while nothing is tracked. */
  private wake: (() => void) | null = null;

  constructor(private readonly options: EngagementRefresherOptions) {
    const schedule = options.schedule ?? DEFAULT_REFRESH_SCHEDULE;
    this.offsets = [...schedule.steps];
    const last = this.offsets.at(-1) ?? 0;
    // Then the multiples of everyMs after the last step: 6, 12, ... hours after the post.
    const firstEvery = (Math.floor(last / schedule.everyMs) + 1) * schedule.everyMs;
    for (let at = firstEvery; at <= schedule.untilMs; at += schedule.everyMs) this.offsets.push(at);
    this.clock = options.clock ?? systemClock;
    this.batchSize = options.batchSize ?? 100;
    this.maxPosts = options.maxPosts ?? 5000;
    this.coalesceMs = options.coalesceMs ?? 0;
    this.retryMs = options.retryMs ?? MINUTE;
    this.stream = options.stream ?? "engagement-refresh";
  }

  get size(): number {
    return this.posts.size;
  }

  /** Restores the schedule from the source's checkpoints (IngestContext.checkpoints). */
  load(checkpoints: ReadonlyMap<string, string>): void {
    const stored = checkpoints.get(this.stream);
    if (!stored) return;
    for (const [id, publishedAt, dueAt, ...counts] of JSON.parse(stored) as StoredPost[]) {
      this.posts.set(id, {
        publishedAt,
        dueAt,
        counts:
          counts.length === COUNT_NAMES.length
            ? {
                likes: counts[0] ?? 0,
                shares: counts[1] ?? 0,
                replies: counts[2] ?? 0,
                views: counts[3] ?? 0,
                clicks: counts[4] ?? 0,
              }
            : null,
      });
    }
  }

  /**
   * Follows a post from now on: `publishedAt` is its creation time, `counts` what the source
   * already published of it (a refresh finding the same publishes nothing). A post too old for
   * the schedule, or already tracked, is left as it is.
   */
  track(postId: string, publishedAt: number, counts: EngagementCounts | null = null): void {
    if (this.posts.has(postId)) return;
    const dueAt = this.nextDue(publishedAt, this.clock.now());
    if (dueAt === null) return;
    if (this.posts.size >= this.maxPosts) {
      const first = this.posts.keys().next();
      if (!first.done) this.posts.delete(first.value);
    }
    this.posts.set(postId, { publishedAt, dueAt, counts });
    this.wake?.();
  }

  /** Whether the post is followed (a source may treat a post it follows as one it published). */
  has(postId: string): boolean {
    return this.posts.has(postId);
  }

  /**
   * The source read a post's counts itself (a poll that lists posts with their counts): for a
   * tracked post they become its last counts, and the answer says whether they differ from the
   * last ones (the source then publishes an EngagementEvent, the refresher does not again).
   * Undefined for a post not tracked: its counts are the source's own business.
   */
  observe(postId: string, counts: EngagementCounts): boolean | undefined {
    const post = this.posts.get(postId);
    if (!post) return undefined;
    const changed = !post.counts || COUNT_NAMES.some((name) => post.counts?.[name] !== counts[name]);
    post.counts = { ...counts };
    return changed;
  }

  /** Stops following a post (the source itself found it removed). */
  forget(postId: string): void {
    this.posts.delete(postId);
  }

  /** When the next lookup is due, or null when no post is tracked. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const post of this.posts.values()) if (next === null || post.dueAt < next) next = post.dueAt;
    return next;
  }

  /**
   * Looks up every post due now (and within `coalesceMs`), in batches, and returns the events:
   * an engagement snapshot for each post whose counts changed, a removal for each post gone, and
   * the schedule's checkpoint last (stored once the bus acknowledged the events before it).
   * Nothing due: no events.
   */
  async refresh(signal: AbortSignal): Promise<SourceEvent[]> {
    const now = this.clock.now();
    const due = [...this.posts].filter(([, post]) => post.dueAt <= now + this.coalesceMs).map(([id]) => id);
    if (due.length === 0) return [];
    const events: SourceEvent[] = [];
    for (let i = 0; i < due.length; i += this.batchSize) {
      const ids = due.slice(i, i + this.batchSize);
      let found: ReadonlyMap<string, LookupResult>;
      try {
        found = await this.options.lookup(ids, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        this.failures++;
        for (const id of ids) {
          const post = this.posts.get(id);
          if (post) post.dueAt = now + this.retryMs;
        }
        continue;
      }
      const at = this.clock.now();
      for (const id of ids) {
        const post = this.posts.get(id);
        if (!post) continue;
        const result = found.get(id);
        if (result?.status === "removed") {
          this.posts.delete(id);
          events.push(removalEvent(this.options.source, this.options.platform, id, result.reason, at));
          continue;
        }
        if (result?.status === "found") {
          if (!post.counts || COUNT_NAMES.some((name) => post.counts?.[name] !== result.counts[name])) {
            events.push({
              type: "engagement",
              engagement: {
                platform: this.options.platform,
                postId: id,
                eventTime: at,
                ...result.counts,
                source: this.options.source,
              },
            });
          }
          post.counts = { ...result.counts };
        }
        // From the lookup's end: a lookup that waited (a paused budget) skips the steps it missed.
        const next = this.nextDue(post.publishedAt, Math.max(at, post.dueAt));
        if (next === null) this.posts.delete(id);
        else post.dueAt = next;
      }
    }
    events.push(this.checkpointEvent());
    return events;
  }

  /** The schedule as a checkpoint event (a poller yields it after its own, so counts it observed are kept). */
  checkpointEvent(): SourceEvent {
    return { type: "checkpoint", stream: this.stream, value: this.checkpoint() };
  }

  /**
   * Refreshes whenever posts are due, until `signal` aborts; between refreshes it sleeps at most
   * `idleMs`, so posts tracked meanwhile are looked up on time. With nothing tracked it waits for
   * the first `track` (not on the clock: a test clock's sleeps would move time for the source too).
   */
  async *run(signal: AbortSignal, idleMs = MINUTE): AsyncIterable<SourceEvent> {
    while (!signal.aborted) {
      const next = this.nextDueAt();
      if (next === null) {
        await this.tracked(signal);
        continue;
      }
      const wait = Math.min(idleMs, next - this.coalesceMs - this.clock.now());
      if (wait > 0) {
        try {
          await this.clock.sleep(wait, signal);
        } catch {
          return;
        }
        continue;
      }
      try {
        yield* await this.refresh(signal);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
    }
  }

  /** Resolves at the next `track`, or when `signal` aborts. */
  private tracked(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        this.wake = null;
        resolve();
      };
      this.wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** The first step due after `after` for a post published at `publishedAt`, or null past the schedule. */
  private nextDue(publishedAt: number, after: number): number | null {
    for (const offset of this.offsets) if (publishedAt + offset > after) return publishedAt + offset;
    return null;
  }

  private checkpoint(): string {
    const stored: StoredPost[] = [];
    for (const [id, post] of this.posts) {
      const counts = post.counts ? COUNT_NAMES.map((name) => post.counts?.[name] ?? 0) : [];
      stored.push([id, post.publishedAt, post.dueAt, ...counts]);
    }
    return JSON.stringify(stored);
  }
}

/**
 * The source's own events and the refresher's, merged as they come: for a source whose stream
 * does not return between items (a filtered stream, a webhook), so refreshes need no poll loop.
 * Ends when the source's events end.
 */
export async function* withRefresher(
  events: AsyncIterable<SourceEvent>,
  refresher: EngagementRefresher,
  signal: AbortSignal,
): AsyncIterable<SourceEvent> {
  const stop = new AbortController();
  const stopBoth = () => stop.abort();
  signal.addEventListener("abort", stopBoth, { once: true });
  const sources = [events[Symbol.asyncIterator](), refresher.run(stop.signal)[Symbol.asyncIterator]()];
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<SourceEvent> }>>();
  const pull = (index: number) => {
    const source = sources[index] as AsyncIterator<SourceEvent>;
    pending.set(
      index,
      source.next().then((result) => ({ index, result })),
    );
  };
  pull(0);
  pull(1);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      pending.delete(index);
      if (result.done) {
        // The source ended: the refresher stops with it.
        if (index === 0) break;
        continue;
      }
      yield result.value;
      pull(index);
    }
  } finally {
    stop.abort();
    signal.removeEventListener("abort", stopBoth);
    // Not awaited: a source still waiting for its next event ends when the stage's signal aborts.
    for (const source of sources) source.return?.().catch(() => undefined);
  }
}
