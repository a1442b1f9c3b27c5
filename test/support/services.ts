/**
 * The real services the integration tests run against, as started by deploy/local/services.sh
 * (which `npm test` runs first). Every test isolates itself with its own topic prefix, consumer
 * groups, Redis key namespace and ClickHouse data folder, so runs never see each other's data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { loadConfig, type SimakConfig } from "../../runtime/config.js";

export const SERVICES = {
  kafkaBrokers: `127.0.0.1:${process.env.LOCAL_KAFKA_PORT ?? "9092"}`,
  registryUrl: `http://127.0.0.1:${process.env.LOCAL_REGISTRY_PORT ?? "8081"}/apis/ccompat/v7`,
  redisUrl: `redis://127.0.0.1:${process.env.LOCAL_REDIS_PORT ?? "6379"}`,
};

export const ARTIFACTS_DIR = join(process.cwd(), "test-artifacts");

let counter = 0;
/** A topic prefix no other test or run uses. */
export function uniquePrefix(name: string): string {
  counter++;
  return `test.${name}.${Date.now().toString(36)}${process.pid.toString(36)}${counter}.`;
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `simak-${name}-`));
}

/** Environment for a Simak process on the real services, isolated by `prefix`. */
export function serviceEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: SERVICES.kafkaBrokers,
    SCHEMA_REGISTRY_URL: SERVICES.registryUrl,
    REDIS_URL: SERVICES.redisUrl,
    SIMAK_TOPIC_PREFIX: prefix,
    SIMAK_LOG_LEVEL: "warn",
    ...extra,
  };
}

/**
 * For a stage process a test will SIGKILL: the group hands its partitions over once its session
 * has expired, 10 s after its death rather than 30. Only there: a member whose batch outlasts its
 * session (kafkajs heartbeats between batches) is evicted, as a busy one on a loaded machine can be.
 */
export const KILLED_MEMBER_ENV = { SIMAK_CONSUMER_SESSION_TIMEOUT_MS: "10000" };

export function serviceConfig(prefix: string, extra: Record<string, string> = {}): SimakConfig {
  return loadConfig(serviceEnv(prefix, extra));
}

/** The environment without SIMAK_/service variables of the developer's shell. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("SIMAK_") || /^(KAFKA|SCHEMA_REGISTRY|REDIS|CLICKHOUSE)_/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

export interface SimakProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

/** Starts `simak <args>` as its own process; its output goes to test-artifacts/logs/<label>.log. */
export function spawnSimak(label: string, args: string[], env: Record<string, string>): SimakProcess {
  mkdirSync(join(ARTIFACTS_DIR, "logs"), { recursive: true });
  const logFile = join(ARTIFACTS_DIR, "logs", `${label}.log`);
  const log = createWriteStream(logFile, { flags: "w" });
  const child = spawn(process.execPath, ["bin/simak.js", ...args], {
    env: { ...cleanEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, logFile };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** Runs SQL on the embedded ClickHouse of a running Simak process through its /api/sql endpoint. */
export async function sqlOverHttp(port: number, query: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/sql?format=TabSeparated`, {
    method: "POST",
    headers: { "content-type": "application/sql" },
    body: query,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(text);
  return text.trim();
}

export interface HttpAnswer {
  status: number;
  headers: import("node:http").IncomingHttpHeaders;
  body: string;
}

/**
 * One request to 127.0.0.1 with node:http (fetch will not send a Host header of our choosing); an
 * event stream is read up to its first event, then closed.
 */
export async function httpCall(
  port: number,
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers },
      (res) => {
        let body = "";
        const answer = () => ({ status: res.statusCode ?? 0, headers: res.headers, body });
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (res.headers["content-type"]?.startsWith("text/event-stream") && body.includes("\n\n")) {
            resolve(answer());
            req.destroy();
          }
        });
        res.on("end", () => resolve(answer()));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A counter or gauge from a running Simak process's /metrics: the series of `name` whose labels contain `labels` (0 if none). */
export async function metric(port: number, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

/** A daytime start (steady rate) recent enough for the mentions table's 90-day TTL. */
export function yesterdayAtTenWib(): string {
  const yesterday = new Date(Date.now() - 24 * 3_600_000);
  return new Date(
    Date.UTC(yesterday.getUTCFullYear(), yesterday.getUTCMonth(), yesterday.getUTCDate(), 3),
  ).toISOString();
}

/** SIGKILLs a stage once its simak_events_out_total series reaches `threshold`; returns the count then. */
export async function killWhenReached(
  stage: SimakProcess,
  port: number,
  labels: string,
  threshold: number,
): Promise<number> {
  const reached = await waitFor(
    `${labels} to reach ${threshold}`,
    async () => {
      const out = await metric(port, "simak_events_out_total", labels);
      return out >= threshold ? out : undefined;
    },
    120_000,
    20,
  );
  stage.child.kill("SIGKILL");
  expect((await stage.exited).signal).toBe("SIGKILL");
  return reached;
}
