/**
 * `simak sources check | test | list` as a user runs them, against a fake feed server (and Redis
 * for the stored state): check makes one request per source and fails with the platform's own
 * error; test prints one round's mentions and requests nothing more; list shows what the ingest
 * stage stored.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourceKeys, writeCheckpoints } from "../../../pipeline/stages/source-state.js";
import { RedisStateStore } from "../../../runtime/state/redis-state.js";
import { FakePlatformServer } from "../../ingestors/fakes/platform-server.js";
import { SERVICES, serviceEnv, tempDir, uniquePrefix } from "../../support/services.js";

const run = promisify(execFile);
const dir = tempDir("sources-cli");
const file = join(dir, "sources.yaml");
let server: FakePlatformServer;

async function simak(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/simak.js", "sources", ...args], {
      env: { PATH: process.env.PATH, SIMAK_SOURCES_FILE: file, SIMAK_LOG_LEVEL: "warn", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  server = await new FakePlatformServer().listen();
  writeFileSync(
    file,
    `sources:
  - id: berita
    type: rss
    feeds: [${server.url("/rss.xml")}]
  - id: hilang
    type: rss
    feeds: [${server.url("/gone.xml")}]
  - id: vendor
    type: webhook
    secrets: ["\${HOOK_SECRET}"]
  - id: halaman
    type: meta
    pages: ["104425192324"]
    accessToken: \${META_TOKEN}
    baseUrl: ${server.url("")}
`,
  );
});

afterAll(async () => {
  expect(server.unexpected).toEqual([]);
  await server.close();
});

const rss = () => ({ status: 200, body: readFileSync("test/fixtures/rss/rss2-sample.xml", "utf8") });
const secret = { HOOK_SECRET: "hook-secret-0123456789", META_TOKEN: "EAAB-cli-token" };

describe("simak sources", () => {
  it("check: one request per source, non-zero exit with the platform's error when one fails", async () => {
    server.script("GET /rss.xml", rss());
    server.script("GET /gone.xml", { status: 404, body: "404 page not found\n<html>" });
    server.script("GET /v21.0/104425192324", {
      status: 400,
      body: '{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190}}',
    });
    const all = await simak(["check"], secret);
    expect(all.code).toBe(1);
    expect(all.stdout).toBe(
      [
        "berita (rss): ok",
        `hilang (rss): FAILED: ${server.url("/gone.xml")}: HTTP 404: 404 page not found`,
        "vendor (webhook): FAILED: set SIMAK_WEBHOOK_LISTEN to host:port",
        `halaman (meta): FAILED: ${server.url("/v21.0/104425192324")}?…: HTTP 400: (#190) Error validating access token: Session has expired`,
        "",
      ].join("\n"),
    );
    expect(all.stderr).toContain("a source failed its check");
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer EAAB-cli-token");
    expect(all.stdout + all.stderr).not.toContain("EAAB-cli-token");
    server.script("GET /rss.xml", rss());
    const one = await simak(["check", "berita"], secret);
    expect(one).toMatchObject({ code: 0, stdout: "berita (rss): ok\n" });
  });

  it("test: one round printed as replay lines, nothing more requested", async () => {
    server.script("GET /rss.xml", rss());
    const before = server.requests.length;
    const result = await simak(["test", "berita", "--limit", "2"], secret);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((mention) => mention.url)).toEqual([
      "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp",
      null,
    ]);
    expect(lines[0]).toMatchObject({ platform: "news", kind: "article", source: "berita" });
    expect(server.requests.length - before).toBe(1);
  });

  it("list: each source's stored state", async () => {
    const prefix = uniquePrefix("sources-list");
    const store = new RedisStateStore(SERVICES.redisUrl);
    await store.connect();
    const now = Date.now();
    const feedState = (lastSuccessAt: number, lastErrorAt: number, lastError: string) =>
      JSON.stringify({ lastSuccessAt, lastErrorAt, lastError });
    await writeCheckpoints(
      store,
      prefix,
      "berita",
      new Map([
        ["u1", feedState(Date.UTC(2026, 11, 5, 3, 0), Date.UTC(2026, 11, 5, 2, 0), "u1: HTTP 404")],
        ["u2", feedState(Date.UTC(2026, 11, 5, 2, 30), Date.UTC(2026, 11, 5, 2, 50), "u2: not well-formed XML")],
      ]),
    );
    const status = {
      updatedAt: now,
      lastItemAt: now,
      newestEventTime: now - 90_000,
      itemsLastHour: 42,
      invalidLastHour: 1,
      rateLimitedUntil: now + 3_600_000,
    };
    await store.setMany([{ key: sourceKeys(prefix, "berita").status, value: JSON.stringify(status) }], 600);
    await store.close();
    const result = await simak(["list"], { ...serviceEnv(prefix), ...secret });
    expect(result.code).toBe(0);
    const [header, berita, hilang] = result.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s{2,}/));
    expect(header).toEqual([
      "id",
      "type",
      "last success",
      "checkpoint",
      "items 1h",
      "dead letters 1h",
      "lag",
      "rate-limited until",
    ]);
    expect(berita?.slice(0, 6)).toEqual(["berita", "rss", "2026-12-05T03:00:00Z", "2 stream(s)", "42", "1"]);
    expect(berita?.[6]).toMatch(/^9\ds$/);
    expect(berita?.[7]).toBe(new Date(status.rateLimitedUntil).toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(berita?.[8]).toBe("2026-12-05T02:50:00Z u2: not well-formed XML");
    expect(hilang).toEqual(["hilang", "rss", "-", "-", "0", "0", "-", "-", "-"]);
  });

  it("x: check lists the rules (authenticated) and shows X's own error; test is one search round, touching neither rules nor stream", async () => {
    const xFile = join(dir, "sources-x.yaml");
    writeFileSync(
      xFile,
      `sources:\n  - id: x-publik\n    type: x\n    bearerToken: "\${X_TOKEN}"\n    queries: [bpjs-kesehatan/umum]\n    baseUrl: ${server.url("/")}\n`,
    );
    const env = { SIMAK_SOURCES_FILE: xFile, X_TOKEN: "cli-x-bearer-token-0123456789" };
    server.script("GET /2/tweets/search/stream/rules", {
      status: 401,
      headers: { "content-type": "application/problem+json" },
      body: '{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}',
    });
    const refused = await simak(["check"], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe(
      `x-publik (x): FAILED: ${server.url("/2/tweets/search/stream/rules")}: HTTP 401: Unauthorized\n`,
    );
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(env.X_TOKEN);
    // (Each run of simak costs seconds: the passing check is covered by test/ingestors/x.)
    const authorization = server.requests.at(-1)?.headers.authorization;
    expect(authorization).toBe(`Bearer ${env.X_TOKEN}`);

    const page = JSON.parse(readFileSync("test/fixtures/x/search-page.json", "utf8"));
    server.script("GET /2/tweets/search/recent", {
      status: 200,
      body: JSON.stringify({ ...page, meta: { ...page.meta, next_token: undefined } }),
    });
    const before = server.requests.length;
    const result = await simak(["test", "x-publik"], env);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((mention) => [mention.platform, mention.id, mention.kind])).toEqual([
      ["x", "2129045593912246272", "post"],
      ["x", "2129045342254006289", "reply"],
    ]);
    expect(server.requests.slice(before).map((request) => request.path.split("?")[0])).toEqual([
      "/2/tweets/search/recent",
    ]);
  });
});
