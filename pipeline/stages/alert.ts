/**
 * The alert stage: the rules of SIMAK_ALERT_RULES_FILE over the 1-minute aggregates, as minutes
 * complete -> Alert records on `simak.alerts` (the sink stores them in `alerts`) and the rules'
 * channels (sinks/notify delivery loop).
 *
 * When a minute is complete: the aggregate stage stores each partition's watermark with its window
 * deltas, and a minute whose end is at or before the watermark of every partition of
 * `simak.mentions.tagged` never changes again (later events are late and not aggregated). Every
 * `SIMAK_ALERT_POLL_MS` the stage reads the least of those watermarks from ClickHouse, then steps
 * each rule's detector (processors/alerts) over the minutes completed since its last step, read
 * from `mention_windows_1m` (`_province_1m` for a province scope) for the rule's scope. It uses the watermarks read one poll earlier:
 * a watermark and the rollup rows of its insert land through a materialized view of one INSERT, so
 * the rollup is read only after a whole poll interval has passed since the watermark was seen.
 *
 * Detector state lives in the state store (one JSON value per rule and scope), saved after the
 * minutes' alerts are published and enqueued for delivery: after a crash the minutes are stepped
 * again and give the same alert ids, which the sink and the delivery loop deduplicate. A detector
 * without state (first start, a new rule, or an edit that changes its signal, window or baseline
 * settings) is fed the history the aggregates hold (its baseline's span, `baseline.weeks`) up to
 * the minute completed when the stage started or the rules file was reloaded, and reports only
 * what comes after it; with no history at all it reports from the first minute.
 *
 * Several instances may run; one leads at a time, holding a lease in the state store
 * (runtime/state/lease.ts), renewed every poll and, in a long poll, between rules and before it
 * publishes or saves a rule's state: it judges the rules and runs the delivery loop, which owns the
 * pending list (sinks/notify/README.md). The others stand by and take over within LEADER_LEASE_MS
 * of the leader's death (at once on a graceful stop): a new leader reopens the pending list and
 * continues every detector from its stored state. A poll still running when the lease could have
 * expired (a hung read) is reported unhealthy and gives up the lead at once; when it returns it
 * finds it no longer leads before it publishes anything.
 *
 * A rule that fails (corrupt state, a query it breaks) is logged, counted
 * (simak_errors_total{code="ALERT_RULE_FAILED"}) and skipped: the rules after it still run. The
 * poll counts as failed only when every rule failed.
 */
