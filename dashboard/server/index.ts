/**
 * The monitoring room dashboard as a stage: the built front end under /dashboard/, its data API
 * under /api/dashboard/ (read-only but for acknowledging an alert), and the change stream. It
 * answers on the runtime's HTTP endpoint (runtime/http.ts) of whichever process runs it:
 * `simak start`, or `simak run dashboard` against CLICKHOUSE_URL.
 */
import { timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";
import { loadAccountFile } from "../../processors/accounts/index.js";
import { loadGazetteer } from "../../processors/places/index.js";
import type { SimakConfig } from "../../runtime/config.js";
import type { PipelineContext, StageHandle } from "../../runtime/context.js";
import { type RequestHandler, sendJson } from "../../runtime/http.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { DASHBOARD_BASE, DIST_DIR, ensureDashboardBuilt } from "./build.js";
import { ChangeFeed } from "./changes.js";
import { acknowledgeAlert, agencySummaries, agencyView, dataVersion, listAlerts, provinceMap } from "./queries.js";
import { BadRequest, parseProvince, parseRange } from "./range.js";

const API = "/api/dashboard/";
const RECENT_ALERTS = 20;
const LISTED_ALERTS = 200;
const MAX_ACK_BODY = 4096;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

export interface DashboardStage extends StageHandle {
  handle: RequestHandler;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may read: anyone when neither a token nor basic auth is configured; otherwise a request
 * with the token (bearer or ?token=, which EventSource needs) or the basic credentials. Returns
 * the reader's name for acknowledgements, or undefined when refused.
 */
export function authorise(config: SimakConfig["dashboard"], req: IncomingMessage, url: URL): string | undefined {
  const { token, username, password } = config;
  if (!token && !username) return "";
  const header = req.headers.authorization ?? "";
  if (token) {
    const given = header.startsWith("Bearer ") ? header.slice(7) : (url.searchParams.get("token") ?? "");
    if (sameSecret(given, token)) return "token";
  }
  if (username && password && header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0 && sameSecret(decoded, `${username}:${password}`)) return decoded.slice(0, colon);
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_ACK_BODY) throw new BadRequest("body too large");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("expected a JSON body");
  }
}

async function serveStatic(res: ServerResponse, pathname: string): Promise<boolean> {
  const relative = normalize(decodeURIComponent(pathname.slice(DASHBOARD_BASE.length)) || "index.html");
  if (relative.startsWith("..")) return false;
  const file = join(DIST_DIR, relative);
  const found = await stat(file).catch(() => undefined);
  // Unknown paths are the single page's own routes.
  const served = found?.isFile() ? file : join(DIST_DIR, "index.html");
  const hashed = served.includes(`${join(DIST_DIR, "assets")}`);
  res.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(served)] ?? "application/octet-stream",
    "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
  });
  createReadStream(served).pipe(res);
  return true;
}

async function agencyNames(config: SimakConfig, context: PipelineContext): Promise<Map<string, string>> {
  try {
    const registry = await loadAccountFile(config.process.accountsFile);
    return new Map(registry.agencies.map((agency) => [agency.id, agency.name]));
  } catch (error) {
    context.logger.warn({ err: error }, "dashboard: no agency names (accounts file unreadable); showing ids");
    return new Map();
  }
}

export async function startDashboard(context: PipelineContext): Promise<DashboardStage> {
  const { config, logger } = context;
  // Built while the pipeline starts, so a fresh clone's first start is not held up by it.
  const built = ensureDashboardBuilt();
  built.catch((error: Error) => logger.error({ err: error }, "dashboard: building the front end failed"));
  const storage: Storage = await context.storage();
  const names = await agencyNames(config, context);
  const provinces = new Map(
    [...(await loadGazetteer()).provinces.values()].map((place) => [place.provinceCode, place.name]),
  );
  const changes = new ChangeFeed(() => dataVersion(storage), config.dashboard.pollMs, logger);
  const settings = {
    timezone: config.dashboard.timezone,
    language: config.dashboard.language,
    rotateSeconds: config.dashboard.rotateSeconds,
    agencies: Object.fromEntries(names),
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL, reader: string) => {
    const route = `${req.method} ${url.pathname.slice(API.length)}`;
    const now = Date.now();
    switch (route) {
      case "GET settings":
        return sendJson(res, 200, settings);
      case "GET overview": {
        const range = parseRange(url.searchParams, now);
        const province = parseProvince(url.searchParams);
        const [agencies, map, alerts] = await Promise.all([
          agencySummaries(storage, range, names, settings.timezone, province),
          provinceMap(storage, range, settings.timezone, provinces, null),
          listAlerts(storage, { fromMs: 0, toMs: now + 86_400_000, limit: RECENT_ALERTS }),
        ]);
        return sendJson(res, 200, { range, province: province || null, map, agencies, alerts });
      }
      case "GET agency": {
        const agency = url.searchParams.get("id");
        if (!agency) throw new BadRequest("id: the agency");
        const range = parseRange(url.searchParams, now);
        const province = parseProvince(url.searchParams);
        const [view, map] = await Promise.all([
          agencyView(storage, agency, range, settings.timezone, province),
          provinceMap(storage, range, settings.timezone, provinces, agency),
        ]);
        const name = names.get(agency) ?? agency;
        return sendJson(res, 200, { range, id: agency, name, province: province || null, map, ...view });
      }
      case "GET alerts": {
        const range = parseRange(url.searchParams, now);
        const alerts = await listAlerts(storage, {
          fromMs: range.fromMs,
          toMs: range.toMs,
          agency: url.searchParams.get("agency") ?? undefined,
          limit: LISTED_ALERTS,
        });
        return sendJson(res, 200, { range, alerts });
      }
      case "POST alerts/acknowledge": {
        const body = (await readJson(req)) as { id?: unknown };
        if (typeof body?.id !== "string" || body.id === "") throw new BadRequest("id: the alert");
        const known = await acknowledgeAlert(storage, body.id, reader);
        return sendJson(res, known ? 200 : 404, { acknowledged: known });
      }
      case "GET events":
        return changes.subscribe(res);
      default:
        return sendJson(res, 404, { error: "not found" });
    }
  };

  const handle: RequestHandler = async (req, res, url) => {
    if (url.pathname === "/" || url.pathname === DASHBOARD_BASE.slice(0, -1)) {
      res.writeHead(302, { location: DASHBOARD_BASE }).end();
      return true;
    }
    if (req.method === "GET" && url.pathname.startsWith(DASHBOARD_BASE)) {
      await built;
      return serveStatic(res, url.pathname);
    }
    if (!url.pathname.startsWith(API)) return false;
    const reader = authorise(config.dashboard, req, url);
    if (reader === undefined) {
      const challenge = config.dashboard.username ? { "www-authenticate": 'Basic realm="simak"' } : undefined;
      res.writeHead(401, challenge).end();
      return true;
    }
    try {
      await api(req, res, url, reader);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      sendJson(res, 400, { error: error.message });
    }
    return true;
  };

  return {
    name: "dashboard",
    handle,
    healthy: () => changes.healthy,
    stop: async () => changes.close(),
  };
}
