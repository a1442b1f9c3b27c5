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

  it("keeps a Kafka session timeout within the broker's default bounds", () => {
    expect(loadConfig({}).consumer.sessionTimeoutMs).toBe(30_000);
    expect(loadConfig({ SIMAK_CONSUMER_SESSION_TIMEOUT_MS: "6000" }).consumer.sessionTimeoutMs).toBe(6000);
    const error = errorOf(() => loadConfig({ SIMAK_CONSUMER_SESSION_TIMEOUT_MS: "3000" }));
    expect(error.key).toBe("SIMAK_CONSUMER_SESSION_TIMEOUT_MS (consumer.sessionTimeoutMs)");
  });

  it("lets a Kafka fetch wait for some data at the broker, within bounds", () => {
    expect(loadConfig({}).consumer).toMatchObject({ fetchMinBytes: 32_768, fetchMaxWaitMs: 50 });
    const tuned = loadConfig({ SIMAK_CONSUMER_FETCH_MIN_BYTES: "1", SIMAK_CONSUMER_FETCH_MAX_WAIT_MS: "100" });
    expect(tuned.consumer).toMatchObject({ fetchMinBytes: 1, fetchMaxWaitMs: 100 });
    const error = errorOf(() => loadConfig({ SIMAK_CONSUMER_FETCH_MAX_WAIT_MS: "5000" }));
    expect(error.key).toBe("SIMAK_CONSUMER_FETCH_MAX_WAIT_MS (consumer.fetchMaxWaitMs)");
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
      maxProduceFailures: 10,
      sourceLeaseSeconds: 30,
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

  it("masks passwords in every URL, with or without a user name", () => {
    const config = loadConfig({
      REDIS_URL: "redis://:s3cret@redis:6379",
      CLICKHOUSE_URL: "http://simak:p@ss@clickhouse:8123/?x=1",
      KAFKA_BROKERS: "kafka:9092",
      SCHEMA_REGISTRY_URL: "https://reg:t0ken@registry:8080/apis/ccompat/v7",
    });
    const redacted = redactConfig(config);
    expect(redacted.redis?.url).toBe("redis://:***@redis:6379");
    expect(redacted.clickhouse.url).toBe("http://simak:***@clickhouse:8123/?x=1");
    expect(redacted.registry?.url).toBe("https://reg:***@registry:8080/apis/ccompat/v7");
    expect(JSON.stringify(redacted)).not.toMatch(/s3cret|p@ss|t0ken/);
  });

  it("refuses an HTTP endpoint beyond loopback without credentials, naming the keys", () => {
    expect(() => loadConfig({ SIMAK_HTTP_HOST: "0.0.0.0" })).toThrow(/SIMAK_HTTP_HOST.*SIMAK_DASHBOARD_TOKEN/);
    expect(loadConfig({ SIMAK_HTTP_HOST: "127.0.0.2" }).http.host).toBe("127.0.0.2");
    expect(loadConfig({ SIMAK_HTTP_HOST: "::1" }).http.host).toBe("::1");
    const guarded = loadConfig({ SIMAK_HTTP_HOST: "0.0.0.0", SIMAK_DASHBOARD_TOKEN: "0123456789abcdef" });
    expect(guarded.http.host).toBe("0.0.0.0");
  });
});
