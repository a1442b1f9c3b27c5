/**
 * The pipeline-health alerting rules (deploy/prometheus/rules/) pass their promtool unit tests,
 * every rule is tested firing at least once, and the compose Prometheus config loads them.
 * promtool comes with Debian's `prometheus` package (.ci/run installs it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const RULES = "deploy/prometheus/rules/simak.rules.yml";
const TESTS = "deploy/prometheus/rules/simak.test.yml";

function promtool(args: string[]): string {
  return execFileSync("promtool", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("Prometheus alerting rules", () => {
  it("pass their promtool unit tests", () => {
    expect(promtool(["test", "rules", TESTS])).toContain("SUCCESS");
  });

  it("each rule has a unit test in which it fires", () => {
    const rules = parse(readFileSync(RULES, "utf8")) as { groups: { rules: { alert: string }[] }[] };
    const tests = parse(readFileSync(TESTS, "utf8")) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((test) =>
        test.alert_rule_test.filter((check) => check.exp_alerts.length > 0).map((check) => check.alertname),
      ),
    );
    const names = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(names).toHaveLength(9);
    expect(names.filter((name) => !firing.has(name))).toEqual([]);
  });

  it("are loaded by the compose Prometheus config, which promtool accepts", () => {
    const checked = promtool(["check", "config", "deploy/prometheus/prometheus.yml"]);
    expect(checked).toContain("SUCCESS: 1 rule files found");
    expect(checked).toContain("SUCCESS: 9 rules found");
  });
});
