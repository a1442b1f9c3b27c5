/**
 * Acceptance of the console: `simak start` on a terminal (a pseudo-terminal from script(1)) prints
 * the banner, human-readable log lines and the periodic status; without a terminal every line it
 * writes, on stdout and stderr, is a JSON log record.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReplayFile } from "../../ingestors/replay/index.js";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { freePort, spawnSimak, tempDir, waitFor } from "../support/services.js";

/** The environment without the developer's SIMAK_/service variables, plus `extra`. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm" };
  return { ...env, ...extra };
}

function collect(child: ChildProcess): { text: () => string } {
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  return { text: () => text };
}

describe("simak start's console", () => {
  it("on a terminal: banner, readable log lines and a status line", async () => {
    const port = await freePort();
    const dataDir = tempDir("console-tty");
    // script(1) gives the command a pseudo-terminal; its own group so the test can stop both.
    const child = spawn("script", ["-q", "-e", "-c", `exec "${process.execPath}" bin/simak.js start`, "/dev/null"], {
      env: envWith({ SIMAK_HTTP_PORT: String(port), SIMAK_DATA_DIR: dataDir, NO_COLOR: "1" }),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const output = collect(child);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      const text = await waitFor(
        "a status line",
        async () => (/^\d\d:\d\d:\d\d STATUS /m.test(output.text()) ? output.text().replaceAll("\r", "") : undefined),
        45_000,
      );
      expect(text).toContain(
        [
          "Simak 0.1.0 · embedded (in-process bus and state, ClickHouse in-process through chdb)",
          "  stages     dashboard, sink, alert, aggregate, responsiveness, issues, coordination, enrich, process, ingest",
          `  dashboard  http://127.0.0.1:${port}/dashboard/`,
          `  metrics    http://127.0.0.1:${port}/metrics`,
          `  data       ${dataDir}`,
          "  stop       Ctrl+C (finishes what is in flight, commits, then exits; twice to force)",
        ].join("\n"),
      );
      expect(text).toMatch(/^\d\d:\d\d:\d\d INFO {2}sink stage started topics=\[\S+ storage=chdb$/m);
      expect(text).toMatch(/^\d\d:\d\d:\d\d INFO {2}alert stage started rulesFile=\S+alerts-demo\.yaml rules=1/m);
      expect(text).toMatch(
        /^\d\d:\d\d:\d\d STATUS ingest \d+→\d+ · process \d+→\d+ · enrich \d+→\d+ · coordination \d+→\d+ · issues \d+→\d+ · responsiveness \d+→\d+ · aggregate \d+→\d+ · sink \d+→\d+ · lag \d+ · dead letters 0 · alerts \d+$/m,
      );
      // No JSON record reaches the terminal.
      expect(text).not.toMatch(/^\{"level"/m);
    } finally {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
      await exited;
    }
  }, 60_000);

  it("without a terminal: every line on stdout and stderr is JSON", async () => {
    const port = await freePort();
    const simak = spawnSimak("console-json", ["start"], {
      SIMAK_HTTP_PORT: String(port),
      SIMAK_DATA_DIR: tempDir("console-json"),
      SIMAK_LOG_LEVEL: "info",
    });
    const output = collect(simak.child);
    await waitFor(
      "simak running",
      async () => (output.text().includes('"msg":"simak running"') ? true : undefined),
      45_000,
    );
    simak.child.kill("SIGTERM");
    expect(await simak.exited).toEqual({ code: 0, signal: null });
    const lines = output.text().trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((line) => JSON.parse(line).msg)).toContain("pipeline stopped");
  }, 60_000);

  it("simak replay on a terminal: progress on the line it redraws, then the counts", async () => {
    const dir = tempDir("console-replay");
    const file = join(dir, "mentions.jsonl");
    await writeReplayFile(
      file,
      createSyntheticIngestor({ seed: 3, speed: 0, maxMentions: 200, startTime: Date.now() - 3_600_000 }).events(
        new AbortController().signal,
      ),
    );
    const output = execFileSync(
      "script",
      ["-q", "-e", "-c", `exec "${process.execPath}" bin/simak.js replay ${file}`, "/dev/null"],
      {
        env: envWith({ SIMAK_DATA_DIR: join(dir, "chdb"), SIMAK_LOG_LEVEL: "warn", NO_COLOR: "1" }),
        encoding: "utf8",
      },
    );
    // The progress line is redrawn in place (carriage return, erase line), then cleared for the counts.
    const shown = output.replaceAll("\r\u001b[K", "<redraw>");
    expect(shown).toMatch(/<redraw>replay: \d+ events read, \d+ rows stored/);
    expect(shown).toMatch(/<redraw>\{"mentions":200,"engagement":\d+,"web":0,"invalid":0\}\r?\n$/);
  }, 60_000);
});
