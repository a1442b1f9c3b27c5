/**
 * Acceptance: rss, x and webhook sources (a sources file) feed the whole pipeline on real Kafka,
 * schema registry and Redis (process and sink stages in this process, ClickHouse embedded). The
 * ingest process is SIGKILLed after its first round and restarted: it resumes from the stored
 * checkpoints (the fake feed server sees no request before the next poll is due; X's search
 * starts at the stored newest post minus the lookback, and finds what was posted meanwhile), a
 * redelivered webhook is answered without publishing, and every item is in ClickHouse exactly once.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signWebhook } from "../../ingestors/webhook/index.js";
import { snowflakeAt } from "../../ingestors/x/index.js";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { readCheckpoints } from "../../pipeline/stages/source-state.js";
import { RedisStateStore } from "../../runtime/state/redis-state.js";
import { FakePlatformServer } from "../ingestors/fakes/platform-server.js";
import { freePort, SERVICES, serviceConfig, serviceEnv, tempDir, uniquePrefix, waitFor } from "../support/services.js";
import { RestartHarness } from "../support/stages.js";

const SECRET = "e2e-webhook-secret-0123456789";
/**
 * Per platform: rows, distinct ids. 4 + 3 feed items; 5 + 5 webhook posts (batch 1 delivered
 * twice); 6 X posts (x4 found again by the search after the restart).
 */
const EXPECTED = "news\t7\t7\ntiktok\t10\t10\nx\t6\t6";
const X_TAG = "bpjs-kesehatan/antrean";
const JSON_HEADERS = { "content-type": "application/json" };

/** X posts x1..x6, a minute apart, the newest (x6) two minutes ago; ids from their times. */
function xPosts(now: number) {
  return Array.from({ length: 6 }, (_, i) => {
    const at = now - (8 - i) * 60_000;
    return {
      id: snowflakeAt(at),
      text: `antrean bpjs di faskes lama sekali ${i + 1}`,
      created_at: new Date(at).toISOString(),
      author_id: String(100 + i),
      conversation_id: snowflakeAt(at),
      lang: "in",
      public_metrics: { like_count: i, retweet_count: 0, quote_count: 0, reply_count: 0, impression_count: 10 * i },
    };
  });
}
const xUsers = (posts: { author_id: string }[]) =>
  posts.map((post) => ({ id: post.author_id, username: `warga${post.author_id}`, name: "Warga", verified: false }));
const xPage = (posts: { id: string; author_id: string }[]) => ({
  status: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify({
    ...(posts.length > 0 && { data: posts, includes: { users: xUsers(posts) } }),
    meta: { result_count: posts.length, ...(posts[0] && { newest_id: posts[0].id }) },
  }),
});
const xLine = (post: { author_id: string }) =>
  `${JSON.stringify({ data: post, includes: { users: xUsers([post]) }, matching_rules: [{ id: "1", tag: X_TAG }] })}\r\n`;

function feed(name: string, items: number, now: number): string {
  const entries = Array.from(
    { length: items },
    (
      _,
      i,
    ) => `<item><title>${name} berita ${i}</title><link>https://${name}.example.id/berita/${i}?utm_source=rss</link>
      <description>&lt;p&gt;Antrean BPJS di RSUD ${i}&lt;/p&gt;</description><pubDate>${new Date(now - i * 60_000).toUTCString()}</pubDate></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${name}</title><language>id</language>${entries.join("")}</channel></rss>`;
}

function hookLines(from: number, count: number, now: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      platform: "tiktok",
      id: `tt-${from + i}`,
      kind: "post",
      author: { id: `u${i}`, handle: `warga${i}` },
      text: `antrean bpjs lama ${from + i}`,
      eventTime: now - i * 1000,
    }),
  ).join("\n");
}

