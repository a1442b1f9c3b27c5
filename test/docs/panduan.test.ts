/**
 * docs/panduan.md as a reader would use it: each ```yaml block (first line `# <file name>`) is
 * written to that file in a fresh folder and loaded by the loader Simak uses for it; each ```sh
 * line is run there, in order, with `npx simak` standing for this checkout's bin/simak.js (and
 * `simak start` stopped once it runs); the ```text block is what the `simak sql` before it prints.
 * contoh.jsonl, the page's sample data, is 300 simulated mentions.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReplayFile } from "../../ingestors/replay/index.js";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { parseAccountFile } from "../../processors/accounts/registry.js";
import { loadAlertConfig } from "../../processors/alerts/index.js";
import { compileQueryFile } from "../../processors/topics/load.js";
import { freePort, tempDir, waitFor } from "../support/services.js";

const SIMAK = resolve("bin/simak.js");
const page = readFileSync("docs/panduan.md", "utf8");
const blocks = [...page.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((match) => ({
  kind: match[1] as string,
  text: match[2] as string,
}));

/** `A=1 B=2 npx simak x "y z"` -> its environment and simak's arguments. */
function parseCommand(line: string): { env: Record<string, string>; args: string[] } {
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? (match[2] as string));
  const env: Record<string, string> = {};
  while (words[0]?.includes("=")) {
    const [name, value] = (words.shift() as string).split("=", 2) as [string, string];
    env[name] = value;
  }
  expect(words.slice(0, 2), line).toEqual(["npx", "simak"]);
  return { env, args: words.slice(2) };
}

describe("docs/panduan.md", () => {
  it("its config files load, and its commands run as written", async () => {
    const cwd = tempDir("panduan");
    const port = String(await freePort());
    const baseEnv = { PATH: process.env.PATH, SIMAK_LOG_LEVEL: "warn", SIMAK_HTTP_PORT: port };
    const counts = await writeReplayFile(
      join(cwd, "contoh.jsonl"),
      createSyntheticIngestor({ seed: 11, speed: 0, maxMentions: 300, startTime: Date.now() - 3_600_000 }).events(
        new AbortController().signal,
      ),
    );

    const files = blocks.filter((block) => block.kind === "yaml");
    expect(files.map((block) => block.text.split("\n")[0])).toEqual(["# kueri.yaml", "# akun.yaml", "# aturan.yaml"]);
    for (const block of files) writeFileSync(join(cwd, (block.text.split("\n")[0] as string).slice(2)), block.text);
    const queries = compileQueryFile(readFileSync(join(cwd, "kueri.yaml"), "utf8"), "kueri.yaml");
    expect(queries.queries.map((query) => query.id)).toEqual([
      "bpjs-kesehatan/umum",
      "bpjs-kesehatan/antrean",
      "bmkg/gempa",
      "banjir",
    ]);
    const accounts = parseAccountFile(readFileSync(join(cwd, "akun.yaml"), "utf8"), "akun.yaml");
    expect(accounts.agencies.map((agency) => agency.id)).toEqual(["bpjs-kesehatan", "bmkg"]);
    expect(accounts.accounts).toHaveLength(3);
    const rules = await loadAlertConfig(join(cwd, "aturan.yaml"), {});
    expect(rules.rules.map((rule) => rule.id)).toEqual(["bpjs-negatif-melonjak"]);

    const lines = blocks
      .filter((block) => block.kind === "sh")
      .flatMap((block) => block.text.trim().split("\n"))
      .filter((line) => !line.startsWith("npm "));
    const printed: string[] = [];
    for (const line of lines) {
      const { env, args } = parseCommand(line);
      if (args[0] === "start") {
        // In a folder of its own ("from any folder"), so its simulated mentions stay out of the counts below.
        const elsewhere = join(cwd, "start");
        mkdirSync(elsewhere);
        const child = spawn(process.execPath, [SIMAK, ...args], {
          cwd: elsewhere,
          env: { ...baseEnv, ...env },
          stdio: "ignore",
        });
        const exited = new Promise((done) => child.once("exit", (code) => done(code)));
        await waitFor(
          "simak start to answer",
          async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined),
          45_000,
        );
        child.kill("SIGTERM");
        expect(await exited, line).toBe(0);
        continue;
      }
      // SIMAK_HTTP_PORT of no running process: `simak sql` opens the data folder itself.
      printed.push(
        execFileSync(process.execPath, [SIMAK, ...args], {
          cwd,
          env: { ...baseEnv, SIMAK_HTTP_PORT: "1", ...env },
          encoding: "utf8",
        }),
      );
    }
    expect(lines.map((line) => parseCommand(line).args[0])).toEqual(["start", "config", "replay", "sql", "alerts"]);
    const [config, replayed, sql, backtest] = printed as [string, string, string, string];
    expect(JSON.parse(config).clickhouse.dataDir).toBe(".simak/chdb");
    expect(JSON.parse(replayed)).toEqual({ mentions: 300, engagement: counts.engagement, web: 0, invalid: 0 });
    expect(sql).toBe(blocks.find((block) => block.kind === "text")?.text);
    expect(backtest).toMatch(/^(no alerts|window end +rule +scope +status)/);
  }, 120_000);
});
