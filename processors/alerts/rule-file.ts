/**
 * The alert rules file (YAML): `rules:` by id and the notification `channels:` they name.
 *
 *   channels:
 *     humas-telegram: { type: telegram, token: "${ALERT_TELEGRAM_TOKEN}", chatId: "-1001234" }
 *   rules:
 *     bpjs-negative-share:
 *       scope: { agency: bpjs-kesehatan }
 *       signal: negative-share
 *       threshold: { z: 3, share: 0.4, minVolume: 20 }
 *       channels: [humas-telegram]
 *
 * Every problem is reported together, each as `file:line:column: rule 'id': field: reason`. The
 * file is reloadable (`openAlertConfig`): a bad edit keeps the rules in force.
 */
import { readFile } from "node:fs/promises";
import { isScalar, parse } from "yaml";
import { type Env, substituteEnv } from "../../runtime/env-reference.js";
import { ErrorCode, SimakError } from "../../runtime/errors.js";
import { WatchedFile, type WatchOptions } from "../../runtime/watched-file.js";
import { formatSourceIssue, keyNodeAt, type SourceIssue, YamlReporter, YamlSource } from "../topics/yaml-source.js";
import { type ChannelConfig, channelSchema } from "./channels.js";
import { type ReportSchedule, reportScheduleSchema } from "./report-schedule.js";
import { type AlertRule, ruleSchema } from "./rule.js";

export interface AlertConfig {
  /** Enabled rules, in file order. */
  rules: readonly AlertRule[];
  channels: ReadonlyMap<string, ChannelConfig>;
  /** Enabled scheduled reports (`reports:`), in file order. */
  reports: readonly ReportSchedule[];
}

/** A rules file that cannot be loaded: every problem, one `file:line:column: reason` per line. */
export class AlertConfigError extends SimakError {
  constructor(readonly issues: readonly SourceIssue[]) {
    super(ErrorCode.InvalidAlertConfig, issues.map(formatSourceIssue).join("\n"));
    this.name = "AlertConfigError";
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const TOP_KEYS = ["rules", "channels", "reports"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Parses and validates a rules file's text; throws AlertConfigError with every problem, in file order. */
export function compileAlertConfig(text: string, file: string, env: Env = process.env): AlertConfig {
  const source = new YamlSource(file, text);
  if (source.issues.length > 0) throw new AlertConfigError(source.issues);
  const root = source.root;
  if (root === null || (isScalar(root) && root.value === null))
    throw new AlertConfigError([source.issueAtOffset(0, "the file defines no rules (expected 'rules:')")]);
  const report = new YamlReporter(source, root);
  const value: unknown = parse(text);
  const channels = new Map<string, ChannelConfig>();
  const rules: AlertRule[] = [];
  if (!isRecord(value)) {
    report.at([], "the file must be a mapping with 'rules:' and 'channels:'");
    throw new AlertConfigError(source.issues);
  }
  for (const key of Object.keys(value))
    if (!TOP_KEYS.includes(key))
      source.report(keyNodeAt(root, [], key), `unknown key '${key}'; expected 'rules', 'channels' or 'reports'`);

  const channelSection = value.channels ?? {};
  if (!isRecord(channelSection)) report.at(["channels"], "'channels' must be a mapping of channel names");
  else
    for (const [name, raw] of Object.entries(channelSection)) {
      const what = `channel '${name}'`;
      if (!ID.test(name)) report.at(["channels", name], `invalid ${what}: use letters, digits, '-', '_' and '.'`);
      const resolved = substituteEnv(raw, ["channels", name], env, "ALERT_", (path, reason) =>
        report.at(path, `${what}: ${path.slice(2).join(".")}: ${reason}`),
      );
      const parsed = channelSchema.safeParse(resolved);
      if (parsed.success) channels.set(name, parsed.data);
      else report.zod(["channels", name], what, parsed.error);
    }

  const ruleSection = value.rules;
  if (ruleSection === undefined || ruleSection === null) report.at([], "the file defines no rules (expected 'rules:')");
  else if (!isRecord(ruleSection)) report.at(["rules"], "'rules' must be a mapping of rule ids");
  else
    for (const [id, raw] of Object.entries(ruleSection)) {
      const what = `rule '${id}'`;
      if (!ID.test(id)) report.at(["rules", id], `invalid ${what}: use letters, digits, '-', '_' and '.'`);
      const parsed = ruleSchema.safeParse(raw);
      if (!parsed.success) {
        report.zod(["rules", id], what, parsed.error);
        continue;
      }
      parsed.data.channels.forEach((channel, i) => {
        if (!channels.has(channel) && !(isRecord(channelSection) && channel in channelSection))
          report.at(["rules", id, "channels", i], `${what}: channels: unknown channel '${channel}'`);
      });
      if (parsed.data.enabled) rules.push({ ...parsed.data, id });
    }

  const reports: ReportSchedule[] = [];
  const reportSection = value.reports ?? {};
  if (!isRecord(reportSection)) report.at(["reports"], "'reports' must be a mapping of report ids");
  else
    for (const [id, raw] of Object.entries(reportSection)) {
      const what = `report '${id}'`;
      if (!ID.test(id)) report.at(["reports", id], `invalid ${what}: use letters, digits, '-', '_' and '.'`);
      const parsed = reportScheduleSchema.safeParse(raw);
      if (!parsed.success) {
        report.zod(["reports", id], what, parsed.error);
        continue;
      }
      parsed.data.channels.forEach((channel, i) => {
        if (!channels.has(channel) && !(isRecord(channelSection) && channel in channelSection))
          report.at(["reports", id, "channels", i], `${what}: channels: unknown channel '${channel}'`);
        else if (channels.get(channel)?.type === "webhook")
          report.at(
            ["reports", id, "channels", i],
            `${what}: channels: '${channel}' is a webhook, which carries no report (use email, telegram or slack)`,
          );
      });
      if (parsed.data.enabled) reports.push({ ...parsed.data, id });
    }

  if (source.issues.length > 0)
    throw new AlertConfigError([...source.issues].sort((a, b) => a.line - b.line || a.column - b.column));
  return { rules, channels, reports };
}

/** Reads and validates a rules file. Throws AlertConfigError, or the read error. */
export async function loadAlertConfig(path: string, env: Env = process.env): Promise<AlertConfig> {
  return compileAlertConfig(await readFile(path, "utf8"), path, env);
}

/**
 * The rules file, reloadable: `current()` is the config in force; `.watch()` reloads on change, and
 * a bad edit keeps the previous config and calls `onError` (see runtime/watched-file.ts).
 */
export async function openAlertConfig(
  path: string,
  options: WatchOptions<AlertConfig> & { env?: Env } = {},
): Promise<WatchedFile<AlertConfig>> {
  const env = options.env ?? process.env;
  return WatchedFile.open(path, (text, file) => compileAlertConfig(text, file, env), options);
}
