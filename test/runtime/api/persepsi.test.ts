/**
 * GET /api/persepsi on the runtime's HTTP server, over embedded ClickHouse seeded with the
 * analysts' fixture (test/fixtures/analytics.ts; the trend's numbers are worked out in
 * test/docs/analysts.test.ts).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { persepsiHandler } from "../../../runtime/api/persepsi.js";
import { startHttpServer } from "../../../runtime/http.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import type { Storage } from "../../../runtime/storage/clickhouse.js";
import { BPJS, closeSeeded, H, HOUR, seededStorage } from "../../fixtures/analytics.js";

describe("GET /api/persepsi", () => {
  let storage: Storage;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const logger = pino({ level: "silent" });
    storage = await seededStorage("persepsi_api");
    server = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      metrics: new PipelineMetrics(),
      health: () => [],
      handlers: [persepsiHandler(async () => storage)],
      access: { allowedHosts: [] },
      logger,
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/persepsi`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await closeSeeded(storage);
  });

  it("answers an agency's hours in [from, to), oldest first", async () => {
    const from = new Date(H - 3 * HOUR).toISOString();
    const to = String(H + HOUR);
    const response = await fetch(`${base}?agency=${encodeURIComponent(BPJS)}&from=${from}&to=${to}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({
      scope: { agency: BPJS },
      from,
      to: new Date(H + HOUR).toISOString(),
      hours: [
        {
          hourStart: new Date(H - 2 * HOUR).toISOString(),
          mentions: 25,
          labelledMentions: 25,
          netSentiment: 20,
          rollingNetSentiment: 20,
          previousNetSentiment: -20,
          direction: "rising",
        },
        {
          hourStart: new Date(H).toISOString(),
          mentions: 3,
          labelledMentions: 3,
          netSentiment: -100,
          rollingNetSentiment: 7.1,
          previousNetSentiment: -20,
          direction: "rising",
        },
      ],
    });
  });

  it("answers a monitoring query's hours, the window before `from` still counting in the trend", async () => {
    const response = await fetch(`${base}?query=polri-tilang&from=${H - 2 * HOUR}&to=${H}`);
    const body = (await response.json()) as { hours: { direction: string; previousNetSentiment: number }[] };
    expect(body.hours).toMatchObject([{ direction: "falling", previousNetSentiment: 100 }]);
  });

  it("refuses a request without exactly one scope, or with a bad time", async () => {
    expect((await fetch(base)).status).toBe(400);
    expect((await fetch(`${base}?agency=Polri&query=polri-tilang`)).status).toBe(400);
    const bad = await fetch(`${base}?agency=Polri&from=yesterday`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'not a time: "yesterday"' });
  });
});
