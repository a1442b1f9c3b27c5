/**
 * Scheduled evaluation reports (the rules file's `reports:`, processors/alerts/report-schedule.ts),
 * run by the alert stage: every `checkMs` (a minute) each instance looks for reports whose last
 * complete period (the previous week or month in the report's zone) has not gone out, makes the
 * PDF (sinks/report) and sends it to each of the report's channels (sinks/notify: email attaches
 * it, Telegram sends the file, Slack posts its summary).
 *
 * At most once per report, period and channel, across restarts and instances, through the state
 * store: a report is worked on by whoever holds its claim (a lease per report and period, so two
 * instances never send it together); before a channel is sent to, the channel is marked `sending`,
 * after it accepted, `sent`. A failed send (the far end refused, a timeout) removes the mark and is
 * retried at the next check; a mark left `sending` by a process that died mid-send is never sent
 * again (it may or may not have arrived: logged, for a person to look at), which is what "at most
 * once" costs. Marks live 400 days, longer than any period.
 */
import type { ReportSchedule } from "../../processors/alerts/index.js";
import type { PipelineContext } from "../../runtime/context.js";
import { Lease } from "../../runtime/state/lease.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import type { Channel } from "../../sinks/notify/index.js";
import { lastCompletePeriod, lastDay, type Period, ReportPrinter, reportSummary } from "../../sinks/report/index.js";
import { agencyZone, makeReport, resolveAgency, storageSql } from "./reports.js";

const STAGE = "alert";
const MARK_TTL_SECONDS = 400 * 86_400;
/** How long one instance may hold a report's claim: making and sending a report takes seconds. */
const CLAIM_MS = 10 * 60_000;
const SEND_TIMEOUT_MS = 60_000;

export interface ReportScheduleOptions {
  reports: () => readonly ReportSchedule[];
  channels: () => ReadonlyMap<string, Channel>;
  /** How often to look for a report due. Default a minute. */
  checkMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export interface ReportScheduleHandle {
  /** One check now (what the timer runs), after the one in flight; resolves when it is done. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

type Mark = "sending" | "sent";

export function reportKeys(prefix: string) {
  const ns = `${prefix}simak:reports:`;
  return {
    claim: (id: string, period: Period) => `${ns}claim:${id}:${period.from}`,
    channel: (id: string, period: Period, channel: string) => `${ns}sent:${id}:${period.from}:${channel}`,
  };
}

export function startReportSchedule(
  ctx: PipelineContext,
  storage: Storage,
  options: ReportScheduleOptions,
): ReportScheduleHandle {
  const { config, logger, state, metrics } = ctx;
  const keys = reportKeys(config.topicPrefix);
  const now = options.now ?? Date.now;
  const sql = storageSql(storage);
  /** A removed mark is stored empty for a second (the store has no delete): empty is none. */
  const readMarks = async (markKeys: string[]): Promise<(Mark | null)[]> =>
    (await state.getMany(markKeys)).map((mark) => (mark === "sending" || mark === "sent" ? mark : null));

  const deliver = async (schedule: ReportSchedule) => {
    const zone = schedule.zone ?? agencyZone(config, schedule.agency);
    const period = lastCompletePeriod(schedule.period, zone, now());
    const channels = schedule.channels;
    const markKeys = channels.map((channel) => keys.channel(schedule.id, period, channel));
    const marks = await readMarks(markKeys);
    if (marks.every((mark) => mark !== null)) return;
    const claim = new Lease({ store: state, key: keys.claim(schedule.id, period), ttlMs: CLAIM_MS, job: "report" });
    if (!(await claim.hold())) return;
    const log = { stage: STAGE, report: schedule.id, agency: schedule.agency, from: period.from, to: lastDay(period) };
    let printer: ReportPrinter | undefined;
    try {
      // Read again under the claim: another instance may have finished it meanwhile.
      const current = await readMarks(markKeys);
      current.forEach((mark, i) => {
        if (mark === "sending")
          logger.warn({ ...log, channel: channels[i] }, "a report send was cut off earlier; not sent again");
      });
      const due = channels.filter((_, i) => current[i] === null);
      if (due.length === 0) return;
      const agency = await resolveAgency(config, sql, schedule.agency);
      printer = await ReportPrinter.open(config.report.chromiumPath);
      const { report, bytes } = await makeReport(
        sql,
        { agency, period, lang: schedule.lang, zone, format: "pdf" },
        printer,
      );
      const summary = reportSummary(report.data, schedule.lang);
      const document = {
        id: `report-${schedule.id}-${period.from}`,
        subject: summary.subject,
        text: summary.text,
        filename: `simak-${agency.id.replace(/[^\w.-]+/g, "-")}-${period.from}_${lastDay(period)}.pdf`,
        contentType: "application/pdf",
        content: bytes,
      };
      for (const name of due) {
        const channel = options.channels().get(name);
        if (!channel?.sendDocument) {
          logger.error({ ...log, channel: name }, "the report's channel is gone or cannot carry a report");
          continue;
        }
        const key = keys.channel(schedule.id, period, name);
        await state.setMany([{ key, value: "sending" }], MARK_TTL_SECONDS);
        try {
          await channel.sendDocument(document, AbortSignal.timeout(SEND_TIMEOUT_MS));
        } catch (error) {
          await state.setMany([{ key, value: "" }], 1);
          metrics.errors.inc({ stage: STAGE, code: "REPORT_DELIVERY_FAILED" });
          logger.error({ ...log, channel: name, err: error }, "report delivery failed; retried at the next check");
          continue;
        }
        await state.setMany([{ key, value: "sent" }], MARK_TTL_SECONDS);
        logger.info({ ...log, channel: name, bytes: bytes.length }, "report delivered");
      }
    } finally {
      await printer?.close();
      await claim.release();
    }
  };

  const check = async () => {
    for (const schedule of options.reports()) {
      try {
        await deliver(schedule);
      } catch (error) {
        metrics.errors.inc({ stage: STAGE, code: "REPORT_FAILED" });
        logger.error(
          { stage: STAGE, report: schedule.id, err: error },
          "scheduled report failed; retried at the next check",
        );
      }
    }
  };

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = check().finally(() => {
      if (!stopped) timer = setTimeout(tick, options.checkMs ?? 60_000);
    });
  };
  // The first check a minute after the start: a stage restarting in a loop does not make reports in one.
  timer = setTimeout(tick, options.checkMs ?? 60_000);
  return {
    // After the check in flight (the timer's), so two never overlap in one instance.
    check: async () => {
      await running;
      await check();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
