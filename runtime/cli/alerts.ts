/**
 * `simak alerts backtest --rules <file> --from <time> --to <time> [--json]`: replays a rules file
 * over the 1-minute aggregates ClickHouse holds and prints when each rule would have fired and
 * resolved, in time order.
 *
 * Each rule's detector is the alert stage's (processors/alerts `runDetector`), fed every minute
 * from the scope's first minute with mentions within the baseline's span (`baseline.weeks`) before
 * --from, through the last minute ending at or before --to. The minutes before --from only warm
 * the baseline (and the cooldown): what they raise is not printed. Rules whose channels name
 * `${VARIABLES}` need them set, as in the stage; nothing is delivered.
 */
import { Command, InvalidArgumentError } from "commander";
import {
  type AlertConfig,
  historyMs,
  isEventSignal,
  loadAlertConfig,
  MINUTE_MS,
  runDetector,
  scopeKey,
} from "../../processors/alerts/index.js";
import type { Alert } from "../../schemas/types.generated.js";
import { loadConfig } from "../config.js";
import { createStorage, type Storage } from "../storage/clickhouse.js";
import { everyMinute, readMinutePoints, readPostEvents } from "../storage/minute-aggregates.js";
import { startProgress } from "./progress.js";

/** Every alert the rules raise for minutes in [from, to), by window end, then rule, firing first. */
export async function backtestAlerts(
  storage: Storage,
  config: AlertConfig,
  range: { from: number; to: number },
  /** Called before each rule is replayed (progress on a terminal). */
  onRule?: (index: number, total: number, ruleId: string) => void,
): Promise<Alert[]> {
  const lastMinute = Math.floor(range.to / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  const alerts: Alert[] = [];
  for (const [index, rule] of config.rules.entries()) {
    onRule?.(index, config.rules.length, rule.id);
    const points = await readMinutePoints(storage, rule.scope, range.from - historyMs(rule), lastMinute);
    const first = points[0]?.minute;
    if (first === undefined) continue;
    const events = isEventSignal(rule.signal)
      ? await readPostEvents(storage, rule.signal, rule.scope, first, lastMinute)
      : [];
    const replayed = runDetector(rule, rule.scope, everyMinute(points, first, lastMinute, events)).alerts;
    alerts.push(...replayed.filter((alert) => alert.windowEnd > range.from));
  }
  return alerts.sort(
    (a, b) => a.windowEnd - b.windowEnd || a.ruleId.localeCompare(b.ruleId) || (a.status === "firing" ? -1 : 1),
  );
}

const time = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const number = (value: number | null) => (value === null ? "-" : String(Number(value.toFixed(3))));

/** The alerts as an aligned table, one line each; "no alerts" when there are none. */
export function formatBacktest(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return "no alerts\n";
  const header = ["window end", "rule", "scope", "status", "observed", "baseline", "threshold", "z", "volume"];
  const rows = alerts.map((alert) => [
    time(alert.windowEnd),
    alert.ruleId,
    scopeKey(alert),
    alert.status,
    number(alert.observed),
    `${number(alert.baseline)} (${alert.baselineMethod ?? "-"})`,
    number(alert.threshold),
    number(alert.z),
    number(alert.volume),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
  return [header, ...rows]
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i] as number))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}

function timeOption(value: string): number {
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError("expected an ISO 8601 time, e.g. 2025-06-02T08:00:00+07:00");
  return parsed;
}

export function alertsCommand(): Command {
  const command = new Command("alerts").description("alert rules over the aggregates (processors/alerts)");
  command
    .command("backtest")
    .description("replay alert rules over the 1-minute aggregates in ClickHouse; print when each would have fired")
    .requiredOption("--rules <file>", "alert rules file (YAML)")
    .requiredOption(
      "--from <time>",
      "first minute reported (ISO 8601); the history before it warms the baselines",
      timeOption,
    )
    .requiredOption("--to <time>", "end of the last minute replayed (ISO 8601)", timeOption)
    .option("--json", "print the Alert records as JSON")
    .action(async (options: { rules: string; from: number; to: number; json?: boolean }) => {
      if (options.to <= options.from) throw new InvalidArgumentError("--to must be after --from");
      const rules = await loadAlertConfig(options.rules);
      // With embedded ClickHouse, the data folder of a stopped pipeline (or CLICKHOUSE_URL's server).
      const storage = createStorage(loadConfig().clickhouse);
      let current = "";
      const progress = startProgress(() => `backtest: ${current}`);
      try {
        const alerts = await backtestAlerts(storage, rules, options, (index, total, ruleId) => {
          current = `rule ${index + 1}/${total} (${ruleId})`;
        });
        progress.stop();
        process.stdout.write(options.json ? `${JSON.stringify(alerts, null, 2)}\n` : formatBacktest(alerts));
      } finally {
        progress.stop();
        await storage.close();
      }
    });
  return command;
}
