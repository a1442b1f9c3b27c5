/**
 * The alerting rules and the Grafana dashboards against the real thing: Debian's Prometheus
 * (/usr/bin/prometheus, a config and data folder of its own, a free port on loopback) scrapes an
 * embedded `simak start`; then every alert expression and every dashboard panel's Prometheus
 * expression is evaluated through Prometheus' HTTP API and must be valid, every metric they name
 * must be one Simak exports, and every ClickHouse panel's SQL must run on Simak's tables.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort, type SimakProcess, spawnSimak, sqlOverHttp, tempDir, waitFor } from "../support/services.js";

const RULES = resolve("deploy/prometheus/rules/simak.rules.yml");
const DASHBOARDS = "deploy/grafana/dashboards";
const DATASOURCES = "deploy/grafana/provisioning/datasources/simak.yml";

interface Panel {
  title: string;
  datasource?: { uid: string };
  targets: { datasource: { type: string; uid: string }; expr?: string; rawSql?: string }[];
}

const alertExpressions = (
  parse(readFileSync(RULES, "utf8")) as { groups: { rules: { alert: string; expr: string }[] }[] }
).groups.flatMap((group) => group.rules.map((rule) => ({ name: rule.alert, expr: rule.expr })));

const panels: Panel[] = readdirSync(DASHBOARDS)
  .filter((name) => name.endsWith(".json"))
  .flatMap((name) => (JSON.parse(readFileSync(join(DASHBOARDS, name), "utf8")) as { panels: Panel[] }).panels);
const panelTargets = panels.flatMap((panel) => panel.targets.map((target) => ({ title: panel.title, ...target })));
const panelExpressions = panelTargets.flatMap((t) => (t.expr ? [{ name: t.title, expr: t.expr }] : []));
const panelQueries = panelTargets.flatMap((t) => (t.rawSql ? [{ name: t.title, sql: t.rawSql }] : []));

/** The metric names an expression reads: Simak's (simak_*) and the scrape's own `up`. */
function metricNames(expr: string): string[] {
  return [
    ...new Set([...expr.matchAll(/\b(simak_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((match) => match[1] as string)),
  ];
}

/** Every metric /metrics declares (`# TYPE`), with a histogram's _bucket, _sum and _count series. */
function exportedNames(metricsText: string): Set<string> {
  const names = new Set(["up"]);
  for (const [, name, type] of metricsText.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name as string);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
  }
  return names;
}

let simak: SimakProcess;
let prometheus: ChildProcess;
let simakPort: number;
let promUrl: string;

async function promQuery(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
}

beforeAll(async () => {
  simakPort = await freePort();
  simak = spawnSimak("prometheus-live", ["start"], {
    SIMAK_HTTP_PORT: String(simakPort),
    SIMAK_DATA_DIR: tempDir("prometheus-live"),
    SIMAK_LOG_LEVEL: "warn",
  });
  // Every metric the rules read is set once the aggregate stage has inserted window deltas.
  await waitFor(
    "window watermarks on /metrics",
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${simakPort}/metrics`)).text();
      return /^simak_window_watermark_seconds\{/m.test(text) ? true : undefined;
    },
    40_000,
  );

  const dir = tempDir("prometheus");
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      `rule_files: ["${RULES}"]`,
      "scrape_configs:",
      "  - job_name: simak",
      `    static_configs: [{ targets: ["127.0.0.1:${simakPort}"] }]`,
      "",
    ].join("\n"),
  );
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  prometheus = spawn(
    "/usr/bin/prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      "--log.level=warn",
    ],
    { stdio: "ignore" },
  );
  await waitFor(
    "a successful scrape of simak",
    async () => {
      const answer = await promQuery('up{job="simak"} == 1 and on () count(simak_window_watermark_seconds) > 0');
      return answer.data?.result.length === 1 ? true : undefined;
    },
    20_000,
  );
}, 60_000);

afterAll(async () => {
  prometheus?.kill("SIGTERM");
  if (simak) {
    simak.child.kill("SIGTERM");
    await simak.exited;
  }
});

describe("alert rules and dashboards on a real Prometheus scraping simak start", () => {
  it("loads every rule and evaluates each without error", async () => {
    const rules = await waitFor(
      "every rule evaluated",
      async () => {
        const answer = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
          data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
        };
        const all = answer.data.groups.flatMap((group) => group.rules);
        return all.length > 0 && all.every((rule) => rule.health !== "unknown") ? all : undefined;
      },
      15_000,
    );
    expect(rules.map((rule) => [rule.name, rule.health, rule.lastError ?? ""])).toEqual(
      alertExpressions.map((rule) => [rule.name, "ok", ""]),
    );
  });

  it("evaluates every alert and Prometheus panel expression, naming only metrics Simak exports", async () => {
    const exported = exportedNames(await (await fetch(`http://127.0.0.1:${simakPort}/metrics`)).text());
    const expressions = [...alertExpressions, ...panelExpressions];
    expect(expressions.length).toBe(9 + 15);
    for (const { name, expr } of expressions) {
      const answer = await promQuery(expr);
      expect([name, answer.status, answer.error ?? ""]).toEqual([name, "success", ""]);
      const names = metricNames(expr);
      expect(names.length, `${name}: ${expr}`).toBeGreaterThan(0);
      expect(
        names.filter((metric) => !exported.has(metric)),
        name,
      ).toEqual([]);
    }
  });

  it("sees the alert stage's lease under exported_job, so the leaderless rule stays quiet", async () => {
    const leader = await promQuery('simak_leader{job="simak", exported_job="alert"}');
    expect(((leader.data?.result ?? []) as { value: [number, string] }[]).map((series) => series.value[1])).toEqual([
      "1",
    ]);
    const leaderless = alertExpressions.find((rule) => rule.name === "SimakAlertStageLeaderless")?.expr as string;
    expect((await promQuery(leaderless)).data?.result).toEqual([]);
  });

  it("runs every ClickHouse panel's SQL on Simak's tables, with the data sources the dashboards name", async () => {
    const provisioned = (parse(readFileSync(DATASOURCES, "utf8")) as { datasources: { uid: string; type: string }[] })
      .datasources;
    for (const target of panelTargets) {
      expect(provisioned, target.title).toContainEqual(expect.objectContaining(target.datasource));
    }
    expect(panelQueries.length).toBe(6);
    for (const { name, sql } of panelQueries) {
      // Grafana's ClickHouse plugin expands $__timeFilter(column) to a range on the column.
      const query = sql.replace(/\$__timeFilter\((\w+)\)/g, "$1 >= now() - INTERVAL 1 DAY AND $1 <= now()");
      await expect(sqlOverHttp(simakPort, query), name).resolves.toEqual(expect.any(String));
    }
  });
});
