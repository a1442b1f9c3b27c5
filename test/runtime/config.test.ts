import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, knownEnvKeys, loadConfig, redactConfig } from "../../runtime/config.js";

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "simak-config-")), "simak.yaml");
  writeFileSync(path, text);
  return path;
}

describe("configuration", () => {
  it("runs embedded with no configuration at all", () => {
    const config = loadConfig({});
    expect(config.kafka).toBeUndefined();
    expect(config.redis).toBeUndefined();
    expect(config.clickhouse.url).toBeUndefined();
    expect(config.sink).toEqual({
      batchRows: 5000,
      flushMs: 1000,
      minFlushIntervalMs: 200,
      pagerankIntervalMs: 300_000,
    });
    expect(config.http.port).toBe(9464);
  });

  it("maps the service variables onto the scale-out adapters", () => {
    const config = loadConfig({
      KAFKA_BROKERS: "127.0.0.1:9092, 127.0.0.1:9094",
      SCHEMA_REGISTRY_URL: "http://127.0.0.1:8081/apis/ccompat/v7",
      REDIS_URL: "redis://127.0.0.1:6379",
      CLICKHOUSE_URL: "http://127.0.0.1:8123",
      SIMAK_SINK_BATCH_ROWS: "250",
    });
    expect(config.kafka?.brokers).toEqual(["127.0.0.1:9092", "127.0.0.1:9094"]);
    expect(config.registry?.url).toBe("http://127.0.0.1:8081/apis/ccompat/v7");
    expect(config.redis?.url).toBe("redis://127.0.0.1:6379");
    expect(config.sink.batchRows).toBe(250);
  });

  it("names the variable and the key of a bad value", () => {
    const error = errorOf(() => loadConfig({ SIMAK_SINK_FLUSH_MS: "soon" }));
    expect(error.key).toBe("SIMAK_SINK_FLUSH_MS (sink.flushMs)");
    expect(error.message).toContain("SIMAK_SINK_FLUSH_MS (sink.flushMs)");
  });

  it("refuses an unknown SIMAK_ variable by name", () => {
    const error = errorOf(() => loadConfig({ SIMAK_SINK_BATCH: "10" }));
    expect(error.key).toBe("SIMAK_SINK_BATCH");
    expect(error.message).toMatch(/^unknown configuration variable SIMAK_SINK_BATCH; known: /);
  });

  it("refuses an unknown key in the config file with its path", () => {
    const path = configFile("sink:\n  batchRows: 10\n  flushMillis: 5\n");
    const error = errorOf(() => loadConfig({ SIMAK_CONFIG: path }));
    expect(error.key).toBe("sink.flushMillis");
    expect(error.message).toBe("invalid configuration at sink.flushMillis: unknown key");
  });

  it("lets the environment override the file", () => {
    const path = configFile("sink:\n  batchRows: 10\nsimulator:\n  seed: 7\n");
    const config = loadConfig({ SIMAK_CONFIG: path, SIMAK_SINK_BATCH_ROWS: "20" });
    expect(config.sink.batchRows).toBe(20);
    expect(config.simulator.seed).toBe(7);
  });

  it("requires a schema registry with Kafka", () => {
    const error = errorOf(() => loadConfig({ KAFKA_BROKERS: "127.0.0.1:9092" }));
    expect(error.key).toBe("registry.url");
  });

  it("serves webhooks on their own listener, never the dashboard's port", () => {
    expect(loadConfig({ SIMAK_SOURCES_FILE: "s.yaml", SIMAK_WEBHOOK_LISTEN: "0.0.0.0:9465" }).ingest).toEqual({
      sourcesFile: "s.yaml",
      webhookListen: "0.0.0.0:9465",
    });
    expect(errorOf(() => loadConfig({ SIMAK_WEBHOOK_LISTEN: "9465" })).message).toBe(
      "invalid configuration at SIMAK_WEBHOOK_LISTEN (ingest.webhookListen): expected host:port",
    );
    expect(errorOf(() => loadConfig({ SIMAK_WEBHOOK_LISTEN: "0.0.0.0:9464" })).key).toBe("ingest.webhookListen");
  });

  it("every variable is documented in the README's configuration table", () => {
    const readme = readFileSync("README.md", "utf8");
    const undocumented = knownEnvKeys().filter((name) => !readme.includes(`\`${name}`));
    expect(undocumented).toEqual([]);
  });

  it("masks secrets when printing", () => {
    const config = loadConfig({
      REDIS_URL: "redis://simak:hunter2@127.0.0.1:6379",
      CLICKHOUSE_PASSWORD: "hunter2",
    });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toContain("hunter2");
    expect(redactConfig(config).redis?.url).toBe("redis://simak:***@127.0.0.1:6379");
  });
});
