/**
 * The ingest stage: runs one or more sources (ingestors), encodes their events and produces them
 * to the raw topics keyed by post, in small batches that each wait for the bus's acknowledgement.
 * Inputs a source could not parse go to the dead-letter topic with their reason.
 *
 * Checkpoints a source yields are stored in the state store only after the bus acknowledged the
 * batch holding everything yielded before them (flushes are chained, so earlier batches are
 * acknowledged too), and handed back to the source when it starts again. Receipts of push sources
 * are answered at the same moment. A source that polls a cursor (`exclusive`) runs only while this
 * instance holds its lease, so two instances never advance the same cursor.
 *
 * A produce that fails (a broker failover, a leader election) is retried with the same batch after
 * a capped exponential backoff with jitter, so nothing is lost; a retry after a partly acknowledged
 * send produces some records twice, which the process stage drops by their key. After
 * `ingest.maxProduceFailures` failures in a row the stage gives up: `finished` rejects, the stage
 * reports unhealthy and every source is stopped (the CLI then exits non-zero).
 */

import type { OutgoingRecord } from "../../runtime/bus/bus.js";
import { deadLetter, encodeFor, type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import { HttpClient } from "../../runtime/http-client.js";
import type { Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import { type Backoff, backoffDelay, sleep } from "../../runtime/retry.js";
import { Lease } from "../../runtime/state/lease.js";
import { postKey } from "../../schemas/topics.js";
import {
  readCheckpoints,
  SOURCE_STATE_TTL_SECONDS,
  type SourceStatus,
  sourceKeys,
  sourceStore,
  writeCheckpoints,
} from "./source-state.js";

const STAGE = "ingest";
const MAX_BATCH_EVENTS = 1000;
const MAX_BATCH_DELAY_MS = 20;
/** A source's status is written at most this often. */
const STATUS_INTERVAL_MS = 2000;
export const PRODUCE_BACKOFF: Backoff = { initialMs: 200, maxMs: 10_000, factor: 2, jitter: 0.5 };

type Counts = { mentions: number; engagement: number; web: number; invalid: number };

export interface IngestStageOptions {
  /** The HTTP client the sources share; by default one reporting to the stage's metrics. */
  http?: HttpClient;
  /** Lease duration for exclusive sources, ms; default `ingest.sourceLeaseSeconds`. */
  leaseTtlMs?: number;
  /** Delays between retries of a failed produce (tests shorten them). */
  backoff?: Backoff;
}

export interface IngestStageHandle extends StageHandle {
  /** Resolves when every source is exhausted and everything it produced is acknowledged. */
  readonly finished: Promise<Counts>;
  /**
   * Runs this set of sources from now on (after the sources file changed): missing ones stop, the
   * others restart from their checkpoints, except those named in `unchanged`, which go on.
   */
  replaceSources(ingestors: readonly Ingestor[], unchanged?: ReadonlySet<string>): Promise<void>;
}

type MinuteCounts = { items: number; invalid: number; requestErrors: number; rateLimitedMs: number };

/** Per-source bookkeeping between batches: status and metrics. */
class SourceTracker {
  newestEventTime: number | null = null;
  lastItemAt: number | null = null;
  rateLimitedUntil: number | null = null;
  private readonly minutes = new Map<number, MinuteCounts>();
  private statusWrittenAt = 0;

  record(kind: "item" | "invalid", now: number): void {
    const bucket = this.bucket(now);
    if (kind === "item") bucket.items++;
    else bucket.invalid++;
  }

  /** A request that failed for good (a network error) or was answered with an error status. */
  recordRequestError(now: number): void {
    this.bucket(now).requestErrors++;
  }

  recordRateLimited(now: number, waitMs: number): void {
    this.bucket(now).rateLimitedMs += waitMs;
  }

  private bucket(now: number): MinuteCounts {
    const minute = Math.floor(now / 60_000);
    let bucket = this.minutes.get(minute);
    if (!bucket) {
      bucket = { items: 0, invalid: 0, requestErrors: 0, rateLimitedMs: 0 };
      this.minutes.set(minute, bucket);
    }
    return bucket;
  }

  /** The status to write now, or null when one was written less than STATUS_INTERVAL_MS ago. */
  status(now: number, force: boolean): SourceStatus | null {
    if (!force && now - this.statusWrittenAt < STATUS_INTERVAL_MS) return null;
    this.statusWrittenAt = now;
    const since = Math.floor(now / 60_000) - 60;
    let itemsLastHour = 0;
    let invalidLastHour = 0;
    let requestErrorsLastHour = 0;
    let rateLimitedMs = 0;
    for (const [minute, bucket] of this.minutes) {
      if (minute <= since) this.minutes.delete(minute);
      else {
        itemsLastHour += bucket.items;
        invalidLastHour += bucket.invalid;
        requestErrorsLastHour += bucket.requestErrors;
        rateLimitedMs += bucket.rateLimitedMs;
      }
    }
    return {
      updatedAt: now,
      lastItemAt: this.lastItemAt,
      newestEventTime: this.newestEventTime,
      itemsLastHour,
      invalidLastHour,
      requestErrorsLastHour,
      rateLimitedSecondsLastHour: Math.round(rateLimitedMs / 1000),
      rateLimitedUntil: this.rateLimitedUntil !== null && this.rateLimitedUntil > now ? this.rateLimitedUntil : null,
    };
  }
}

function eventTimeOf(event: SourceEvent): number | null {
  if (event.type === "mention") return event.mention.eventTime;
  if (event.type === "engagement") return event.engagement.eventTime;
  if (event.type === "web") return event.web.eventTime;
  // A removal's time is when the platform reported it, not how far behind the source is.
  return null;
}

export async function startIngestStage(
  ctx: PipelineContext,
  sources: Ingestor | readonly Ingestor[],
  options: IngestStageOptions = {},
): Promise<IngestStageHandle> {
  const { metrics, logger, config } = ctx;
  const prefix = config.topicPrefix;
  const backoff = options.backoff ?? PRODUCE_BACKOFF;
  const { maxProduceFailures } = config.ingest;
  const topics = {
    mentions: topicName(config, "mentionsRaw"),
    engagement: topicName(config, "engagementRaw"),
    web: topicName(config, "webRaw"),
    changes: topicName(config, "mentionChanges"),
    deadLetter: topicName(config, "deadLetter"),
  };
  const producer = await ctx.bus.producer();
  const counts: Counts = { mentions: 0, engagement: 0, web: 0, invalid: 0 };
  const trackers = new Map<string, SourceTracker>();
  const tracker = (source: string) => {
    let found = trackers.get(source);
    if (!found) {
      found = new SourceTracker();
      trackers.set(source, found);
    }
    return found;
  };
  const http =
    options.http ??
    new HttpClient({
      onResponse: (source, status) => {
        metrics.ingestRequests.inc({ source, status });
        // 429s are rate limits (counted in seconds waited), not errors; 304 is a fresh feed.
        if (status === "error" || (Number(status) >= 400 && status !== "429"))
          tracker(source).recordRequestError(Date.now());
      },
      onRateLimited: (source, waitMs, until) => {
        metrics.ingestRateLimitedSeconds.inc({ source }, waitMs / 1000);
        const track = tracker(source);
        track.recordRateLimited(Date.now(), waitMs);
        track.rateLimitedUntil = until;
        logger.warn({ stage: STAGE, source, until: new Date(until).toISOString() }, "source waits for a rate limit");
        // A waiting source produces nothing that would carry its status: `simak sources list` shows the wait now.
        const status = track.status(Date.now(), true);
        ctx.state
          .setMany(
            [{ key: sourceKeys(prefix, source).status, value: JSON.stringify(status) }],
            SOURCE_STATE_TTL_SECONDS,
          )
          .catch((error: Error) => logger.warn({ err: error, source }, "could not store the source's status"));
      },
    });
  let healthy = true;

  const emptyBatch = () => ({
    mentions: [] as OutgoingRecord[],
    engagement: [] as OutgoingRecord[],
    web: [] as OutgoingRecord[],
    changes: [] as OutgoingRecord[],
    invalid: [] as OutgoingRecord[],
    checkpoints: new Map<string, Map<string, string>>(),
    receipts: [] as ((error?: Error) => void)[],
    /** Sources with items (or dead letters) in this batch. */
    itemSources: new Set<string>(),
  });
  let pending = emptyBatch();
  let size = 0;
  let batchStarted = 0;
  // Flushes are chained so that batches reach the bus in the order the sources produced them, and
  // a checkpoint is stored only once every earlier batch is acknowledged.
  let flushed = Promise.resolve();
  const flush = () => {
    flushed = flushed.then(send);
    return flushed;
  };
  /** Sends the batch, again after each failure, until it is acknowledged or the failures run out. */
  const produce = async (batch: ReturnType<typeof emptyBatch>) => {
    for (let failures = 1; ; failures++) {
      try {
        await producer.sendMany([
          { topic: topics.mentions, records: batch.mentions },
          { topic: topics.engagement, records: batch.engagement },
          { topic: topics.web, records: batch.web },
          { topic: topics.changes, records: batch.changes },
          { topic: topics.deadLetter, records: batch.invalid },
        ]);
        return;
      } catch (error) {
        metrics.errors.inc({ stage: STAGE, code: "PRODUCE_FAILED" });
        if (failures >= maxProduceFailures) {
          for (const runner of runners.values()) runner.abort.abort();
          throw new Error(`produce failed ${failures} times in a row; giving up: ${(error as Error).message}`, {
            cause: error,
          });
        }
        const retryInMs = backoffDelay(failures, backoff);
        logger.warn({ stage: STAGE, err: error, failures, retryInMs }, "produce failed; retrying the batch");
        await sleep(retryInMs);
      }
    }
  };
  const send = async () => {
    const batch = pending;
    if (size === 0 && batch.checkpoints.size === 0 && batch.receipts.length === 0) return;
    pending = emptyBatch();
    size = 0;
    if (batch.itemSources.size > 0) {
      const timer = metrics.batchSeconds.startTimer({ stage: STAGE });
      try {
        await produce(batch);
      } catch (error) {
        for (const done of batch.receipts) done(error as Error);
        throw error;
      }
      timer();
      metrics.eventsOut.inc({ stage: STAGE, target: topics.mentions }, batch.mentions.length);
      metrics.eventsOut.inc({ stage: STAGE, target: topics.engagement }, batch.engagement.length);
      metrics.eventsOut.inc({ stage: STAGE, target: topics.web }, batch.web.length);
      metrics.eventsOut.inc({ stage: STAGE, target: topics.changes }, batch.changes.length);
    }
    for (const done of batch.receipts) done();
    const now = Date.now();
    for (const source of batch.itemSources) tracker(source).lastItemAt = now;
    // The batch is acknowledged: a state store that fails now (Redis hung or down) must not stop
    // the stage. A checkpoint not stored means a restart resumes from the one before (at-least-once,
    // the process stage drops what it already emitted); a status not stored is written next time.
    try {
      for (const [source, checkpoints] of batch.checkpoints)
        await writeCheckpoints(ctx.state, prefix, source, checkpoints);
      const touched = new Set([...batch.itemSources, ...batch.checkpoints.keys()]);
      const statuses = [...touched].flatMap((source) => {
        const status = tracker(source).status(now, batch.checkpoints.has(source));
        return status ? [{ key: sourceKeys(prefix, source).status, value: JSON.stringify(status) }] : [];
      });
      if (statuses.length > 0) await ctx.state.setMany(statuses, SOURCE_STATE_TTL_SECONDS);
    } catch (error) {
      metrics.errors.inc({ stage: STAGE, code: "STATE_WRITE_FAILED" });
      logger.warn({ stage: STAGE, err: error }, "could not store checkpoints or source status; going on");
    }
  };

  const accept = (source: string, event: SourceEvent) => {
    if (event.type === "checkpoint") {
      let checkpoints = pending.checkpoints.get(source);
      if (!checkpoints) {
        checkpoints = new Map();
        pending.checkpoints.set(source, checkpoints);
      }
      checkpoints.set(event.stream, event.value);
      return;
    }
    if (event.type === "receipt") {
      pending.receipts.push(event.done);
      return;
    }
    metrics.eventsIn.inc({ stage: STAGE, topic: source });
    if (size === 0) batchStarted = Date.now();
    const track = tracker(source);
    pending.itemSources.add(source);
    if (event.type === "mention") {
      const { mention } = event;
      pending.mentions.push(encodeFor(ctx, "mentionsRaw", postKey(mention.platform, mention.id), mention));
      counts.mentions++;
    } else if (event.type === "engagement") {
      const { engagement } = event;
      pending.engagement.push(
        encodeFor(ctx, "engagementRaw", postKey(engagement.platform, engagement.postId), engagement),
      );
      counts.engagement++;
    } else if (event.type === "web") {
      const { web } = event;
      pending.web.push(encodeFor(ctx, "webRaw", `${web.site}:${web.id}`, web));
      counts.web++;
    } else if (event.type === "change") {
      const { change } = event;
      // Not in the stage's counts (the replay CLI prints them): ingestItems{kind="change"} counts them.
      pending.changes.push(encodeFor(ctx, "mentionChanges", postKey(change.platform, change.postId), change));
    } else {
      pending.invalid.push(
        deadLetter(ctx, {
          stage: STAGE,
          sourceTopic: event.origin,
          partition: 0,
          offset: event.position,
          key: Buffer.from(source),
          value: Buffer.from(event.raw),
          errorCode: event.errorCode,
          reason: event.reason,
        }),
      );
      counts.invalid++;
    }
    const kind = event.type === "invalid" ? "invalid" : "item";
    track.record(kind, Date.now());
    metrics.ingestItems.inc({ source, kind: event.type });
    const eventTime = eventTimeOf(event);
    if (eventTime !== null && (track.newestEventTime === null || eventTime > track.newestEventTime)) {
      track.newestEventTime = eventTime;
      metrics.ingestLag.set({ source }, (Date.now() - eventTime) / 1000);
    }
    size++;
  };

  /** One source: while it may run (its lease, when exclusive), from its stored checkpoints. */
  const runSource = async (ingestor: Ingestor, signal: AbortSignal) => {
    const leaseTtlMs = options.leaseTtlMs ?? config.ingest.sourceLeaseSeconds * 1000;
    const lease = ingestor.exclusive
      ? new Lease({
          store: ctx.state,
          key: sourceKeys(prefix, ingestor.name).lease,
          ttlMs: leaseTtlMs,
          job: `ingest:${ingestor.name}`,
          gauge: metrics.leader,
        })
      : undefined;
    try {
      while (!signal.aborted) {
        // The state store unreachable: stand by and ask again, as when another instance holds it.
        const held = lease
          ? await lease.hold().catch((error: Error) => {
              logger.warn({ err: error, stage: STAGE, source: ingestor.name }, "could not ask for the source's lease");
              return false;
            })
          : true;
        if (!held) {
          await pause(leaseTtlMs / 3, signal);
          continue;
        }
        const running = new AbortController();
        const stopRunning = () => running.abort();
        signal.addEventListener("abort", stopRunning, { once: true });
        // Extends the lease while the source runs; losing it (a long stall) stops the source here.
        const keeper = lease
          ? setInterval(() => {
              lease.hold().then(
                (held) => {
                  if (!held) {
                    logger.warn({ stage: STAGE, source: ingestor.name }, "lost the source's lease; standing by");
                    running.abort();
                  }
                },
                () => running.abort(),
              );
            }, leaseTtlMs / 3)
          : undefined;
        try {
          const checkpoints = await readCheckpoints(ctx.state, prefix, ingestor.name);
          const context = {
            checkpoints,
            http,
            store: sourceStore(ctx.state, prefix, ingestor.name),
            reconnected: () => metrics.ingestReconnects.inc({ source: ingestor.name }),
          };
          for await (const event of ingestor.events(running.signal, context)) {
            accept(ingestor.name, event);
            if (size >= MAX_BATCH_EVENTS || Date.now() - batchStarted >= MAX_BATCH_DELAY_MS || event.type === "receipt")
              await flush();
            if (running.signal.aborted) break;
          }
        } finally {
          if (keeper) clearInterval(keeper);
          signal.removeEventListener("abort", stopRunning);
        }
        await flush();
        // Ended by itself (a bounded source) rather than by losing the lease or a stop: done.
        if (!running.signal.aborted) break;
      }
    } finally {
      await lease?.release().catch(() => undefined);
    }
  };

  const runners = new Map<string, { abort: AbortController; done: Promise<void> }>();
  const start = (ingestor: Ingestor) => {
    const abort = new AbortController();
    const done = runSource(ingestor, abort.signal).catch((error: Error) => {
      healthy = false;
      metrics.errors.inc({ stage: STAGE, code: "INGEST_FAILED" });
      logger.error({ err: error, stage: STAGE, source: ingestor.name }, "source failed");
      throw error;
    });
    runners.set(ingestor.name, { abort, done });
    logger.info({ stage: STAGE, source: ingestor.name, topics }, "source started");
  };
  const stopSource = async (name: string) => {
    const runner = runners.get(name);
    if (!runner) return;
    runners.delete(name);
    runner.abort.abort();
    await runner.done.catch(() => undefined);
  };

  const initial = Array.isArray(sources) ? sources : [sources as Ingestor];
  for (const ingestor of initial) start(ingestor);
  const finished = (async () => {
    // Sources replaced meanwhile join the wait: finished means every current source is done.
    for (;;) {
      const current = [...runners.values()].map((runner) => runner.done);
      await Promise.all(current);
      if ([...runners.values()].every((runner) => current.includes(runner.done))) break;
    }
    await flush();
    logger.info({ stage: STAGE, ...counts }, "ingestor finished");
    return { ...counts };
  })();
  finished.catch(() => undefined);

  // A paced source may wait a long time for its next event; flush what is buffered meanwhile, and
  // keep each source's lag current (it grows while a source is silent).
  const idleFlush = setInterval(() => {
    if (size > 0 && Date.now() - batchStarted >= MAX_BATCH_DELAY_MS) {
      flush().catch((error: Error) => logger.error({ err: error }, "ingest flush failed"));
    }
    for (const [source, track] of trackers)
      if (track.newestEventTime !== null)
        metrics.ingestLag.set({ source }, (Date.now() - track.newestEventTime) / 1000);
  }, MAX_BATCH_DELAY_MS);
  finished.finally(() => clearInterval(idleFlush)).catch(() => undefined);

  return {
    name: STAGE,
    finished,
    healthy: () => healthy,
    replaceSources: async (ingestors, unchanged = new Set()) => {
      const names = new Set(ingestors.map((ingestor) => ingestor.name));
      for (const name of [...runners.keys()]) if (!names.has(name)) await stopSource(name);
      for (const ingestor of ingestors) {
        if (unchanged.has(ingestor.name) && runners.has(ingestor.name)) continue;
        await stopSource(ingestor.name);
        start(ingestor);
      }
    },
    stop: async () => {
      for (const name of [...runners.keys()]) await stopSource(name);
      clearInterval(idleFlush);
      await flush().catch(() => undefined);
      await producer.close();
    },
  };
}

/** Waits `ms` or until `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
