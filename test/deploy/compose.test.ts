import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/** The secrets the stack refuses to start without (docs/security.md). */
const SECRETS = {
  CLICKHOUSE_PASSWORD: "pipeline-password",
  CLICKHOUSE_ADMIN_PASSWORD: "admin-password",
  SIMAK_DASHBOARD_TOKEN: "0123456789abcdef",
  GRAFANA_ADMIN_PASSWORD: "grafana-password",
};

interface Service {
  image?: string;
  command?: string[];
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  ports?: (string | { published: number; target: number; host_ip?: string })[];
  volumes?: string[];
}

/** `docker-compose config` with these variables: the file as compose resolves it. */
function composeConfig(env: Record<string, string>): string {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in SECRETS)));
  return execFileSync("docker-compose", ["-f", "docker-compose.yml", "config"], {
    stdio: "pipe",
    env: { ...clean, ...env },
    encoding: "utf8",
  });
}

let resolvedOnce: { services: Record<string, Service> } | undefined;
const resolved = () => {
  resolvedOnce ??= parse(composeConfig(SECRETS)) as { services: Record<string, Service> };
  return resolvedOnce;
};

describe("docker-compose.yml", () => {
  it("is valid for docker-compose (no engine needed)", () => {
    // Throws with docker-compose's own message when the file is invalid.
    execFileSync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], {
      stdio: "pipe",
      env: { ...process.env, ...SECRETS },
    });
  });

  it("has no default for any secret: each one missing stops compose, naming it", () => {
    for (const name of Object.keys(SECRETS)) {
      const without = Object.fromEntries(Object.entries(SECRETS).filter(([key]) => key !== name));
      expect(() => composeConfig(without), name).toThrow(new RegExp(`set ${name}`));
    }
  });

  it("publishes only the dashboard beyond loopback; ClickHouse and Prometheus on 127.0.0.1", () => {
    const { services } = resolved();
    const exposed: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        const loopback = typeof port === "string" ? port.startsWith("127.0.0.1:") : port.host_ip === "127.0.0.1";
        if (!loopback) exposed.push(name);
      }
    }
    expect(exposed).toEqual(["dashboard"]);
    expect(services.clickhouse?.ports).toEqual(["127.0.0.1:8123:8123/tcp"]);
    expect(services.prometheus?.ports).toEqual(["127.0.0.1:9090:9090/tcp"]);
  });

  it("runs the stages as a non-admin ClickHouse user that the admin creates at first start", () => {
    const { services } = resolved();
    const clickhouse = services.clickhouse as Service;
    expect(clickhouse.environment?.CLICKHOUSE_USER).toBe("admin");
    expect(clickhouse.environment?.CLICKHOUSE_PASSWORD).toBe(SECRETS.CLICKHOUSE_ADMIN_PASSWORD);
    expect(clickhouse.environment?.SIMAK_CLICKHOUSE_PASSWORD).toBe(SECRETS.CLICKHOUSE_PASSWORD);
    expect(
      clickhouse.volumes?.some((volume) => volume.endsWith("/deploy/docker/clickhouse:/docker-entrypoint-initdb.d:ro")),
    ).toBe(true);
    const init = readFileSync("deploy/docker/clickhouse/01-simak-user.sh", "utf8");
    expect(init).toMatch(/CREATE USER IF NOT EXISTS simak /);
    // Grants on the simak database only: no `*.*`, no access management, no sources (file, url, s3, remote).
    const grants = init.split("\n").filter((line) => line.startsWith("GRANT"));
    expect(grants.length).toBeGreaterThan(0);
    for (const grant of grants) expect(grant).toMatch(/ ON \\`\$\{database\}\\`\.\* TO simak;$/);
    expect(init).not.toMatch(/ACCESS MANAGEMENT|GRANT ALL|\*\.\*|SOURCES|URL|FILE|S3|REMOTE/);
    for (const stage of [
      "ingest",
      "process",
      "enrich",
      "sink",
      "aggregate",
      "responsiveness",
      "issues",
      "coordination",
      "alert",
      "dashboard",
    ]) {
      expect(services[stage]?.environment?.CLICKHOUSE_USER, stage).toBe("simak");
      expect(services[stage]?.environment?.CLICKHOUSE_PASSWORD, stage).toBe(SECRETS.CLICKHOUSE_PASSWORD);
      expect(services[stage]?.environment?.SIMAK_DASHBOARD_TOKEN, stage).toBe(SECRETS.SIMAK_DASHBOARD_TOKEN);
    }
  });

  it("pins every image to an exact version, never a floating tag", () => {
    const { services } = resolved();
    const images = Object.entries(services)
      .filter(([, service]) => service.image && !service.image.startsWith("simak:"))
      .map(([, service]) => service.image as string);
    expect(images.length).toBe(6);
    for (const image of images) {
      // name:1.2.3 (three or more numeric parts, an optional v), optionally @sha256:<digest>
      expect(image).toMatch(/^[\w./-]+:v?\d+(\.\d+){2,}(@sha256:[0-9a-f]{64})?$/);
    }
    const dockerfile = readFileSync("deploy/docker/Dockerfile", "utf8");
    for (const from of dockerfile.match(/^FROM \S+/gm) ?? [])
      expect(from).toMatch(/^FROM node:\d+\.\d+\.\d+-bookworm-slim$/);
  });

  it("runs every service of the production stack, and each Simak stage with replicas", () => {
    const compose = parse(readFileSync("docker-compose.yml", "utf8")) as { services: Record<string, Service> };
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        "aggregate",
        "alert",
        "clickhouse",
        "coordination",
        "dashboard",
        "enrich",
        "grafana",
        "ingest",
        "issues",
        "kafka",
        "process",
        "prometheus",
        "redis",
        "registry",
        "responsiveness",
        "sink",
      ].sort(),
    );
    for (const stage of [
      "ingest",
      "process",
      "enrich",
      "sink",
      "aggregate",
      "responsiveness",
      "issues",
      "coordination",
      "alert",
      "dashboard",
    ]) {
      expect(compose.services[stage]?.command?.slice(0, 2)).toEqual(["run", stage]);
      expect(compose.services[stage]?.deploy?.replicas).toBeGreaterThanOrEqual(1);
    }
    expect(compose.services.process?.deploy?.replicas).toBe(3);
  });
});
