/**
 * X stream throughput: the x ingestor reading a fast local filtered stream (line split, JSON
 * parse, shape check, mapping to Mentions with the author expansion, dedup memory, post budget,
 * checkpoints) against, in the same run and on the same server, a bare fetch of the same stream
 * split on \r\n and JSON.parse'd (nothing mapped). A warm-up round of each, then three runs each,
 * alternating; medians of posts per second and the ratio ingestor / bare (target >= 0.5).
 *
 *   npm run bench:x            (BENCH_POSTS=50000, BENCH_RUNS=3)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createXIngestor, snowflakeAt } from "../ingestors/x/index.js";
import { HttpClient } from "../runtime/http-client.js";
import { percentile } from "./support/percentile.js";

const POSTS = Number(process.env.BENCH_POSTS ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TAG = "bpjs/antrean";

const start = Date.now() - 3_600_000;
const lines: string[] = [];
for (let i = 0; i < POSTS; i++) {
  const at = start + i * 10;
  const authorId = String(1000 + (i % 500));
  lines.push(
    JSON.stringify({
      data: {
        id: (BigInt(snowflakeAt(at)) + BigInt(i % 1000)).toString(),
        text: `Antrean BPJS di RSUD ${i % 97} sejak subuh, pelayanan lambat sekali #JKN @BPJSKesehatanRI`,
        created_at: new Date(at).toISOString(),
        author_id: authorId,
        conversation_id: snowflakeAt(at),
        lang: "in",
        entities: {
          hashtags: [{ start: 60, end: 64, tag: "JKN" }],
          mentions: [{ start: 65, end: 81, username: "BPJSKesehatanRI" }],
        },
        public_metrics: {
          retweet_count: i % 5,
          reply_count: i % 3,
          like_count: i % 11,
          quote_count: 0,
          impression_count: i,
        },
      },
      includes: {
        users: [
          {
            id: authorId,
            username: `warga${authorId}`,
            name: `Warga ${authorId}`,
            verified: false,
            location: "Surabaya",
            public_metrics: { followers_count: 120 },
          },
        ],
      },
      matching_rules: [{ id: "1", tag: TAG }],
    }),
  );
  if (i % 1000 === 999) lines.push(""); // a keep-alive now and then
}
const body = Buffer.from(`${lines.join("\r\n")}\r\n`);
const json = { "content-type": "application/json" };
const server = createServer((req, res) => {
  const path = (req.url ?? "").split("?")[0];
  if (path === "/2/tweets/search/recent") return void res.writeHead(200, json).end('{"meta":{"result_count":0}}');
  if (path === "/2/tweets/search/stream/rules")
    return void res.writeHead(200, json).end(JSON.stringify({ data: [{ id: "1", value: "antrean bpjs", tag: TAG }] }));
  if (path === "/2/tweets/search/stream") return void res.writeHead(200, json).end(body);
  res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function bare(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}/2/tweets/search/stream`);
  const decoder = new TextDecoder();
  let rest = "";
  let posts = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    const parts = rest.split("\r\n");
    rest = parts.pop() ?? "";
    for (const part of parts) if (part !== "" && JSON.parse(part).data) posts++;
  }
  if (posts !== POSTS) throw new Error(`bare read ${posts} posts`);
  return POSTS / ((performance.now() - started) / 1000);
}

async function ingestor(): Promise<number> {
  const x = createXIngestor({
    name: "bench",
    bearerToken: "bench-bearer-token-0123456789",
    rules: [{ value: "antrean bpjs", tag: TAG }],
    baseUrl: base,
    dailyPostReads: 1e12,
    maxSearchPages: 1,
    lookbackMs: 30_000,
    backfillMs: 3_600_000,
    stallMs: 20_000,
    timeoutMs: 10_000,
  });
  const abort = new AbortController();
  const context = {
    checkpoints: new Map<string, string>(),
    http: new HttpClient(),
    store: { get: async () => null, set: async () => undefined },
  };
  let posts = 0;
  let started = 0;
  for await (const event of x.events(abort.signal, context)) {
    // Timed from the stream's first post: the searches and rules before it are not throughput.
    if (event.type !== "mention") continue;
    if (posts === 0) started = performance.now();
    if (++posts === POSTS) break;
  }
  abort.abort();
  return (POSTS - 1) / ((performance.now() - started) / 1000);
}

// One round of each first, not counted: both paths compiled and warm before they are timed.
await bare();
await ingestor();
const bareRates: number[] = [];
const ingestorRates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  bareRates.push(await bare());
  ingestorRates.push(await ingestor());
}
server.close();
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const bareMedian = median(bareRates);
const ingestorMedian = median(ingestorRates);
const rate = (values: number[]) => values.map((value) => Math.round(value)).join(", ");
process.stdout.write(
  `${POSTS} posts (${(body.length / 1e6).toFixed(1)} MB), ${RUNS} runs each\n` +
    `bare fetch + JSON.parse  ${rate(bareRates)} posts/s; median ${Math.round(bareMedian)}\n` +
    `x ingestor               ${rate(ingestorRates)} posts/s; median ${Math.round(ingestorMedian)}\n` +
    `ratio ingestor / bare    ${(ingestorMedian / bareMedian).toFixed(2)} (target >= 0.5)\n`,
);
