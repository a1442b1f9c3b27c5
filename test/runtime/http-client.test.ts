/**
 * The HTTP client every source calls through, against a scripted fake server and a test clock:
 * retries of 5xx and timeouts with backoff, 429 waits (Retry-After in seconds or as a date,
 * x-rate-limit-reset) with no request before the reset, the governor pausing before the hard
 * limit, a platform's own rate-limit signals (the `rateLimit` hook: an answer that is the limit,
 * asked again after the wait; one that warns, returned and the next request held), and answers
 * the caller must judge (404) returned at once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { HttpClient, HttpError, retryAfterMs } from "../../runtime/http-client.js";
import { FakeClock, FakePlatformServer } from "../ingestors/fakes/platform-server.js";

let server: FakePlatformServer;
let clock: FakeClock;
const rateLimited: { source: string; until: number }[] = [];
const statuses: string[] = [];

async function setUp(): Promise<HttpClient> {
  clock = new FakeClock();
  server = await new FakePlatformServer(clock).listen();
  rateLimited.length = 0;
  statuses.length = 0;
  return new HttpClient({
    clock,
    timeoutMs: 2000,
    backoff: { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0.2 },
    budgets: { "x-app": { limit: 20, windowMs: 15 * 60_000 } },
    onResponse: (_source, status) => statuses.push(status),
    onRateLimited: (source, _wait, until) => rateLimited.push({ source, until }),
  });
}

afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  expect(server.remaining()).toEqual({});
  await server.close();
});

describe("HttpClient", () => {
  it("retries 503 with growing, jittered delays, then returns the 200", async () => {
    const http = await setUp();
    server.script("GET /feed", { status: 503 }, { status: 503 }, { status: 200, body: "ok" });
    const response = await http.request({ url: server.url("/feed"), source: "s" });
    expect(response.status).toBe(200);
    expect(response.body).toBe("ok");
    // initial 1000 then 2000, each minus 0.2 * random (0.5) of jitter.
    expect(clock.sleeps).toEqual([900, 1800]);
    expect(statuses).toEqual(["503", "503", "200"]);
  });

  it("gives up after maxAttempts with the last status and no credentials in the message", async () => {
    const http = await setUp();
    server.script("GET /feed", ...Array.from({ length: 5 }, () => ({ status: 502, body: "bad gateway\nmore" })));
    const failure = await http.request({ url: `${server.url("/feed")}?key=secret`, source: "s" }).catch((e) => e);
    expect(failure).toBeInstanceOf(HttpError);
    expect(failure.status).toBe(502);
    expect(failure.message).toContain("502 Bad Gateway: bad gateway (after 5 attempts)");
    expect(failure.message).not.toContain("secret");
  });

  it("a rateLimit hook: a limit answer is asked again after its wait; a warning is returned and holds the next request", async () => {
    const http = await setUp();
    server.script(
      "GET /graph",
      { status: 400, body: '{"error":{"code":4}}' },
      { status: 200, headers: { "x-usage": "95" }, body: "first" },
      { status: 200, body: "second" },
    );
    const hook = (response: { status: number; headers: Headers; body: string }, now: number) => {
      if (response.status === 400 && response.body.includes('"code":4')) return { until: now + 300_000, retry: true };
      if (Number(response.headers.get("x-usage")) >= 90) return { until: now + 60_000, retry: false };
      return undefined;
    };
    const start = clock.now();
    const first = await http.request({
      url: server.url("/graph"),
      source: "meta",
      credential: "page",
      rateLimit: hook,
    });
    expect([first.status, first.body]).toEqual([200, "first"]);
    const second = await http.request({
      url: server.url("/graph"),
      source: "meta",
      credential: "page",
      rateLimit: hook,
    });
    expect(second.body).toBe("second");
    expect(server.requests.map((r) => r.at - start)).toEqual([0, 300_000, 360_000]);
    expect(rateLimited).toEqual([
      { source: "meta", until: start + 300_000 },
      { source: "meta", until: start + 360_000 },
    ]);
  });

  it("returns a 404 or 304 at once, without retrying", async () => {
    const http = await setUp();
    server.script("GET /gone", { status: 404, body: "not found" });
    server.script("GET /same", { status: 304 });
    expect((await http.request({ url: server.url("/gone"), source: "s" })).status).toBe(404);
    expect((await http.request({ url: server.url("/same"), source: "s" })).status).toBe(304);
    expect(clock.sleeps).toEqual([]);
  });

  it("waits Retry-After seconds after a 429: no request before then", async () => {
    const http = await setUp();
    const t0 = clock.now();
    server.script("GET /q", { status: 429, headers: { "retry-after": "30" } }, { status: 200, body: "ok" });
    await http.request({ url: server.url("/q"), source: "s" });
    expect(server.requests.map((r) => r.at - t0)).toEqual([0, 30_000]);
    expect(rateLimited).toEqual([{ source: "s", until: t0 + 30_000 }]);
  });

  it("reads Retry-After as an HTTP date, and x-rate-limit-reset as epoch seconds", async () => {
    const http = await setUp();
    const t0 = clock.now();
    expect(retryAfterMs(new Date(t0 + 45_000).toUTCString(), t0)).toBe(45_000);
    expect(retryAfterMs("soon", t0)).toBeUndefined();
    const reset = Math.floor(t0 / 1000) + 120;
    server.script(
      "GET /2/tweets/search/recent",
      { status: 429, headers: { "x-rate-limit-reset": String(reset) } },
      { status: 200, body: "{}" },
    );
    await http.request({ url: server.url("/2/tweets/search/recent"), source: "x", credential: "x-app" });
    expect(server.requests[1]?.at).toBe(reset * 1000);
    // The credential, not just the request, waits: another source with it waits too (already past here).
    expect(http.waitingUntil("x-app")).toBe(0);
  });

  it("pauses a credential before the hard limit the platform reports", async () => {
    const http = await setUp();
    const t0 = clock.now();
    const reset = Math.floor(t0 / 1000) + 600;
    const nearLimit = {
      "x-rate-limit-limit": "450",
      "x-rate-limit-remaining": "10",
      "x-rate-limit-reset": String(reset),
    };
    server.script("GET /a", { status: 200, headers: nearLimit, body: "1" }, { status: 200, body: "2" });
    await http.request({ url: server.url("/a"), source: "x", credential: "x-app" });
    expect(http.waitingUntil("x-app")).toBe(reset * 1000);
    await http.request({ url: server.url("/a"), source: "x2", credential: "x-app" });
    expect(server.requests[1]?.at).toBe(reset * 1000);
  });

  it("pauses a credential when its configured budget is nearly spent, until the window resets", async () => {
    const http = await setUp();
    const t0 = clock.now();
    // 20 per 15 minutes, 5 % in reserve: the 19th request is the last of the window.
    server.script("GET /b", ...Array.from({ length: 20 }, () => ({ status: 200, body: "." })));
    for (let i = 0; i < 20; i++) await http.request({ url: server.url("/b"), source: "x", credential: "x-app" });
    expect(server.requests.filter((r) => r.at === t0)).toHaveLength(19);
    expect(server.requests[19]?.at).toBe(t0 + 15 * 60_000);
  });

  it("times out a request that never answers, and retries it", async () => {
    clock = new FakeClock();
    server = await new FakePlatformServer(clock).listen();
    const http = new HttpClient({ clock, timeoutMs: 100, maxAttempts: 2 });
    server.script("GET /slow", { status: 0, hang: true }, { status: 200, body: "late" });
    expect((await http.request({ url: server.url("/slow"), source: "s" })).body).toBe("late");
    server.script("GET /slow", { status: 0, hang: true }, { status: 0, hang: true });
    await expect(http.request({ url: server.url("/slow"), source: "s" })).rejects.toThrow(
      "timed out (after 2 attempts)",
    );
  });

  it("spend: posts read count against a day's budget aligned to 00:00 UTC; open: a 429 stream holds the credential until its reset", async () => {
    const http = await setUp();
    const day = { limit: 100, windowMs: 86_400_000, aligned: true };
    expect(http.spend("x-app:posts", "s", 90, day)).toBe(false);
    expect(http.spend("x-app:posts", "s", 5, day)).toBe(true); // 95 of 100: the 5 % reserve
    expect(http.waitingUntil("x-app:posts")).toBe(Date.UTC(2026, 11, 6));
    await http.waitFor("x-app:posts");
    expect(clock.now()).toBe(Date.UTC(2026, 11, 6));
    expect(http.spend("x-app:posts", "s", 1, day)).toBe(false); // a new day

    const reset = Math.floor(clock.now() / 1000) + 120;
    server.script("GET /stream", { status: 429, headers: { "x-rate-limit-reset": String(reset) } });
    server.script("GET /stream", { status: 200, chunks: ["a\r\n", "b\r\n"] });
    const limited = await http.open({ url: server.url("/stream"), source: "s", credential: "x-app" });
    expect(limited.status).toBe(429);
    await limited.body?.cancel();
    const stream = await http.open({ url: server.url("/stream"), source: "s", credential: "x-app" });
    expect(stream.status).toBe(200);
    expect(await new Response(stream.body).text()).toBe("a\r\nb\r\n");
    expect(server.requests.map((r) => r.at)).toEqual([Date.UTC(2026, 11, 6), reset * 1000]);
    expect(statuses).toEqual(["429", "200"]);
  });
});
