import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AlertConfigError,
  compileAlertConfig,
  loadAlertConfig,
  openAlertConfig,
} from "../../../processors/alerts/rule-file.js";
import { ErrorCode } from "../../../runtime/errors.js";

const ENV = {
  ALERT_WEBHOOK_SECRET: "0123456789abcdef0123",
  ALERT_TELEGRAM_TOKEN: "123:telegram-token",
  ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.example/T0/B0/x",
  ALERT_SMTP_PASSWORD: "smtp-password",
};

function problems(yaml: string, env: Record<string, string> = ENV): string[] {
  try {
    compileAlertConfig(yaml, "alerts.yaml", env);
  } catch (error) {
    expect(error).toBeInstanceOf(AlertConfigError);
    expect((error as AlertConfigError).code).toBe(ErrorCode.InvalidAlertConfig);
    return (error as Error).message.split("\n");
  }
  throw new Error("the file loaded");
}

describe("alert rules file", () => {
  it("reads the scheduled reports of the example file", async () => {
    const config = await loadAlertConfig("config/examples/alerts.yaml", ENV);
    expect(config.reports).toEqual([
      {
        id: "bpjs-bulanan",
        agency: "bpjs-kesehatan",
        period: "monthly",
        zone: "Asia/Jakarta",
        lang: "id",
        enabled: true,
        channels: ["humas-email", "humas-telegram"],
      },
      { id: "polri-mingguan", agency: "polri", period: "weekly", lang: "id", enabled: true, channels: ["humas-slack"] },
    ]);
  });

  it("refuses a report without a period, in an unknown zone, or to a channel that cannot carry it", () => {
    expect(
      problems(`channels:
  hook: { type: webhook, url: "https://h.example/x", secret: "0123456789abcdef" }
rules: {}
reports:
  a: { agency: polri, channels: [hook] }
  b: { agency: polri, period: daily, zone: Mars/Base, channels: [nowhere] }
  c: { agency: polri, period: weekly, channels: [hook] }
`),
    ).toEqual([
      'alerts.yaml:5:3: report \'a\': period: Invalid option: expected one of "weekly"|"monthly"',
      'alerts.yaml:6:31: report \'b\': period: Invalid option: expected one of "weekly"|"monthly"',
      "alerts.yaml:6:44: report 'b': zone: expected an IANA time zone, e.g. Asia/Jakarta",
      "alerts.yaml:7:50: report 'c': channels: 'hook' is a webhook, which carries no report (use email, telegram or slack)",
    ]);
  });

  it("loads the example file with defaults, channels and secrets from the environment", async () => {
    const config = await loadAlertConfig("config/examples/alerts.yaml", ENV);
    expect(config.rules.map((rule) => rule.id)).toEqual([
      "bpjs-negative-spike",
      "bpjs-negative-share",
      "polri-net-sentiment-x",
      "bmkg-volume",
      "polri-viral-negative",
      "impersonation",
    ]);
    expect(config.rules[0]).toMatchObject({
      scope: { agency: "bpjs-kesehatan", queryId: null, platform: null },
      signal: "negative-count",
      window: 5,
      cooldown: 30,
      timeZone: "Asia/Jakarta",
      quietHours: { from: 22 * 60, to: 6 * 60, minSeverity: "critical" },
      baseline: { weeks: 4, samplesPerHour: 4, minSamples: 8, ewmaAlpha: 0.05, minSpread: 0.05 },
      resolve: { after: 5 },
    });
    expect(config.rules[5]?.cooldown).toBe(360);
    expect(config.channels.get("humas-telegram")).toEqual({
      type: "telegram",
      token: "123:telegram-token",
      chatId: "-1001234567890",
      apiBase: "https://api.telegram.org",
    });
    expect(config.channels.get("humas-email")).toMatchObject({ password: "smtp-password", port: 587, secure: false });
  });

  it("names the rule, the field and the line of every problem, in file order", () => {
    const yaml = [
      "channels:",
      "  hook: { type: webhook, url: 'ftp://x', secret: short }",
      "rules:",
      "  spike:",
      "    signal: negative-spike",
      "    window: 5 minutes",
      "  share:",
      "    signal: negative-share",
      "    threshold: { z: high }",
      "    colour: red",
      "  night:",
      "    signal: negative-count",
      "    timeZone: Asia/Jakart",
      "    quietHours: { from: '22:00', to: '24:00' }",
      "    channels: [hook, pager]",
    ].join("\n");
    expect(problems(yaml)).toEqual([
      "alerts.yaml:2:31: channel 'hook': url: expected an http(s) URL",
      "alerts.yaml:2:50: channel 'hook': secret: the signing secret needs at least 16 characters",
      `alerts.yaml:5:13: rule 'spike': signal: Invalid option: expected one of "negative-count"|"negative-share"|"total-volume"|"net-sentiment-drop"|"viral-negative-post"|"influential-negative"|"impersonation"|"overdue-question"|"negative-issue"`,
      "alerts.yaml:6:13: rule 'spike': window: expected a duration like 5m, 2h or 1d",
      "alerts.yaml:9:21: rule 'share': threshold.z: Invalid input: expected number, received string",
      "alerts.yaml:10:5: rule 'share': unknown key 'colour'",
      "alerts.yaml:13:15: rule 'night': timeZone: unknown IANA time zone",
      "alerts.yaml:14:38: rule 'night': quietHours.to: expected a local time HH:MM",
    ]);
  });

  it("checks what zod cannot see alone: channel references, the share a share rule needs, unset variables", () => {
    const yaml = [
      "channels:",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an environment reference in the YAML, not a template
      "  tg: { type: telegram, token: '${ALERT_TELEGRAM_TOKEN}', chatId: 42 }",
      "rules:",
      "  share:",
      "    signal: negative-share",
      "    channels: [tg, pager]",
    ].join("\n");
    expect(problems(yaml, {})).toEqual([
      "alerts.yaml:2:32: channel 'tg': token: environment variable ALERT_TELEGRAM_TOKEN is not set",
      "alerts.yaml:2:32: channel 'tg': token: Too small: expected string to have >=1 characters",
      "alerts.yaml:4:3: rule 'share': threshold.share: negative-share needs threshold.share",
    ]);
    const withShare = yaml.replace("signal: negative-share", "signal: negative-share\n    threshold: { share: 0.4 }");
    expect(problems(withShare, ENV)).toEqual(["alerts.yaml:7:20: rule 'share': channels: unknown channel 'pager'"]);
    const config = compileAlertConfig(withShare.replace(", pager", ""), "alerts.yaml", ENV);
    expect(config.channels.get("tg")).toMatchObject({ chatId: "42", token: "123:telegram-token" });
    expect(
      problems(withShare.replace("ALERT_TELEGRAM", "SIMAK_TELEGRAM").replace(", pager", ""), {
        SIMAK_TELEGRAM_TOKEN: "t",
      }),
    ).toEqual([
      "alerts.yaml:2:32: channel 'tg': token: SIMAK_TELEGRAM_TOKEN: SIMAK_* variables are the pipeline's configuration; name the secret otherwise, e.g. ALERT_TELEGRAM_TOKEN",
    ]);
  });

  it("refuses an empty file, bad YAML and unknown top-level keys; skips disabled rules", () => {
    expect(problems("")).toEqual(["alerts.yaml:1:1: the file defines no rules (expected 'rules:')"]);
    expect(problems("rules: [a")[0]).toMatch(/^alerts\.yaml:1:\d+: invalid YAML: /);
    expect(problems("rule:\n  a: { signal: impersonation }")).toEqual([
      "alerts.yaml:1:1: unknown key 'rule'; expected 'rules', 'channels' or 'reports'",
      "alerts.yaml:1:1: the file defines no rules (expected 'rules:')",
    ]);
    const config = compileAlertConfig(
      "rules:\n  a: { signal: impersonation, enabled: false }\n  b: { signal: impersonation }",
      "alerts.yaml",
      {},
    );
    expect(config.rules.map((rule) => rule.id)).toEqual(["b"]);
  });

  it("reloads at run time; a bad edit keeps the rules in force and reports it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simak-alerts-"));
    try {
      const file = join(dir, "alerts.yaml");
      writeFileSync(file, "rules:\n  a: { signal: impersonation }\n");
      const errors: string[] = [];
      const watched = await openAlertConfig(file, { env: {}, onError: (error) => errors.push(error.message) });
      expect(watched.current().rules.map((rule) => rule.id)).toEqual(["a"]);
      writeFileSync(file, "rules:\n  a: { signal: impersonation, window: 0m }\n");
      expect(await watched.reload()).toBe(false);
      expect(errors).toEqual([`${file}:2:39: rule 'a': window: expected a duration like 5m, 2h or 1d`]);
      expect(watched.current().rules.map((rule) => rule.window)).toEqual([5]);
      writeFileSync(file, "rules:\n  a: { signal: impersonation, window: 1h }\n  b: { signal: impersonation }\n");
      expect(await watched.reload()).toBe(true);
      expect(watched.current().rules.map((rule) => [rule.id, rule.window])).toEqual([
        ["a", 60],
        ["b", 5],
      ]);
      expect(watched.lastError).toBeNull();
      watched.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
