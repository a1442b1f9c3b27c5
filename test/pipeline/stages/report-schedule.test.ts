/**
 * Scheduled reports (the rules file's `reports:`), on the seed of docs/analysts.md: last week's
 * report of BPJS Kesehatan goes to an email (PDF attached), a Telegram chat (the file) and a Slack
 * channel (the summary) through the notify channels, to fake servers; two instances checking at
 * once send it once; a channel that fails is retried at the next check and the others are not sent
 * again; a restarted instance sends nothing more; a send cut off by a crash (left `sending`) is
 * never repeated.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportKeys, startReportSchedule } from "../../../pipeline/stages/report-schedule.js";
import { compileAlertConfig, type ReportSchedule } from "../../../processors/alerts/index.js";
import { loadConfig } from "../../../runtime/config.js";
import type { PipelineContext } from "../../../runtime/context.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import type { Storage } from "../../../runtime/storage/clickhouse.js";
import { createChannels } from "../../../sinks/notify/index.js";
import { lastCompletePeriod } from "../../../sinks/report/index.js";
import { A, BPJS, closeSeeded, date, seededStorage, WEEK } from "../../fixtures/analytics.js";
import { FakeHttpEndpoint, FakeSmtpServer } from "../../sinks/notify/fakes.js";

describe("scheduled reports", () => {
  let storage: Storage;
  const smtp = new FakeSmtpServer();
  const telegram = new FakeHttpEndpoint();
  const slack = new FakeHttpEndpoint();
  const state = new MemoryStateStore();
  let schedule: readonly ReportSchedule[] = [];
  let config: ReturnType<typeof compileAlertConfig>;
  // A week after A's Monday (Monday 10:00 UTC): A's week is the last complete one.
  let now = A + WEEK + 10 * 3_600_000;
  const ctx = {
    config: loadConfig({}),
    logger: pino({ level: process.env.TEST_LOG ?? "silent" }),
    metrics: new PipelineMetrics(),
    state,
  } as unknown as PipelineContext;
  const instance = () =>
    startReportSchedule(ctx, storage, {
      reports: () => schedule,
      channels: () => createChannels(config.channels),
      checkMs: 3_600_000,
      now: () => now,
    });

  beforeAll(async () => {
    storage = await seededStorage("report-schedule");
    await Promise.all([smtp.listen(), telegram.listen(), slack.listen()]);
    telegram.answer = () => ({ status: 200, body: '{"ok":true}' });
    config = compileAlertConfig(
      `channels:
  humas-email: { type: email, host: 127.0.0.1, port: ${smtp.port}, tls: false, from: simak@bpjs.go.id, to: [kepala.humas@bpjs.go.id] }
  humas-telegram: { type: telegram, token: "123:abc", chatId: "-100", apiBase: "${telegram.url()}" }
  humas-slack: { type: slack, webhookUrl: "${slack.url("/hook")}" }
rules: {}
reports:
  bpjs-mingguan:
    agency: ${BPJS}
    period: weekly
    channels: [humas-email, humas-telegram, humas-slack]
`,
      "alerts.yaml",
    );
    schedule = config.reports;
  });
  afterAll(async () => {
    await Promise.all([smtp.close(), telegram.close(), slack.close()]);
    await closeSeeded(storage);
  });

  it("reads the reports section", () => {
    expect(schedule).toEqual([
      {
        id: "bpjs-mingguan",
        agency: BPJS,
        period: "weekly",
        lang: "id",
        enabled: true,
        channels: ["humas-email", "humas-telegram", "humas-slack"],
      },
    ]);
    expect(lastCompletePeriod("weekly", "Asia/Jakarta", now)).toEqual({ from: date(A), end: date(A + WEEK), days: 7 });
  });

  it("delivers last week's report once per channel across instances, retries a failed channel, never repeats", async () => {
    const first = instance();
    const second = instance();
    // Telegram is down at the first check.
    telegram.down = () => true;
    await Promise.all([first.check(), second.check()]);
    expect(smtp.mails).toHaveLength(1);
    expect(slack.accepted).toHaveLength(1);
    expect(telegram.accepted).toHaveLength(0);
    const mail = smtp.mails[0];
    expect(mail?.to).toEqual(["kepala.humas@bpjs.go.id"]);
    // The subject is Q-encoded: "Laporan Evaluasi Media Sosial: BPJS Kesehatan, <the week>".
    expect(mail?.headers).toContain("Subject: =?UTF-8?Q?Laporan_Evaluasi_Media_Sosial=3A_BPJS_Ke");
    expect(mail?.headers).toContain(`Message-ID: <report-bpjs-mingguan-${date(A)}@bpjs.go.id>`);
    expect(mail?.body).toContain("Content-Type: application/pdf");
    expect(mail?.body).toContain(`filename=simak-BPJS-Kesehatan-${date(A)}_${date(A + WEEK - 86_400_000)}.pdf`);
    // Slack: the summary, with the week's distinct authors (reach-month: 56 in A's week).
    const slackText = JSON.parse(slack.accepted[0]?.body ?? "{}") as {
      text: string;
      blocks: { text?: { text: string } }[];
    };
    expect(slackText.text).toContain(BPJS);
    expect(slackText.blocks[0]?.text?.text).toContain("1. Jangkauan: Orang yang membicarakan instansi 56");

    telegram.down = () => false;
    await first.check();
    expect(telegram.accepted).toHaveLength(1);
    const upload = telegram.accepted[0];
    expect(upload?.path).toBe("/bot123:abc/sendDocument");
    expect(upload?.body).toContain('name="chat_id"');
    expect(upload?.body).toContain(`filename="simak-BPJS-Kesehatan-${date(A)}_`);
    expect(upload?.body).toContain("%PDF-");
    expect(smtp.mails).toHaveLength(1);
    expect(slack.accepted).toHaveLength(1);
    await Promise.all([first.stop(), second.stop()]);

    // A restart: nothing more for this week.
    const restarted = instance();
    await restarted.check();
    expect([smtp.mails.length, telegram.accepted.length, slack.accepted.length]).toEqual([1, 1, 1]);

    // The next week, with the Slack send cut off by a crash before: email and Telegram only.
    now += WEEK;
    const next = lastCompletePeriod("weekly", "Asia/Jakarta", now);
    await state.setMany(
      [{ key: reportKeys("").channel("bpjs-mingguan", next, "humas-slack"), value: "sending" }],
      3600,
    );
    await restarted.check();
    expect([smtp.mails.length, telegram.accepted.length, slack.accepted.length]).toEqual([2, 2, 1]);
    expect(smtp.mails[1]?.headers).toContain(`Message-ID: <report-bpjs-mingguan-${next.from}@bpjs.go.id>`);
    await restarted.stop();
  });
});
