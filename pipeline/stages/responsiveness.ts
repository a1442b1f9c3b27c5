/**
 * The responsiveness stage: tagged mentions -> ClickHouse rows of items that ask an agency for an
 * answer (`responsiveness_items`) and of official answers (`responsiveness_answers`), by
 * processors/responsiveness. Each item's first answer, time to answer and status (open / answered /
 * overdue / closed) are read from them through `responsiveness_queue` (docs/analysts.md).
 *
 * Exactly once, simply: a row is a pure function of its mention, and both tables are
 * ReplacingMergeTree keyed by what the row is about ((agency, platform, item), (agency, platform,
 * thread, answer)) and read with FINAL. A batch's rows are inserted (with the other batches' of
 * the same half second) and acknowledged before its offsets are committed; a batch redelivered after a crash or a rebalance writes the same rows again,
 * which replace themselves. No state is kept between batches, so any number of instances may run and
 * a question and its answer may arrive in any order, on any partition.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { type AccountRegistry, openAccountFile } from "../../processors/accounts/index.js";
import {
  type AnswerItem,
  type AskedItem,
  loadResponsivenessClassifier,
  parseDailyHours,
  type TrackerOptions,
  track,
  type WorkingHours,
} from "../../processors/responsiveness/index.js";
import type { RecordBatch } from "../../runtime/bus/bus.js";
import type { SimakConfig } from "../../runtime/config.js";
import { decodeBatch, instrumented, type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import { contracts } from "../../schemas/contracts.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { keyedInserts } from "../../sinks/clickhouse/coalesced-insert.js";

const STAGE = "responsiveness";
const HOUR_MS = 3_600_000;
/** Mentions tracked between two turns of the event loop. */
const TRACKED_PER_TURN = 128;

export interface ResponsivenessStageOptions {
  groupId?: string;
  /** The official accounts; default: the watched file of config.process.accountsFile. */
  registry?: () => AccountRegistry | undefined;
}

/** Working hours per agency from the configuration (the zone per agency, else the default zone). */
export function workingHoursOf(config: SimakConfig["responsiveness"]): (agency: string) => WorkingHours {
  const daily = parseDailyHours(config.workingHours);
  const days = [...new Set(config.workingDays)].sort();
  return (agency) => ({ ...daily, days, timeZone: config.agencyTimezones[agency] ?? config.timezone });
}

export function itemRow(item: AskedItem) {
  return {
    agency: item.agency,
    platform: item.platform,
    item_id: item.itemId,
    thread_id: item.threadId,
    url: item.url,
    author_handle: item.authorHandle,
    text: item.text,
    kind: item.kind,
    probability: item.probability,
    addressed: item.addressed,
    asked_at: item.askedAt,
    due_at: item.dueAt,
    asked_day: item.askedDay,
    asked_week: item.askedWeek,
    time_zone: item.timeZone,
  };
}

export function answerRow(answer: AnswerItem) {
  return {
    agency: answer.agency,
    platform: answer.platform,
    thread_id: answer.threadId,
    answer_id: answer.answerId,
    answered_at: answer.answeredAt,
    account: answer.account,
  };
}

export async function startResponsivenessStage(
  ctx: PipelineContext,
  options: ResponsivenessStageOptions = {},
): Promise<StageHandle> {
  const { config, codec, metrics } = ctx;
  const storage = await ctx.storage();
  const source = topicName(config, "mentionsTagged");
  const deadLetters = topicName(config, "deadLetter");
  const producer = await ctx.bus.producer();
  let closeAccounts = () => {};
  let registry = options.registry;
  if (!registry) {
    const file = config.process.accountsFile;
    const accounts = await openAccountFile(file, {
      onError: (error) =>
        ctx.logger.error({ file, err: error }, "config file edit refused; the previous version stays in force"),
    });
    accounts.watch();
    closeAccounts = () => accounts.close();
    registry = () => accounts.current();
  }
  const classifier = loadResponsivenessClassifier();
  const tracker: TrackerOptions = {
    assess: (text) => classifier.assess(text),
    registry,
    workingHours: workingHoursOf(config.responsiveness),
    answerWithinMs: config.responsiveness.answerWithinHours * HOUR_MS,
  };

  const insertOf = keyedInserts(storage, metrics, STAGE);
  const itemRows = insertOf("responsiveness_items", 10_000);
  const answerRows = insertOf("responsiveness_answers", 10_000);

  const onBatch = async (batch: RecordBatch) => {
    const { values, failed } = await decodeBatch(ctx, STAGE, batch, (record) =>
      codec.decode<TaggedMention>(record.value, contracts.TaggedMention),
    );
    const asked: AskedItem[] = [];
    const answers: AnswerItem[] = [];
    for (const [i, value] of values.entries()) {
      // Classifying a whole batch in one go held the store process's event loop (the sink, the
      // aggregate stage and the dashboard share it) for hundreds of ms (bench:full's profile).
      if (i > 0 && i % TRACKED_PER_TURN === 0) await nextTurn();
      const tracked = track(value, tracker);
      asked.push(...tracked.asked);
      answers.push(...tracked.answers);
    }
    await Promise.all([
      asked.length > 0 ? itemRows.insert(asked.map(itemRow)) : undefined,
      answers.length > 0 ? answerRows.insert(answers.map(answerRow)) : undefined,
      producer.send(deadLetters, failed),
    ]);
    metrics.eventsOut.inc({ stage: STAGE, target: "responsiveness_items" }, asked.length);
    metrics.eventsOut.inc({ stage: STAGE, target: "responsiveness_answers" }, answers.length);
  };

  const consumer = await ctx.bus.consume({
    groupId: options.groupId ?? `${config.topicPrefix}simak-responsiveness`,
    topics: [source],
    onBatch: instrumented(ctx, STAGE, onBatch),
  });
  ctx.logger.info(
    { stage: STAGE, source, answerWithinHours: config.responsiveness.answerWithinHours },
    "stage started",
  );
  return {
    name: STAGE,
    healthy: () => consumer.healthy(),
    stop: async () => {
      await consumer.stop();
      await producer.close();
      closeAccounts();
    },
  };
}