describe("sources end to end on Kafka + registry + Redis", () => {
  const stages = new RestartHarness();
  let pipeline: Pipeline | undefined;
  let server: FakePlatformServer | undefined;
  afterAll(async () => {
    await stages.stop();
    await pipeline?.stop();
    await server?.close();
  });

  it("stores every rss, x and webhook item exactly once through a SIGKILL of the ingest process", async () => {
    const prefix = uniquePrefix("sources");
    const now = Date.now();
    server = await new FakePlatformServer().listen();
    server.script("GET /a.xml", { status: 200, headers: { etag: '"a1"' }, body: feed("a", 4, now) });
    server.script("GET /b.xml", { status: 200, body: feed("b", 3, now) });
    // X, first run: the backfill search finds x1, x2; the stream brings x3, x4 and stays open.
    // After the restart: the search from x4 (minus the lookback) finds x4 again and x5; the stream x6.
    type XPost = ReturnType<typeof xPosts>[number];
    const [x1, x2, x3, x4, x5, x6] = xPosts(now) as [XPost, XPost, XPost, XPost, XPost, XPost];
    const rulesList = { status: 200, headers: JSON_HEADERS, body: '{"meta":{"result_count":0}}' };
    const rulesAdded = { status: 201, headers: JSON_HEADERS, body: '{"data":[{"id":"1"}],"meta":{}}' };
    const held = (chunks: string[]) => ({
      status: 200,
      headers: JSON_HEADERS,
      chunks,
      intervalMs: 600,
      end: "hold" as const,
    });
    server.script("GET /2/tweets/search/recent", xPage([x2, x1]), xPage([]), xPage([x5, x4]), xPage([]));
    server.script("GET /2/tweets/search/stream/rules", rulesList, rulesList);
    server.script("POST /2/tweets/search/stream/rules", rulesAdded, rulesAdded);
    server.script(
      "GET /2/tweets/search/stream",
      held(["\r\n", xLine(x3), xLine(x4), "\r\n"]),
      held(["\r\n", xLine(x6), "\r\n"]),
    );
    const webhookPort = await freePort();
    const dir = tempDir("sources-e2e");
    const sources = join(dir, "sources.yaml");
    writeFileSync(
      sources,
      `sources:
  - id: berita
    type: rss
    feeds: [${server.url("/a.xml")}, ${server.url("/b.xml")}]
    pollSeconds: 600
  - id: vendor
    type: webhook
    secrets: ["\${HOOK_SECRET}"]
  - id: x-publik
    type: x
    bearerToken: "\${X_TOKEN}"
    queries: [${X_TAG}]
    baseUrl: ${server.url("/")}
    stallSeconds: 60
`,
    );
    pipeline = await startPipeline({
      config: serviceConfig(prefix, { SIMAK_DATA_DIR: join(dir, "chdb") }),
      stages: ["sink", "process"],
      http: false,
    });
    const env = serviceEnv(prefix, {
      SIMAK_SOURCES_FILE: sources,
      SIMAK_WEBHOOK_LISTEN: `127.0.0.1:${webhookPort}`,
      HOOK_SECRET: SECRET,
      X_TOKEN: "e2e-x-bearer-token-0123456789",
      // The killed process's leases (rss, x) free 3 s after its death rather than 30.
      SIMAK_SOURCE_LEASE_SECONDS: "3",
    });
    const deliver = async (id: string, body: string): Promise<number> => {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(`http://127.0.0.1:${webhookPort}/hooks/vendor`, {
        method: "POST",
        headers: {
          "webhook-id": id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signWebhook(SECRET, id, timestamp, body),
        },
        body,
      }).catch(() => undefined);
      return response?.status ?? 0;
    };

    const first = await stages.start("sources-ingest-1", ["run", "ingest"], env);
    const state = new RedisStateStore(SERVICES.redisUrl);
    await state.connect();
    try {
      await waitFor(
        "both feeds' checkpoints",
        async () => ((await readCheckpoints(state, prefix, "berita")).size === 2 ? true : undefined),
        45_000,
      );
      await waitFor(
        "x's checkpoint at x4 (read on the stream)",
        async () => ((await readCheckpoints(state, prefix, "x-publik")).get(X_TAG)?.includes(x4.id) ? true : undefined),
        30_000,
      );
      const batch1 = hookLines(0, 5, now);
      await waitFor(
        "the webhook to accept batch 1",
        async () => ((await deliver("msg-1", batch1)) === 202 ? true : undefined),
        20_000,
      );
      first.child.kill("SIGKILL");
      await first.exited;

      const second = await stages.start("sources-ingest-2", ["run", "ingest"], env);
      // The redelivered batch is recognised (its id is in Redis); a new one is published.
      await waitFor(
        "the restarted webhook",
        async () => {
          const status = await deliver("msg-1", batch1);
          return status === 0 ? undefined : status;
        },
        30_000,
      ).then((status) => expect(status).toBe(200));
      expect(await deliver("msg-2", hookLines(5, 5, now))).toBe(202);
      // Both feeds were polled just before the kill: the restarted source waits out its 600 s.
      expect(server.requests.filter((r) => r.path.endsWith(".xml")).map((r) => r.path)).toEqual(["/a.xml", "/b.xml"]);
      // X: the restarted search starts at the checkpoint (x4) minus the 30 s lookback, nothing before.
      const xSearches = () => server?.requests.filter((r) => r.path.startsWith("/2/tweets/search/recent")) ?? [];
      await waitFor("the restarted x search", async () => (xSearches().length >= 3 ? true : undefined), 30_000);
      const restarted = new URL(xSearches()[2]?.path ?? "", "http://x").searchParams;
      expect(restarted.get("since_id")).toBe(snowflakeAt(Date.parse(x4.created_at) - 30_000));
      expect(restarted.get("start_time")).toBeNull();

      const storage = await pipeline.context.storage();
      const counted = await waitFor(
        "7 articles, 10 posts and 6 X posts in ClickHouse",
        async () => {
          const text = await storage.queryText(
            "SELECT platform, count(), uniqExact(id) FROM simak.tagged_mentions GROUP BY platform ORDER BY platform",
            "TabSeparated",
          );
          return text.trim() === EXPECTED ? text.trim() : undefined;
        },
        45_000,
        500,
      );
      expect(counted).toBe(EXPECTED);
      // Settle: nothing more arrives.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect((await storage.queryText("SELECT count() FROM simak.tagged_mentions", "TabSeparated")).trim()).toBe("23");
      expect(server.unexpected).toEqual([]);
      expect(server.remaining()).toEqual({});
      second.child.kill("SIGTERM");
      await second.exited;
    } finally {
      await state.close();
    }
  });
});
