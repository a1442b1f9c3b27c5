import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

describe("docker-compose.yml", () => {
  it("is valid for docker-compose (no engine needed)", () => {
    // Throws with docker-compose's own message when the file is invalid.
    execFileSync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], {
      stdio: "pipe",
      env: { ...process.env, GRAFANA_ADMIN_PASSWORD: "a-test-password" },
    });
  });

  it("refuses to run Grafana without an admin password", () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.GRAFANA_ADMIN_PASSWORD;
    expect(() =>
      execFileSync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { stdio: "pipe", env }),
    ).toThrow(/set GRAFANA_ADMIN_PASSWORD/);
  });

  it("runs every service of the production stack, and each Simak stage with replicas", () => {
    const compose = parse(readFileSync("docker-compose.yml", "utf8")) as {
      services: Record<string, { command?: string[]; deploy?: { replicas?: number } }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        "aggregate",
        "alert",
        "clickhouse",
        "dashboard",
        "enrich",
        "grafana",
        "ingest",
        "kafka",
        "process",
        "prometheus",
        "redis",
        "registry",
        "sink",
      ].sort(),
    );
    for (const stage of ["ingest", "process", "enrich", "sink", "aggregate", "alert", "dashboard"]) {
      expect(compose.services[stage]?.command?.slice(0, 2)).toEqual(["run", stage]);
      expect(compose.services[stage]?.deploy?.replicas).toBeGreaterThanOrEqual(1);
    }
    expect(compose.services.process?.deploy?.replicas).toBe(3);
  });
});
