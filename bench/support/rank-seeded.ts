/**
 * One author PageRank run over `mentions` seeded mentions (7 days of them, ending now), on a fresh
 * embedded ClickHouse; prints {mentions, seedSeconds, rankSeconds, authors, edges, heapPeakMb,
 * rssPeakMb} as JSON. Run in a child process with a small heap (--max-old-space-size) to show the
 * job's memory is bounded: `node --max-old-space-size=1024 --import tsx bench/support/rank-seeded.ts 6000000`.
 *
 * Seeded in ClickHouse with INSERT ... SELECT FROM numbers(): 50 000 authors; 40% posts naming one
 * account by handle, 20% replies and 20% comments to a recent mention, 20% shares (half of them
 * with an "RT @handle:" prefix); a 200-character text on each, as the old job would have read.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { MemoryStateStore } from "../../runtime/state/memory-state.js";
import { createStorage } from "../../runtime/storage/clickhouse.js";
import { migrate } from "../../runtime/storage/migrations.js";
import { rankAuthors } from "../../sinks/clickhouse/author-ranks.js";

const AUTHORS = 50_000;
const WEEK_MS = 7 * 86_400_000;

const mentions = Number(process.argv[2] ?? 6_000_000);
const dataDir = mkdtempSync(join(tmpdir(), "simak-rank-seeded-"));
const logger = pino({ level: "silent" });
const storage = createStorage({ username: "default", password: "", database: "simak", dataDir });
let heapPeak = 0;
let rssPeak = 0;
const sample = setInterval(() => {
  const usage = process.memoryUsage();
  heapPeak = Math.max(heapPeak, usage.heapUsed);
  rssPeak = Math.max(rssPeak, usage.rss);
}, 50);
try {
  await migrate(storage, logger);
  const now = Date.now();
  const seedStarted = performance.now();
  await storage.client.command({
    query: `INSERT INTO ${storage.table("tagged_mentions")}
        (platform, id, kind, author_id, author_handle, author_followers, author_verified, text, event_time,
         ingest_time, processed_time, parent_id, mentioned_handles)
      SELECT 'x', toString(number),
        multiIf(number % 10 < 4, 'post', number % 10 < 6, 'reply', number % 10 < 8, 'comment', 'share') AS kind,
        toString(cityHash64(number) % ${AUTHORS}), concat('h', toString(cityHash64(number) % ${AUTHORS})), 100, false,
        concat(if(kind = 'share' AND number % 20 = 8, concat('RT @h', toString(cityHash64(number, 3) % ${AUTHORS}), ': '), ''),
          repeat('antrean bpjs lama sekali ', 8)),
        fromUnixTimestamp64Milli(toInt64(${now - WEEK_MS} + number * ${WEEK_MS / mentions}), 'UTC') AS at, at, at,
        if(kind = 'post', NULL, toString(number - 1 - cityHash64(number, 1) % least(number, 1000))),
        if(kind = 'post', [concat('h', toString(cityHash64(number, 2) % ${AUTHORS}))], [])
      FROM numbers(1, ${mentions})`,
  });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const rankStarted = performance.now();
  const run = await rankAuthors({ storage, state: new MemoryStateStore(), prefix: "bench.", logger });
  const rankSeconds = (performance.now() - rankStarted) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      mentions,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      rankSeconds: Number(rankSeconds.toFixed(1)),
      authors: run.authors,
      edges: run.edges,
      iterations: run.iterations,
      heapPeakMb: Math.round(heapPeak / 2 ** 20),
      rssPeakMb: Math.round(rssPeak / 2 ** 20),
    })}\n`,
  );
} finally {
  clearInterval(sample);
  await storage.close();
  rmSync(dataDir, { recursive: true, force: true });
}
