/**
 * The issues stage: tagged mentions -> one row in ClickHouse `issue_mentions` with the post's terms
 * (processors/issues) and the scopes it counts in (each agency and monitoring query it matched;
 * the view `issue_posts` gives a row per scope), rolled up into hourly term counts
 * (`issue_terms_hourly`) once an hour is a baseline (issue-terms-hourly.ts); and, once a minute of
 * event time is complete, the issues of the window ending there for every scope (`issue_windows`,
 * read through `issues_hourly` and `rising_issues`; docs/analysts.md).
 *
 * Exactly once, simply: a post row is a pure function of its mention, keyed by (minute, platform,
 * id) in a ReplacingMergeTree read with FINAL, and the hourly counts are sets of post ids
 * (uniqExact states), so a batch redelivered after a crash or a rebalance, or a mention published
 * twice, adds nothing. A batch's rows are acknowledged before its partition's watermark (the latest
 * event time stored, `issue_watermarks`) moves, and both before its offsets are committed.
 *
 * Evaluation reads only ClickHouse: a window is evaluated when every known partition's watermark
 * is `latenessMs` past its end, from the stored posts and hourly counts, and the last evaluated
 * window is stored (`issue_progress`) after its issues. The same stored data give the same issues,
 * so a stage killed and restarted, or several instances evaluating the same window, write the same
 * rows, which replace themselves. A partition that has stored nothing yet does not hold evaluation
 * back (it is not known), and one that stops receiving mentions holds it back until it does: with
 * the simulator and real traffic every partition of the tagged topic receives mentions every minute.
 */
