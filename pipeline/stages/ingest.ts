/**
 * The ingest stage: pulls events from one ingestor, encodes them and produces them to the raw
 * topics keyed by post, in small batches that each wait for the bus's acknowledgement. Inputs the
 * ingestor could not parse go to the dead-letter topic with their reason.
 *
 * A produce that fails (a broker failover, a leader election) is retried with the same batch after
 * a capped exponential backoff with jitter, so nothing is lost; a retry after a partly acknowledged
 * send produces some records twice, which the process stage drops by their key. After
 * `ingest.maxProduceFailures` failures in a row the stage gives up: `finished` rejects, the stage
 * reports unhealthy and the ingestor is stopped (the CLI then exits non-zero).
 */

import type { OutgoingRecord } from "../../runtime/bus/bus.js";
import { deadLetter, encodeFor, type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import type { Ingestor } from "../../runtime/ingestor.js";
import { type Backoff, backoffDelay, sleep } from "../../runtime/retry.js";
import { postKey } from "../../schemas/topics.js";

const STAGE = "ingest";
const MAX_BATCH_EVENTS = 1000;
const MAX_BATCH_DELAY_MS = 20;
export const PRODUCE_BACKOFF: Backoff = { initialMs: 200, maxMs: 10_000, factor: 2, jitter: 0.5 };

export interface IngestStageOptions {
  /** Delays between retries of a failed produce (tests shorten them). */
  backoff?: Backoff;
}

export interface IngestStageHandle extends StageHandle {
  /** Resolves when the ingestor is exhausted and everything it produced is acknowledged. */
  readonly finished: Promise<{ mentions: number; engagement: number; web: number; invalid: number }>;
}

export async function startIngestStage(
  ctx: PipelineContext,
  ingestor: Ingestor,
  options: IngestStageOptions = {},
): Promise<IngestStageHandle> {
  const { metrics, logger } = ctx;
  const backoff = options.backoff ?? PRODUCE_BACKOFF;
  const { maxProduceFailures } = ctx.config.ingest;
  const topics = {
    mentions: topicName(ctx.config, "mentionsRaw"),
    engagement: topicName(ctx.config, "engagementRaw"),
    web: topicName(ctx.config, "webRaw"),
    deadLetter: topicName(ctx.config, "deadLetter"),
  };
  const producer = await ctx.bus.producer();
  const abort = new AbortController();
  const counts = { mentions: 0, engagement: 0, web: 0, invalid: 0 };
  let healthy = true;

  let pending = {
    mentions: [] as OutgoingRecord[],
    engagement: [] as OutgoingRecord[],
    web: [] as OutgoingRecord[],
    invalid: [] as OutgoingRecord[],
  };
  let size = 0;
  let batchStarted = 0;
  // Flushes are chained so that batches reach the bus in the order the ingestor produced them. A
  // batch that cannot be produced after every retry fails this chain for good, and the stage.
  let flushed = Promise.resolve();
  const flush = () => {
    flushed = flushed.then(send);
    return flushed;
  };
  /** Sends the batch, again after each failure, until it is acknowledged or the failures run out. */
  const produce = async (batch: typeof pending) => {
    for (let failures = 1; ; failures++) {
      try {
        await producer.sendMany([
          { topic: topics.mentions, records: batch.mentions },
          { topic: topics.engagement, records: batch.engagement },
          { topic: topics.web, records: batch.web },
          { topic: topics.deadLetter, records: batch.invalid },
        ]);
        return;
      } catch (error) {
        metrics.errors.inc({ stage: STAGE, code: "PRODUCE_FAILED" });
        if (failures >= maxProduceFailures) {
          abort.abort();
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
    if (size === 0) return;
    const batch = pending;
    pending = { mentions: [], engagement: [], web: [], invalid: [] };
    size = 0;
    const timer = metrics.batchSeconds.startTimer({ stage: STAGE });
    await produce(batch);
    timer();
    metrics.eventsOut.inc({ stage: STAGE, target: topics.mentions }, batch.mentions.length);
    metrics.eventsOut.inc({ stage: STAGE, target: topics.engagement }, batch.engagement.length);
    metrics.eventsOut.inc({ stage: STAGE, target: topics.web }, batch.web.length);
  };

  const run = async () => {
    for await (const event of ingestor.events(abort.signal)) {
      metrics.eventsIn.inc({ stage: STAGE, topic: ingestor.name });
      if (size === 0) batchStarted = Date.now();
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
      } else {
        pending.invalid.push(
          deadLetter(ctx, {
            stage: STAGE,
            sourceTopic: event.origin,
            partition: 0,
            offset: event.position,
            key: null,
            value: Buffer.from(event.raw),
            errorCode: event.errorCode,
            reason: event.reason,
          }),
        );
        counts.invalid++;
      }
      size++;
      if (size >= MAX_BATCH_EVENTS || Date.now() - batchStarted >= MAX_BATCH_DELAY_MS) await flush();
      if (abort.signal.aborted) break;
    }
    await flush();
    logger.info({ stage: STAGE, source: ingestor.name, ...counts }, "ingestor finished");
    return { ...counts };
  };

  // A paced source may wait a long time for its next event; flush what is buffered meanwhile.
  const idleFlush = setInterval(() => {
    // A failure here fails the chain: the run's next flush reports it.
    if (size > 0 && Date.now() - batchStarted >= MAX_BATCH_DELAY_MS) flush().catch(() => undefined);
  }, MAX_BATCH_DELAY_MS);
  const finished = run()
    .catch((error: Error) => {
      healthy = false;
      metrics.errors.inc({ stage: STAGE, code: "INGEST_FAILED" });
      logger.error({ err: error, stage: STAGE }, "ingestor failed");
      throw error;
    })
    .finally(() => clearInterval(idleFlush));
  finished.catch(() => undefined);

  logger.info({ stage: STAGE, source: ingestor.name, topics }, "stage started");
  return {
    name: STAGE,
    finished,
    healthy: () => healthy,
    stop: async () => {
      abort.abort();
      await finished.catch(() => undefined);
      await producer.close();
    },
  };
}
