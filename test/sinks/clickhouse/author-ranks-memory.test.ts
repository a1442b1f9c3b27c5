/**
 * The PageRank job in bounded memory: a run over 400 000 seeded mentions (200-character texts)
 * completes in a child process whose V8 heap is capped at 160 MB, because only the merged edges
 * leave ClickHouse. (Reading the mentions themselves, as the job once did, needs several times
 * that.) The 6-million-mention run with a 1 GB heap is `npm run bench:pagerank`.
 */
import { spawn } from "node:child_process";
import { describe, expect, it, onTestFinished } from "vitest";

const MENTIONS = 400_000;

describe("author PageRank memory", () => {
  it(`ranks ${MENTIONS} seeded mentions with a 160 MB heap`, async () => {
    const child = spawn(
      process.execPath,
      ["--max-old-space-size=160", "--import", "tsx", "bench/support/rank-seeded.ts", String(MENTIONS)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(err.slice(-2000)).toBe("");
    expect(code).toBe(0);
    const run = JSON.parse(out) as { mentions: number; authors: number; edges: number };
    expect(run.mentions).toBe(MENTIONS);
    // Every mention but a post naming its own author, or a reply to itself, gives one edge.
    expect(run.edges).toBeGreaterThan(0.95 * MENTIONS);
    expect(run.authors).toBeGreaterThan(49_000);
  }, 180_000);
});