import {
  type Baseline,
  DEFAULT_ISSUE_PARAMETERS,
  detectIssues,
  type Issue,
  postTerms,
  supportedTerms,
  windowBounds,
} from "../../processors/issues/index.js";
import { scopesOf } from "../../processors/windows/index.js";
import type { RecordBatch } from "../../runtime/bus/bus.js";
import { decodeBatch, instrumented, type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import { contracts } from "../../schemas/contracts.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { keyedInserts } from "../../sinks/clickhouse/coalesced-insert.js";
import { IssueTermsHourly } from "./issue-terms-hourly.js";
import { IssueWindowPosts } from "./issue-window-posts.js";

const STAGE = "issues";
const MINUTE_MS = 60_000;
/** Minutes evaluated per round at most, so that a stage catching up still stops promptly. */
const MINUTES_PER_ROUND = 30;
const PROGRESS = "issues";

export interface IssuesStageOptions {
  groupId?: string;
}

/** The mention's `issue_mentions` row: its terms and the scopes it counts in; null when it matches none. */
export function issueMentionRow(item: TaggedMention) {
  // Per agency and per query; "all" has no history of its own worth comparing with.
  const scopes = scopesOf(item).filter(({ kind }) => kind !== "all");
  if (scopes.length === 0) return null;
  const { mention, tags } = item;
  return {
    minute: Math.floor(mention.eventTime / MINUTE_MS) * 60,
    platform: mention.platform,
    mention_id: mention.id,
    event_time: mention.eventTime,
    terms: postTerms(mention.text, mention.hashtags),
    sentiment: tags.sentiment?.label ?? "unknown",
    scope_kinds: scopes.map((scope) => scope.kind),
    scopes: scopes.map((scope) => scope.id),
    agencies: scopes.map((scope) => scope.agency),
  };
}

/** The rows of `issue_mentions` for the mentions that match a scope. */
export function issueMentionRows(items: readonly TaggedMention[]) {
  return items.map(issueMentionRow).filter((row) => row !== null);
}

export function issueWindowRows(
  scope: { kind: string; id: string; agency: string },
  windowEnd: number,
  windowMinutes: number,
  issues: readonly Issue[],
  windowPosts: number,
  baselinePosts: number,
) {
  return issues.map((issue, rank) => ({
    scope_kind: scope.kind,
    scope: scope.id,
    agency: scope.agency,
    window_end: windowEnd / 1000,
    window_minutes: windowMinutes,
    issue_key: issue.key,
    rank: rank + 1,
    label: issue.label,
    terms: issue.terms.map(({ term }) => term),
    term_posts: issue.terms.map(({ count }) => count),
    term_baseline_posts: issue.terms.map(({ baseline }) => baseline),
    term_scores: issue.terms.map(({ score }) => score),
    volume: issue.volume,
    negative: issue.sentiment.negative,
    neutral: issue.sentiment.neutral,
    positive: issue.sentiment.positive,
    unknown: issue.sentiment.unknown,
    growth: issue.growth,
    score: issue.score,
    first_post_time: issue.firstPostTime,
    example_ids: issue.exampleIds,
    window_posts: windowPosts,
    baseline_posts: baselinePosts,
  }));
}

/** Issues of every scope for the window ending at `end`: from the stored posts and hourly counts. */
export async function evaluateWindow(
  storage: Storage,
  end: number,
  options: { windowMinutes: number; baselineHours: number },
  windowPosts: IssueWindowPosts = new IssueWindowPosts(storage),
  hourlyTerms: IssueTermsHourly = new IssueTermsHourly(storage),
) {
  const bounds = windowBounds(end, options);
  const scopes = await windowPosts.read(bounds.start, end);
  const candidates = new Set<string>([""]);
  for (const scope of scopes.values()) {
    for (const term of supportedTerms(scope.terms, DEFAULT_ISSUE_PARAMETERS.minSupport).keys()) candidates.add(term);
  }
  const counts = new Map<string, number>();
  if (scopes.size > 0) {
    await hourlyTerms.ensure(bounds.baselineStart, bounds.baselineEnd);
    const baseline = await queryRows<{ scope_kind: string; scope: string; term: string; posts: number }>(
      storage,
      `SELECT scope_kind, scope, term, uniqExactMerge(posts) AS posts
       FROM ${storage.table("issue_terms_hourly")}
       WHERE hour >= fromUnixTimestamp({from:Int64}) AND hour < fromUnixTimestamp({to:Int64})
         AND term IN {terms:Array(String)}
       GROUP BY scope_kind, scope, term`,
      { from: bounds.baselineStart / 1000, to: bounds.baselineEnd / 1000, terms: [...candidates] },
    );
    for (const row of baseline) counts.set(`${row.scope_kind}\u0000${row.scope}\u0000${row.term}`, Number(row.posts));
  }
  const windowRows: ReturnType<typeof issueWindowRows> = [];
  for (const [key, scope] of scopes) {
    const baseline: Baseline = {
      docs: counts.get(`${key}\u0000`) ?? 0,
      count: (term) => counts.get(`${key}\u0000${term}`) ?? 0,
    };
    const issues = detectIssues(scope.posts, baseline, DEFAULT_ISSUE_PARAMETERS, scope.terms);
    windowRows.push(...issueWindowRows(scope, end, options.windowMinutes, issues, scope.posts.length, baseline.docs));
  }
  return windowRows;
}

export async function startIssuesStage(ctx: PipelineContext, options: IssuesStageOptions = {}): Promise<StageHandle> {
  const { config, codec, metrics } = ctx;
  const storage = await ctx.storage();
  const source = topicName(config, "mentionsTagged");
  const deadLetters = topicName(config, "deadLetter");
  const producer = await ctx.bus.producer();
  const settings = config.issues;
  const windowPosts = new IssueWindowPosts(storage);
  const hourlyTerms = new IssueTermsHourly(storage);
  const insertOf = keyedInserts(storage, metrics, STAGE);
  const mentionRows = insertOf("issue_mentions", 20_000);
  const watermarks = insertOf("issue_watermarks", 1_000);

  const onBatch = async (batch: RecordBatch) => {
    const { values, failed } = await decodeBatch(ctx, STAGE, batch, (record) =>
      codec.decode<TaggedMention>(record.value, contracts.TaggedMention),
    );
    const rows = issueMentionRows(values);
    await Promise.all([rows.length ? mentionRows.insert(rows) : undefined, producer.send(deadLetters, failed)]);
    if (values.length > 0) {
      const watermark = Math.max(...values.map(({ mention }) => mention.eventTime));
      await watermarks.insert([{ source_topic: batch.topic, source_partition: batch.partition, watermark }]);
    }
    metrics.eventsOut.inc({ stage: STAGE, target: "issue_mentions" }, rows.length);
  };

  /** The next window end to evaluate and the latest one that may be: null when nothing is stored. */
  const pending = async (): Promise<{ next: number; closed: number } | null> => {
    const [state] = await queryRows<{ progress: number | null; watermark: number | null }>(
      storage,
      `SELECT
         (SELECT if(count() = 0, NULL, toUnixTimestamp(max(window_end)) * 1000) FROM ${storage.table("issue_progress")} FINAL WHERE name = {name:String}) AS progress,
         (SELECT if(count() = 0, NULL, min(w)) FROM (
            SELECT toUnixTimestamp64Milli(max(watermark)) AS w FROM ${storage.table("issue_watermarks")}
            WHERE source_topic = {topic:String} GROUP BY source_partition)) AS watermark`,
      { name: PROGRESS, topic: source },
    );
    if (!state || state.watermark === null) return null;
    const closed = Math.floor((Number(state.watermark) - settings.latenessMs) / MINUTE_MS) * MINUTE_MS;
    if (state.progress !== null) return { next: Number(state.progress) + MINUTE_MS, closed };
    // Nothing evaluated yet: from the first stored minute (read only then: it scans the table).
    const [first] = await queryRows<{ first: number | null }>(
      storage,
      `SELECT if(count() = 0, NULL, toUnixTimestamp(min(minute)) * 1000) AS first FROM ${storage.table("issue_mentions")}`,
    );
    if (!first || first.first === null) return null;
    return { next: Number(first.first) + MINUTE_MS, closed };
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  // A round's windows are stored in one insert, then how far it got: a crash in between evaluates
  // them again, to the same rows.
  const evaluate = async () => {
    const window = await pending();
    if (!window) return;
    const evaluated: Awaited<ReturnType<typeof evaluateWindow>> = [];
    let last: number | undefined;
    for (
      let end = window.next, n = 0;
      end <= window.closed && n < MINUTES_PER_ROUND && !stopped;
      end += MINUTE_MS, n++
    ) {
      evaluated.push(...(await evaluateWindow(storage, end, settings, windowPosts, hourlyTerms)));
      last = end;
    }
    if (last === undefined) return;
    if (evaluated.length > 0) {
      await storage.insertRows("issue_windows", evaluated);
    }
    await storage.insertRows("issue_progress", [{ name: PROGRESS, window_end: last / 1000 }]);
    metrics.eventsOut.inc({ stage: STAGE, target: "issue_windows" }, evaluated.length);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = evaluate()
        .catch((error: unknown) => ctx.logger.error({ stage: STAGE, err: error }, "issue evaluation failed; retrying"))
        .finally(schedule);
    }, settings.evaluateIntervalMs);
  };

  const consumer = await ctx.bus.consume({
    groupId: options.groupId ?? `${config.topicPrefix}simak-issues`,
    topics: [source],
    onBatch: instrumented(ctx, STAGE, onBatch),
  });
  schedule();
  ctx.logger.info({ stage: STAGE, source, ...settings }, "stage started");
  return {
    name: STAGE,
    healthy: () => consumer.healthy(),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await consumer.stop();
      await producer.close();
    },
  };
}