import {
  type AlertRule,
  alertKeys,
  Detector,
  type DetectorState,
  historyMs,
  isEventSignal,
  MINUTE_MS,
  openAlertConfig,
  TOP_EVIDENCE,
} from "../../processors/alerts/index.js";
import { encodeFor, errorCodeOf, type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import { Lease } from "../../runtime/state/lease.js";
import { TOPICS } from "../../schemas/topics.js";
import type { Alert } from "../../schemas/types.generated.js";
import { sinkGroupId } from "../../sinks/clickhouse/index.js";
import { type Channel, createChannels, DeliveryQueue } from "../../sinks/notify/index.js";
import {
  completedPosition,
  everyMinute,
  lastCompletedMinute,
  readEvidence,
  readMinutePoints,
  readPostEvents,
  readTopIssue,
} from "./minute-aggregates.js";
import { startReportSchedule } from "./report-schedule.js";

const STAGE = "alert";
/** Consecutive failed polls after which the stage reports itself unhealthy. */
const UNHEALTHY_AFTER_FAILURES = 3;
/** Detector state outlives the baseline it holds by this much (a stage stopped for a while resumes). */
const STATE_GRACE_MS = 7 * 1440 * MINUTE_MS;
/** How long a leader that stopped renewing keeps the lead. */
const LEADER_LEASE_MS = 30_000;

export interface AlertStageOptions {
  /** The leader's lease (tests shorten it). Default LEADER_LEASE_MS. */
  leaseMs?: number;
}

/** Thrown inside a poll that finds another instance leads now: the poll stops, nothing more is published. */
class LeadLost extends Error {}

export async function startAlertStage(ctx: PipelineContext, options: AlertStageOptions = {}): Promise<StageHandle> {
  const { config, logger, metrics, state } = ctx;
  const leaseMs = options.leaseMs ?? LEADER_LEASE_MS;
  /** A poll running this long since the lease was last extended extends it before going on. */
  const renewAfterMs = leaseMs / 3;
  const file = config.alert.rulesFile;
  const storage = await ctx.storage();
  const producer = await ctx.bus.producer();
  const alertsTopic = topicName(config, "alerts");
  const source = topicName(config, "mentionsTagged");
  const keys = alertKeys(config.topicPrefix);
  const completed = () =>
    lastCompletedMinute(storage, source, TOPICS.mentionsTagged.partitions, config.alert.idlePartitionMs);

  let seenCompleted: number | null = null;
  /** A completed minute and the aggregate stage's offsets then, until the sink's commits pass them. */
  let unstored: { minute: number | null; offsets: Map<number, number> } | null = null;
  const sinkGroup = sinkGroupId(config);
  /** Whether the sink has committed, on every partition, what the aggregate stage had counted. */
  const sinkPassed = async (offsets: Map<number, number>) => {
    const progress = await ctx.bus.progress(sinkGroup, source);
    return [...offsets].every(([partition, offset]) => {
      const at = progress.find((entry) => entry.partition === partition);
      // A partition the log no longer holds that far (recreated, retention) needs only its end.
      return !at || Math.max(at.committed, 0) >= Math.min(offset + 1, at.end);
    });
  };
  /**
   * The minute rules may be judged through: closed by every partition's watermark, and stored by
   * the sink, so a firing alert's evidence (tagged_mentions) holds its window's mentions. The
   * aggregate stage's offsets, read with the minute, are kept until the sink passes them: a sink
   * always a batch behind the aggregate stage still lets the minutes through.
   */
  const storedThrough = async (): Promise<number | null> => {
    unstored ??= await completedPosition(
      storage,
      source,
      TOPICS.mentionsTagged.partitions,
      config.alert.idlePartitionMs,
    );
    if (!(await sinkPassed(unstored.offsets))) return seenCompleted;
    const { minute } = unstored;
    unstored = null;
    return minute;
  };
  let historyThrough: number | null = null;
  let channels = new Map<string, Channel>();
  const rulesFile = await openAlertConfig(file, {
    onReload: ({ value, generation }) => {
      channels = createChannels(value.channels);
      historyThrough = seenCompleted;
      logger.info({ stage: STAGE, file, generation }, "alert rules reloaded");
    },
    onError: (error) =>
      logger.error({ stage: STAGE, err: error }, "alert rules edit refused; the previous rules stay in force"),
  });
  const rules = () => rulesFile.current().rules;
  channels = createChannels(rulesFile.current().channels);
  rulesFile.watch();
  // Scheduled reports go out from whichever instance claims each first (report-schedule.ts).
  const reports = startReportSchedule(ctx, storage, {
    reports: () => rulesFile.current().reports,
    channels: () => channels,
  });
  const leadership = new Lease({
    store: state,
    key: keys.leader,
    ttlMs: leaseMs,
    gauge: metrics.leader,
    job: STAGE,
  });
  /** The delivery loop, running while this instance leads. */
  let deliveries: DeliveryQueue | null = null;
  /** When the lease was last extended. */
  let heldAt = 0;

  /** Takes or keeps the lead: the delivery loop while leading, null while another instance leads. */
  const lead = async (): Promise<DeliveryQueue | null> => {
    const leading = await leadership.hold();
    if (leading) heldAt = Date.now();
    if (leading && !deliveries) {
      // The pending list as the previous leader left it; history up to now warms new detectors.
      deliveries = (
        await DeliveryQueue.open({
          store: state,
          prefix: config.topicPrefix,
          logger,
          channel: (name) => channels.get(name),
        })
      ).start();
      seenCompleted = await completed();
      historyThrough = seenCompleted;
      logger.info({ stage: STAGE, holder: leadership.holder }, "leading: judging the alert rules and delivering");
    } else if (!leading && deliveries) {
      await deliveries.stop();
      deliveries = null;
      logger.warn({ stage: STAGE, holder: leadership.holder }, "another instance leads now; standing by");
    }
    return deliveries;
  };

  /** Goes on only while this instance still leads with `queue`, extending the lease if it is getting old. */
  const requireLead = async (queue: DeliveryQueue) => {
    if (Date.now() - heldAt > renewAfterMs && (await lead()) !== queue) throw new LeadLost();
  };

  /** Gives the lead up without waiting on anything (a poll hangs): the others take over at once. */
  const stepDown = () => {
    const queue = deliveries;
    deliveries = null;
    heldAt = 0;
    metrics.leader.set({ job: STAGE }, 0);
    queue?.stop().catch((error: unknown) => logger.error({ stage: STAGE, err: error }, "stopping deliveries failed"));
    leadership.release().catch((error: unknown) => logger.error({ stage: STAGE, err: error }, "lease release failed"));
  };

  /**
   * Firing alerts of aggregate rules carry the window's most influential mentions in the scope;
   * every firing alert's message names the top issue of its window (the issues stage), if any.
   */
  const withEvidence = async (rule: AlertRule, alert: Alert): Promise<Alert> => {
    if (alert.status !== "firing") return alert;
    const window = { start: alert.windowStart, end: alert.windowEnd };
    const topIssue = await readTopIssue(storage, rule.scope, window);
    const message = topIssue ? `${alert.message}; top issue: ${topIssue}` : alert.message;
    if (isEventSignal(rule.signal)) return { ...alert, message };
    const evidence = await readEvidence(storage, rule.scope, window, {
      negativeOnly: rule.signal !== "total-volume",
      limit: TOP_EVIDENCE,
    });
    return { ...alert, message, topPostIds: evidence.postIds, topAuthorIds: evidence.authorIds };
  };

  const publish = async (rule: AlertRule, alerts: Alert[], queue: DeliveryQueue) => {
    const filled = await Promise.all(alerts.map((alert) => withEvidence(rule, alert)));
    await requireLead(queue);
    await producer.send(
      alertsTopic,
      filled.map((alert) => encodeFor(ctx, "alerts", alert.id, alert)),
    );
    await queue.enqueue(filled);
    metrics.eventsOut.inc({ stage: STAGE, target: alertsTopic }, filled.length);
    for (const alert of filled) logger.info({ stage: STAGE, alertId: alert.id, status: alert.status }, alert.message);
  };

  /** Steps the rule's detector through minute `through` (a start), publishing what it raises. */
  const runRule = async (rule: AlertRule, through: number, queue: DeliveryQueue) => {
    const key = keys.detector(rule.id, rule.scope);
    const [saved] = await state.getMany([key]);
    const detector = new Detector(rule, rule.scope, saved ? (JSON.parse(saved) as DetectorState) : null);
    const last = detector.state.lastMinute;
    if (last !== null && last >= through) return;
    const fresh = last === null;
    const points = await readMinutePoints(
      storage,
      rule.scope,
      fresh ? through - historyMs(rule) : last + MINUTE_MS,
      through,
    );
    // A fresh detector starts at the scope's first minute with mentions, not on weeks of zeros.
    const first = fresh ? points[0]?.minute : last + MINUTE_MS;
    if (first === undefined) return;
    const reportAfter = fresh ? historyThrough : null;
    const events = isEventSignal(rule.signal)
      ? await readPostEvents(storage, rule.signal, rule.scope, first, through)
      : [];
    const alerts: Alert[] = [];
    for (const input of everyMinute(points, first, through, events)) {
      const raised = detector.step(input).alerts;
      if (reportAfter === null || input.point.minute > reportAfter) alerts.push(...raised);
    }
    if (alerts.length > 0) await publish(rule, alerts, queue);
    await requireLead(queue);
    await state.setMany(
      [{ key, value: JSON.stringify(detector.state) }],
      Math.ceil((historyMs(rule) + STATE_GRACE_MS) / 1000),
    );
  };

  const poll = async () => {
    const queue = await lead();
    if (!queue) return;
    const through = seenCompleted;
    seenCompleted = await storedThrough();
    if (through === null) return;
    const judged = rules();
    const failed: unknown[] = [];
    try {
      for (const rule of judged) {
        // A leader that lost its lease mid-poll stops at once; the new one has the stored state.
        await requireLead(queue);
        try {
          await runRule(rule, through, queue);
        } catch (error) {
          if (error instanceof LeadLost) throw error;
          failed.push(error);
          metrics.errors.inc({ stage: STAGE, code: "ALERT_RULE_FAILED" });
          logger.error({ stage: STAGE, rule: rule.id, err: error }, "alert rule failed; skipped this poll");
        }
      }
    } catch (error) {
      if (!(error instanceof LeadLost)) throw error;
      logger.warn({ stage: STAGE, holder: leadership.holder }, "lost the lead during a poll; stopped judging");
      return;
    }
    if (judged.length > 0 && failed.length === judged.length) throw failed[0];
  };

  let failures = 0;
  let hung = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = () => {
    // A poll that outlives the lease may be judging after another instance took over.
    const watchdog = setTimeout(() => {
      hung = true;
      metrics.errors.inc({ stage: STAGE, code: "ALERT_POLL_HUNG" });
      logger.error({ stage: STAGE, leaseMs }, "alert poll still running after the lease time; giving up the lead");
      stepDown();
    }, leaseMs);
    inFlight = poll()
      .then(
        () => {
          failures = 0;
        },
        (error: unknown) => {
          failures++;
          metrics.errors.inc({ stage: STAGE, code: errorCodeOf(error, "ALERT_POLL_FAILED") });
          logger.error({ stage: STAGE, err: error, failures }, "alert poll failed; retrying");
        },
      )
      .finally(() => {
        clearTimeout(watchdog);
        hung = false;
        if (!stopped) timer = setTimeout(tick, config.alert.pollMs);
      });
  };
  tick();

  logger.info(
    {
      stage: STAGE,
      rulesFile: file,
      rules: rules().length,
      pollMs: config.alert.pollMs,
    },
    "stage started",
  );
  return {
    name: STAGE,
    healthy: () => failures < UNHEALTHY_AFTER_FAILURES && !hung,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      // A hung poll has given the lead up already; waiting for it could take forever.
      if (!hung) await inFlight;
      await reports.stop();
      rulesFile.close();
      await deliveries?.stop();
      await leadership.release();
      await producer.close();
    },
  };
}
