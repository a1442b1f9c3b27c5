/**
 * The dashboard's HTTP surface in-process (the dashboard stage on chdb, a token configured): the
 * token only as a bearer except on the event stream, acknowledgements only as JSON from the same
 * origin (CSRF), the Content-Security-Policy on its answers, and caps on open change streams.
 */
import { EventEmitter } from "node:events";
import { request, type ServerResponse } from "node:http";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChangeFeed, MAX_LISTENERS, MAX_LISTENERS_PER_CLIENT } from "../../dashboard/server/changes.js";
import { type Pipeline, startPipeline } from "../../runtime/app.js";
import { loadConfig } from "../../runtime/config.js";
import { MAX_CONNECTIONS, startHttpServer } from "../../runtime/http.js";
import { PipelineMetrics } from "../../runtime/metrics.js";
import { freePort, httpCall, tempDir } from "../support/services.js";

const TOKEN = "dashboard-token-0123456789";
const BEARER = { authorization: `Bearer ${TOKEN}` };

let pipeline: Pipeline;
let port: number;

const call = (path: string, options?: Parameters<typeof httpCall>[2]) => httpCall(port, path, options);

function acknowledge(headers: Record<string, string>, body = JSON.stringify({ id: "no-such-alert" })) {
  return call("/api/dashboard/alerts/acknowledge", { method: "POST", body, headers: { ...BEARER, ...headers } });
}

beforeAll(async () => {
  port = await freePort();
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("dashboard-access"),
    SIMAK_HTTP_PORT: String(port),
    SIMAK_LOG_LEVEL: "warn",
    SIMAK_DASHBOARD_TOKEN: TOKEN,
  });
  pipeline = await startPipeline({ config, stages: ["dashboard"] });
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe("the dashboard's data API", () => {
  it("takes the token as a bearer, and in the address only on the event stream", async () => {
    expect((await call("/api/dashboard/settings", { headers: BEARER })).status).toBe(200);
    expect((await call(`/api/dashboard/settings?token=${TOKEN}`)).status).toBe(401);
    const stream = await call(`/api/dashboard/events?token=${TOKEN}`);
    expect(stream.status).toBe(200);
    expect(stream.body).toContain("event: ready");
  });

  it("answers with a Content-Security-Policy that forbids framing", async () => {
    const { headers } = await call("/api/dashboard/settings", { headers: BEARER });
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("script-src 'self'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("no-referrer");
  });

  it("opens the page when a link elsewhere leads to it, under the same policy", async () => {
    // The front end is built when the stage starts if dist/ is stale: this may wait for Vite.
    const page = await call("/dashboard/", {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect((await call("/dashboard/", { headers: { host: "evil.test" } })).status).toBe(403);
  }, 120_000);

  it("acknowledges only a JSON body from the same origin (no cross-site form or fetch)", async () => {
    const json = { "content-type": "application/json" };
    expect((await acknowledge({ "content-type": "text/plain" })).status).toBe(415);
    expect(
      (await acknowledge({ "content-type": "application/x-www-form-urlencoded" }, "id=no-such-alert")).status,
    ).toBe(415);
    expect((await acknowledge({ ...json, origin: "http://evil" })).status).toBe(403);
    expect((await acknowledge({ ...json, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await acknowledge({ ...json, host: "evil.test" })).status).toBe(403);
    // Through every check: the alert is simply unknown.
    const sameOrigin = await acknowledge({
      ...json,
      origin: `http://127.0.0.1:${port}`,
      "sec-fetch-site": "same-origin",
    });
    expect(sameOrigin.status).toBe(404);
    expect(JSON.parse(sameOrigin.body)).toEqual({ acknowledged: false });
  });

  it("caps the change streams one client may hold open", async () => {
    const open: ReturnType<typeof request>[] = [];
    const openStream = () =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: "/api/dashboard/events", headers: BEARER }, (res) => {
          resolve(res.statusCode ?? 0);
          if (res.statusCode !== 200) res.resume();
        });
        req.on("error", reject);
        req.end();
        open.push(req);
      });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < MAX_LISTENERS_PER_CLIENT; i++) statuses.push(await openStream());
      expect(statuses).toEqual(Array(MAX_LISTENERS_PER_CLIENT).fill(200));
      expect(await openStream()).toBe(429);
      open.shift()?.destroy();
      // The server sees the close a moment later.
      await expect.poll(openStream, { timeout: 5000 }).toBe(200);
    } finally {
      for (const req of open) req.destroy();
    }
  });
});

describe("caps on connections", () => {
  /** Just enough of a ServerResponse for ChangeFeed. */
  class FakeResponse extends EventEmitter {
    status = 0;
    writeHead(status: number) {
      this.status = status;
      return this;
    }
    write() {
      return true;
    }
    end() {
      this.emit("close");
      return this;
    }
  }

  it("refuses change streams beyond the total, whoever asks", () => {
    const feed = new ChangeFeed(async () => "v", 60_000, pino({ level: "silent" }));
    const responses = Array.from({ length: MAX_LISTENERS + 1 }, () => new FakeResponse());
    responses.forEach((res, i) => {
      feed.subscribe(res as unknown as ServerResponse, `10.0.${Math.floor(i / 5)}.${i % 5}`);
    });
    expect(responses.filter((res) => res.status === 200)).toHaveLength(MAX_LISTENERS);
    expect(responses.at(-1)?.status).toBe(429);
    feed.close();
  });

  it("bounds the sockets the HTTP endpoint keeps open", async () => {
    const server = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      metrics: new PipelineMetrics(),
      health: () => [],
      access: { allowedHosts: [] },
      logger: pino({ level: "silent" }),
    });
    expect(server.maxConnections).toBe(MAX_CONNECTIONS);
    await new Promise((resolve) => server.close(resolve));
  });
});
