/**
 * `simak` run from a folder other than its installation: the example configs it defaults to
 * (queries, accounts, alert rules) come from the installation, the data folder (.simak/) is made
 * in the current folder.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReplayFile } from "../../ingestors/replay/index.js";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { tempDir } from "../support/services.js";

const SIMAK = resolve("bin/simak.js");

describe("simak from another folder", () => {
  it("replays a file and queries it, with the installation's example configs", async () => {
    const cwd = tempDir("any-folder");
    const counts = await writeReplayFile(
      join(cwd, "mentions.jsonl"),
      createSyntheticIngestor({ seed: 9, speed: 0, maxMentions: 300, startTime: Date.now() - 3_600_000 }).events(
        new AbortController().signal,
      ),
    );
    const simak = (args: string[]) =>
      execFileSync(process.execPath, [SIMAK, ...args], {
        cwd,
        encoding: "utf8",
        // Port 1: `simak sql` finds no running process and opens the data folder itself.
        env: { PATH: process.env.PATH, SIMAK_LOG_LEVEL: "warn", SIMAK_HTTP_PORT: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();

    expect(JSON.parse(simak(["replay", "mentions.jsonl"]))).toEqual({
      mentions: 300,
      engagement: counts.engagement,
      web: 0,
      invalid: 0,
    });
    expect(existsSync(join(cwd, ".simak", "chdb"))).toBe(true);
    // Tagged by the installation's monitoring queries: mentions matched to an agency.
    expect(
      simak([
        "sql",
        "SELECT count(), countIf(length(topic_agencies) > 0) > 0 FROM simak.tagged_mentions",
        "--format",
        "TabSeparated",
      ]),
    ).toBe("300\t1");
  }, 90_000);
});
