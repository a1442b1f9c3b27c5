/**
 * RSS polling cost: one round over N feeds (default 500) through the rss ingestor's poll (shared
 * HTTP client, conditional GET, XML parse, item mapping, checkpoint), against, in the same run and
 * on the same local feed server, a bare fetch of the same URLs (body read, nothing parsed):
 *   - round 1: every feed answers 200 with 20 items and an ETag;
 *   - round 2: every feed answers 304 to the ETag (the steady state).
 * Reported: wall time and CPU (user+system of this process, which also serves the feeds: the same
 * in both) per round, and the ratio ingestor / bare.
 *
 *   npx tsx bench/rss.bench.ts          (BENCH_FEEDS=500, BENCH_CONCURRENCY=50)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { emptyState, type FeedState, pollOnce } from "../ingestors/rss/index.js";
import { HttpClient } from "../runtime/http-client.js";

const FEEDS = Number(process.env.BENCH_FEEDS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

function feedBody(feed: number): string {
  const now = Date.now();
  const items = Array.from(
    { length: 20 },
    (_, i) =>
      `<item><title>Berita ${feed}-${i}: antrean BPJS &amp; layanan RSUD</title><link>https://portal${feed}.example.id/berita/${i}?utm_source=rss</link><description>&lt;p&gt;Warga mengeluhkan antrean panjang di RSUD, kata pejabat ${i}.&lt;/p&gt;</description><pubDate>${new Date(now - i * 60_000).toUTCString()}</pubDate><guid>https://portal${feed}.example.id/berita/${i}</guid></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Portal ${feed}</title><language>id</language>${items.join("")}</channel></rss>`;
}

const bodies = Array.from({ length: FEEDS }, (_, i) => feedBody(i));
const server = createServer((req, res) => {
  const feed = Number((req.url ?? "").match(/\/feed\/(\d+)/)?.[1]);
  const etag = `"f${feed}"`;
  if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
  res.writeHead(200, { "content-type": "application/rss+xml", etag }).end(bodies[feed]);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const urls = Array.from({ length: FEEDS }, (_, i) => `${base}/feed/${i}`);

/** Runs `work` over every index, CONCURRENCY at a time; wall and CPU ms. */
async function measure(work: (i: number) => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < FEEDS) await work(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

const http = new HttpClient();
const signal = new AbortController().signal;
const states: FeedState[] = urls.map(emptyState);
let items = 0;
const ingestorRound = () =>
  measure(async (i) => {
    const events = await pollOnce(
      { name: "bench", platform: "news" },
      { url: urls[i] as string },
      states[i] as FeedState,
      http,
      Date,
      signal,
    );
    items += events.filter((event) => event.type === "mention").length;
  });
const etags: (string | null)[] = urls.map(() => null);
const bareRound = () =>
  measure(async (i) => {
    const etag = etags[i];
    const response = await fetch(urls[i] as string, { headers: etag ? { "if-none-match": etag } : {} });
    await response.text();
    etags[i] = response.headers.get("etag");
  });

// The bare fetch runs first in each round, so it, not the ingestor, pays for the cold start.
const bare1 = await bareRound();
const ingest1 = await ingestorRound();
const bare2 = await bareRound();
const ingest2 = await ingestorRound();
server.close();

const row = (label: string, bare: { wallMs: number; cpuMs: number }, ingest: { wallMs: number; cpuMs: number }) =>
  `${label.padEnd(22)} bare ${bare.wallMs.toFixed(0).padStart(6)} ms wall ${bare.cpuMs.toFixed(0).padStart(6)} ms CPU   ingestor ${ingest.wallMs.toFixed(0).padStart(6)} ms wall ${ingest.cpuMs.toFixed(0).padStart(6)} ms CPU   CPU ratio ${(ingest.cpuMs / bare.cpuMs).toFixed(2)}`;
process.stdout.write(`${FEEDS} feeds, ${CONCURRENCY} at a time; ${items} items mapped in round 1\n`);
process.stdout.write(`${row("round 1 (200, 20 items)", bare1, ingest1)}\n`);
process.stdout.write(`${row("round 2 (304)", bare2, ingest2)}\n`);
