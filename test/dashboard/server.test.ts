/** The dashboard server's pure parts: access and time ranges. */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { BadRequest, parseProvince, parseRange, rollupBounds, rollupFor } from "../../dashboard/server/range.js";
import { loadConfig } from "../../runtime/config.js";
import { authorise, httpAccess } from "../../runtime/http-access.js";

const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const url = (query = "") => new URL(`http://localhost/api/dashboard/overview${query}`);
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("dashboard access", () => {
  it("is open when nothing is configured", () => {
    expect(authorise(httpAccess(loadConfig({})), request(), url())).toBe("");
  });

  it("takes the token as a bearer, or as ?token= where allowed (the event stream), and refuses anything else", () => {
    const config = httpAccess(loadConfig({ SIMAK_DASHBOARD_TOKEN: "0123456789abcdef" }));
    expect(authorise(config, request("Bearer 0123456789abcdef"), url())).toBe("token");
    expect(authorise(config, request(), url("?token=0123456789abcdef"), true)).toBe("token");
    expect(authorise(config, request(), url("?token=0123456789abcdef"))).toBeUndefined();
    expect(authorise(config, request("Bearer 0123456789abcdeX"), url())).toBeUndefined();
    expect(authorise(config, request(), url())).toBeUndefined();
  });

  it("takes basic credentials and names the reader", () => {
    const config = httpAccess(
      loadConfig({ SIMAK_DASHBOARD_USERNAME: "humas", SIMAK_DASHBOARD_PASSWORD: "rahasia-humas-2026" }),
    );
    expect(authorise(config, request(basic("humas", "rahasia-humas-2026")), url())).toBe("humas");
    expect(authorise(config, request(basic("humas", "salah")), url())).toBeUndefined();
  });

  it("wants both a user name and a password of 12 characters or more", () => {
    expect(() => loadConfig({ SIMAK_DASHBOARD_USERNAME: "humas" })).toThrow(/set both or neither/);
    expect(() => loadConfig({ SIMAK_DASHBOARD_USERNAME: "humas", SIMAK_DASHBOARD_PASSWORD: "rahasia" })).toThrow(
      /SIMAK_DASHBOARD_PASSWORD.*at least 12 characters/,
    );
  });
});

describe("dashboard time ranges", () => {
  const now = Date.UTC(2026, 4, 1, 12);
  it("reads relative and custom ranges, and picks the rollup", () => {
    const day = parseRange(new URLSearchParams("range=24h"), now);
    expect(day).toEqual({ key: "24h", fromMs: now - 86_400_000, toMs: now });
    expect(rollupFor(day).table).toBe("mention_windows_1h");
    expect(rollupFor(parseRange(new URLSearchParams("range=1h"), now)).table).toBe("mention_windows_1m");
    const custom = parseRange(
      new URLSearchParams("range=custom&from=2026-03-01T00:00:00%2B07:00&to=2026-04-01T00:00:00%2B07:00"),
      now,
    );
    expect(custom.fromMs).toBe(Date.UTC(2026, 1, 28, 17));
    expect(rollupFor(custom)).toEqual({
      table: "mention_windows_1h",
      stepMs: 86_400_000,
      bucket: "toStartOfDay(window_start, {timezone:String})",
    });
    const year = parseRange(new URLSearchParams("range=custom&from=2025-05-01&to=2026-05-01"), now);
    expect(rollupFor(year)).toEqual({ table: "mention_windows_1d", stepMs: 86_400_000, bucket: "window_start" });
  });

  it("starts local days at the zone's midnight", () => {
    // 1 March 10:00 WITA to 31 March: days from 1 March 00:00 WITA (28 February 16:00 UTC).
    const march = parseRange(
      new URLSearchParams("range=custom&from=2026-03-01T10:00:00%2B08:00&to=2026-03-31T00:00:00%2B08:00"),
      now,
    );
    expect(rollupBounds(march, rollupFor(march), "Asia/Makassar")).toEqual({
      from: Date.UTC(2026, 1, 28, 16) / 1000,
      to: Date.UTC(2026, 2, 30, 16) / 1000,
      timezone: "Asia/Makassar",
    });
    const hours = parseRange(new URLSearchParams("range=24h"), now + 1_234);
    expect(rollupBounds(hours, rollupFor(hours), "Asia/Jakarta").from).toBe((now - 86_400_000) / 1000);
  });

  it("takes a two-digit province filter, or none, and refuses anything else", () => {
    expect(parseProvince(new URLSearchParams("province=32"))).toBe("32");
    expect(parseProvince(new URLSearchParams(""))).toBe("");
    for (const bad of ["3", "32.09", "Jabar", "32' OR 1=1"]) {
      expect(() => parseProvince(new URLSearchParams({ province: bad }))).toThrow(BadRequest);
    }
  });

  it("refuses unknown and inverted ranges", () => {
    expect(() => parseRange(new URLSearchParams("range=2h"), now)).toThrow(BadRequest);
    expect(() => parseRange(new URLSearchParams("range=custom&from=2026-04-01&to=2026-03-01"), now)).toThrow(
      BadRequest,
    );
  });
});
