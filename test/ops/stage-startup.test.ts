/**
 * A process of one stage loads that stage's code and the plumbing, not the other stages' code nor
 * the other commands' (dashboard, taggers, ingestors, ClickHouse, reports), and compiles what it
 * loads once for the next starts: that was a few hundred ms of CPU at every start of a scaled-out
 * stage process (bench:enrichment).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/services.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** Preloaded: prints the URL of every module the process loaded when it exits. */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
  import { registerHooks } from "node:module";
  const loaded = [];
  registerHooks({ load: (url, context, next) => (loaded.push(url), next(url, context)) });
  process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(loaded) + "\\n"));`)}`;

/** Runs node with `args` in a fresh process from the repository root; the repository files it loaded. */
function filesLoadedBy(args: string[]): string[] {
  const { stderr } = spawnSync(process.execPath, ["--import", "tsx", "--import", RECORD_LOADS, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const line = stderr.split("\n").find((text) => text.startsWith("LOADED "));
  if (line === undefined) throw new Error(`no list of loaded modules; stderr: ${stderr}`);
  const root = `file://${ROOT}/`;
  return (JSON.parse(line.slice("LOADED ".length)) as string[])
    .filter((url) => url.startsWith(root) && !url.includes("/node_modules/"))
    .map((url) => url.slice(root.length));
}

/** Code that only other stages or commands use. */
const OTHERS = [
  /^dashboard\//,
  /^ingestors\/(?!names\.ts)/,
  /^sinks\//,
  /^runtime\/storage\//,
  /^pipeline\/stages\/(process|ingest|alert|aggregate)\.ts$/,
  /^pipeline\/cli\/(sentiment|places|alerts|responsiveness|report|sources)\.ts$/,
  /^processors\/(index|sentiment\/index|topics\/index)\.ts$/,
];

describe("a stage's process", () => {
  it("starts the enrich stage without loading the other stages' code", () => {
    const dataDir = JSON.stringify(tempDir("stage-startup"));
    const loaded = filesLoadedBy([
      "--input-type=module",
      "-e",
      `
      const { startPipeline } = await import("./pipeline/app.ts");
      const { loadConfig } = await import("./runtime/config.ts");
      const config = loadConfig({ SIMAK_DATA_DIR: ${dataDir}, SIMAK_LOG_LEVEL: "silent" });
      const pipeline = await startPipeline({ config, stages: ["enrich"], http: false });
      await pipeline.stop();`,
    ]);
    expect(loaded).toContain("pipeline/stages/enrich.ts");
    expect(loaded.filter((file) => OTHERS.some((other) => other.test(file)))).toEqual([]);
  });

  it("parses `simak run <stage>` without loading the other commands' code", () => {
    // An unknown stage stops the command after parsing, before anything starts.
    const loaded = filesLoadedBy(["bin/simak.js", "run", "nosuch"]);
    expect(loaded).toContain("pipeline/cli/main.ts");
    expect(loaded.filter((file) => OTHERS.some((other) => other.test(file)))).toEqual([]);
  });

  it("keeps V8's compiled code of its modules on disk for the next start", () => {
    const cache = tempDir("compile-cache");
    spawnSync(process.execPath, [join(ROOT, "bin", "simak.js"), "run", "nosuch"], {
      env: { ...process.env, NODE_COMPILE_CACHE: cache },
    });
    expect(readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);
  });

  it("loads every command for the help", () => {
    const loaded = filesLoadedBy(["bin/simak.js", "--help"]);
    expect(loaded).toEqual(expect.arrayContaining(["pipeline/cli/report.ts", "pipeline/cli/sources.ts"]));
  });
});
