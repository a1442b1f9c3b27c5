/**
 * What a person at a terminal sees of a running pipeline: a banner saying what runs and where to
 * look, then (between the log lines) a periodic one-line status read from the metrics registry.
 * Only used when the logs are human-readable; JSON logs get neither.
 */
import type { Pipeline } from "../app.js";
import type { SimakConfig } from "../config.js";
import { VERSION } from "../install.js";
import type { PipelineMetrics } from "../metrics.js";

/** Where the HTTP endpoint can be reached from this machine (a wildcard bind answers on loopback). */
function localUrl(host: string, port: number, path: string): string {
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${reachable}:${port}${path}`;
}

function describeMode(config: SimakConfig): string {
  if (!config.kafka) return "embedded (in-process bus and state, ClickHouse in-process through chdb)";
  const clickhouse = config.clickhouse.url ? "a ClickHouse server" : "embedded ClickHouse";
  return `scale-out (Kafka ${config.kafka.brokers.join(",")}, ${config.redis ? "Redis" : "in-process state"}, ${clickhouse})`;
}

export function formatBanner(config: SimakConfig, pipeline: Pick<Pipeline, "httpPort" | "stages">): string {
  const stages = pipeline.stages.map((stage) => stage.name).join(", ");
  const lines = [`Simak ${VERSION} · ${describeMode(config)}`, `  stages     ${stages}`];
  if (pipeline.httpPort !== undefined) {
    const { host } = config.http;
    if (pipeline.stages.some((stage) => stage.name === "dashboard")) {
      lines.push(`  dashboard  ${localUrl(host, pipeline.httpPort, "/dashboard/")}`);
    }
    lines.push(`  metrics    ${localUrl(host, pipeline.httpPort, "/metrics")}`);
  }
  lines.push(
    config.clickhouse.url
      ? `  data       ${config.clickhouse.url.replace(/\/\/[^@/]*@/, "//")} (database ${config.clickhouse.database})`
      : `  data       ${config.clickhouse.dataDir}`,
    "  stop       Ctrl+C (finishes what is in flight, commits, then exits; twice to force)",
  );
  return `${lines.join("\n")}\n\n`;
}

type Totals = Map<string, number>;

/** A metric's values summed per value of one label (e.g. events out per stage). */
export async function totalsBy(
  metric: { get(): Promise<{ values: { value: number; labels: object }[] }> },
  label: string,
): Promise<Totals> {
  const totals: Totals = new Map();
  for (const { value, labels } of (await metric.get()).values) {
    const key = String((labels as Record<string, unknown>)[label] ?? "");
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

const sum = (totals: Totals) => [...totals.values()].reduce((a, b) => a + b, 0);

/** `in→out` per stage, consumer lag, dead letters and alerts raised, as counted since start. */
export async function formatStatus(metrics: PipelineMetrics, stages: readonly string[]): Promise<string> {
  const [eventsIn, eventsOut, lag, deadLetters] = await Promise.all([
    totalsBy(metrics.eventsIn, "stage"),
    totalsBy(metrics.eventsOut, "stage"),
    totalsBy(metrics.consumerLag, "stage"),
    totalsBy(metrics.deadLetters, "stage"),
  ]);
  const flows = stages
    // The dashboard only reads; the alert stage's output is the alerts counted below.
    .filter((stage) => stage !== "dashboard" && stage !== "alert")
    .map((stage) => `${stage} ${eventsIn.get(stage) ?? 0}→${eventsOut.get(stage) ?? 0}`);
  const alerts = stages.includes("alert") ? [`alerts ${eventsOut.get("alert") ?? 0}`] : [];
  return [...flows, `lag ${sum(lag)}`, `dead letters ${sum(deadLetters)}`, ...alerts].join(" · ");
}

/** Prints the banner now and a status line every `intervalMs`; returns the function that stops it. */
export function startConsole(
  pipeline: Pipeline,
  options: { out: NodeJS.WritableStream; intervalMs: number; colors: boolean },
): () => void {
  const { config, metrics } = pipeline.context;
  options.out.write(formatBanner(config, pipeline));
  // Upstream first, the way mentions flow.
  const stages = pipeline.stages.map((stage) => stage.name).reverse();
  const timer = setInterval(() => {
    formatStatus(metrics, stages).then((status) => {
      const time = new Date().toTimeString().slice(0, 8);
      const head = options.colors ? `\u001b[90m${time}\u001b[0m \u001b[1mSTATUS\u001b[0m` : `${time} STATUS`;
      options.out.write(`${head} ${status}\n`);
    });
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
