/**
 * The sink's author PageRank job on a week at the default rate: 6 million seeded mentions (or the
 * count given), ranked in a child process whose V8 heap is capped at 1 GB. Prints the child's
 * report (seed and rank seconds, authors, edges, peak heap and RSS). Run: npm run bench:pagerank [mentions]
 */
import { spawnSync } from "node:child_process";

const mentions = process.argv[2] ?? "6000000";
const child = spawnSync(
  process.execPath,
  ["--max-old-space-size=1024", "--import", "tsx", "bench/support/rank-seeded.ts", mentions],
  { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
);
if (child.status !== 0) {
  process.stderr.write(`PageRank run failed (exit ${child.status}, signal ${child.signal})\n`);
  process.exit(1);
}
process.stdout.write(child.stdout);
