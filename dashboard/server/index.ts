/**
 * The monitoring room dashboard as a stage: the built front end under /dashboard/, its data API
 * under /api/dashboard/ (read-only but for acknowledging an alert), and the change stream. It
 * answers on the runtime's HTTP endpoint (runtime/http.ts) of whichever process runs it:
 * `simak start`, or `simak run dashboard` against CLICKHOUSE_URL.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";
import { pipeline } from "node:stream/promises";
import { loadAccountFile } from "../../processors/accounts/index.js";
import { loadGazetteer } from "../../processors/places/index.js";
import type { SimakConfig } from "../../runtime/config.js";
import type { PipelineContext, StageHandle } from "../../runtime/context.js";
import { type RequestHandler, sendJson } from "../../runtime/http.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import type { CampaignNetwork, IssueNetwork } from "../shared/types.js";
import { AnswerCache } from "./answer-cache.js";
import { answerCounts, closeItem, needsAnswer, parseQueueFilter } from "./answers.js";
import { DASHBOARD_BASE, DIST_DIR, ensureDashboardBuilt } from "./build.js";
import { agencyCampaigns, campaignScope } from "./campaigns.js";
import { ChangeFeed } from "./changes.js";
import { issuePage, issueScope, risingIssues, topIssues } from "./issues.js";
import { amplificationNetwork, type NetworkScope, networkPosts } from "./network.js";
import { persepsiPairs } from "./persepsi.js";
import { acknowledgeAlert, agencySummaries, agencyView, dataVersion, listAlerts, provinceMap } from "./queries.js";
import { BadRequest, parseProvince, parseRange } from "./range.js";
import { type SourceReadings, sourceHealth } from "./sources.js";

const API = "/api/dashboard/";
/** The change stream: the one path that takes the token as `?token=` (EventSource sends no headers). */
export const DASHBOARD_EVENTS_PATH = `${API}events`;
const RECENT_ALERTS = 20;
/** An overview older than SIMAK_DASHBOARD_OVERVIEW_MAX_AGE_MS is served while the next is computed, until this old. */
const OVERVIEW_MAX_STALE_MS = 60_000;
/** Overviews kept (by range and province). */
const OVERVIEW_KEYS = 32;
const LISTED_ALERTS = 200;
const MAX_ACK_BODY = 4096;
/** Longest id, key or account a request may name (ids and handles are far shorter). */
const MAX_PARAM_CHARS = 256;

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

/**
 * The page's scripts, styles and data come from this endpoint only, and no other site may frame
 * it (clickjacking an acknowledge). Chart.js styles its canvas through the DOM, which CSP allows;
 * 'unsafe-inline' styles are for the few style attributes the views set.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader("content-security-policy", CONTENT_SECURITY_POLICY);
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("x-content-type-options", "nosniff");
  // The event stream's address carries the token; no page should pass its address on.
  res.setHeader("referrer-policy", "no-referrer");
}

/** The body of an acknowledgement: JSON only, which a plain form or a simple cross-site request cannot send. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") throw new BadRequest("send application/json", 415);
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

/** A query parameter that must be there, and short. */
function requiredParam(url: URL, name: string, what: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw new BadRequest(`${name}: ${what}`);
  if (value.length > MAX_PARAM_CHARS) throw new BadRequest(`${name}: at most ${MAX_PARAM_CHARS} characters`);
  return value;
}

async function serveStatic(res: ServerResponse, pathname: string, logger: PipelineContext["logger"]): Promise<boolean> {
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
  // pipeline() destroys both ends on an error (EMFILE, a vanished file) instead of an unhandled 'error'.
  pipeline(createReadStream(served), res).catch((error: Error) => {
    logger.warn({ err: error, file: relative }, "dashboard: serving a file failed");
  });
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

export interface DashboardOptions {
  /** Reads the sources file's sources and their stored status (the Sumber page); unset without a sources file. */
  sources?: SourceReadings;
}

export async function startDashboard(
  context: PipelineContext,
  options: DashboardOptions = {},
): Promise<DashboardStage> {
  const { config, logger } = context;
  // Built while the pipeline starts, so a fresh clone's first start is not held up by it.
  const built = ensureDashboardBuilt();
  built.catch((error: Error) => logger.error({ err: error }, "dashboard: building the front end failed"));
  // A connection of its own: on the stages' connection its reads waited behind every insert of
  // the sink and aggregate stages running in the same process (overview p95 of seconds; bench:full);
  // and its parameters as literals, or they waited behind every parameterised statement of theirs.
  const storage: Storage = (await context.storage()).ownConnection();
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

  // The overview, shared between the browsers asking for it (answer-cache.ts).
  const overviews = new AnswerCache<Record<string, unknown>>({
    maxAgeMs: config.dashboard.overviewMaxAgeMs,
    maxStaleMs: OVERVIEW_MAX_STALE_MS,
    maxKeys: OVERVIEW_KEYS,
  });

  const sources = async (now: number) =>
    options.sources ? (await options.sources()).map((reading) => sourceHealth(reading, now)) : [];

  /** An account's posts in a network's scope (a click on its node). */
  const sendPosts = async (res: ServerResponse, url: URL, scope: NetworkScope) =>
    sendJson(res, 200, {
      posts: await networkPosts(storage, scope, requiredParam(url, "account", "platform:author_id")),
    });

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL, reader: string) => {
    const route = `${req.method} ${url.pathname.slice(API.length)}`;
    const now = Date.now();
    switch (route) {
      case "GET settings":
        return sendJson(res, 200, settings);
      case "GET overview": {
        parseRange(url.searchParams, now);
        const province = parseProvince(url.searchParams);
        const { range: key, from, to } = Object.fromEntries(url.searchParams);
        // The alert feed is read at every request, not shared: an alert must reach the monitoring
        // room as soon as the change feed says it was written, not once the shared answer is
        // recomputed (up to SIMAK_DASHBOARD_OVERVIEW_MAX_AGE_MS later). It is one small query.
        const recentAlerts = listAlerts(storage, { fromMs: 0, toMs: now + 86_400_000, limit: RECENT_ALERTS });
        const shared = overviews.get(`${key}|${from}|${to}|${province}`, async () => {
          // The range as of when the answer is computed: a relative one ends then.
          const at = Date.now();
          const range = parseRange(url.searchParams, at);
          const [agencies, map, waiting, health, issues, persepsi] = await Promise.all([
            agencySummaries(storage, range, names, settings.timezone, province),
            provinceMap(storage, range, settings.timezone, provinces, null),
            answerCounts(storage),
            sources(at),
            topIssues(storage),
            persepsiPairs(storage, range, settings.timezone, { province }),
          ]);
          const silentSources = health.flatMap((source) =>
            source.silentForMs === null ? [] : [{ id: source.id, silentForMs: source.silentForMs }],
          );
          return {
            range,
            province: province || null,
            map,
            agencies,
            needsAnswer: waiting,
            silentSources,
            topIssues: issues,
            persepsi: Object.fromEntries(persepsi),
          };
        });
        const [{ value, asOf }, alerts] = await Promise.all([shared, recentAlerts]);
        return sendJson(res, 200, { ...value, alerts, asOf });
      }
      case "GET sources": {
        return sendJson(res, 200, { configured: options.sources !== undefined, sources: await sources(now) });
      }
      case "GET agency": {
        const agency = url.searchParams.get("id");
        if (!agency) throw new BadRequest("id: the agency");
        const range = parseRange(url.searchParams, now);
        const province = parseProvince(url.searchParams);
        const [view, map, issues, persepsi, campaigns] = await Promise.all([
          agencyView(storage, agency, range, settings.timezone, province),
          provinceMap(storage, range, settings.timezone, provinces, agency),
          risingIssues(storage, agency),
          persepsiPairs(storage, range, settings.timezone, { province, agency }),
          agencyCampaigns(storage, agency, range),
        ]);
        const name = names.get(agency) ?? agency;
        return sendJson(res, 200, {
          range,
          id: agency,
          name,
          province: province || null,
          map,
          ...view,
          issues,
          persepsi: persepsi.get(agency) ?? { index: null, organicIndex: null },
          campaigns,
        });
      }
      case "GET issue": {
        const agency = url.searchParams.get("agency");
        const key = url.searchParams.get("key");
        if (!agency || !key) throw new BadRequest("agency and key: the issue");
        return sendJson(res, 200, await issuePage(storage, agency, key, names.get(agency) ?? agency));
      }
      case "GET campaigns": {
        const agency = url.searchParams.get("agency");
        if (!agency) throw new BadRequest("agency: the agency");
        return sendJson(res, 200, { campaigns: await agencyCampaigns(storage, agency) });
      }
      case "GET campaign/network":
      case "GET campaign/posts": {
        const found = await campaignScope(storage, requiredParam(url, "id", "the campaign"));
        if (!found) return sendJson(res, 404, { error: "no such campaign" });
        if (route === "GET campaign/posts") return sendPosts(res, url, found.scope);
        const network: CampaignNetwork = {
          campaign: found.campaign,
          ...(await amplificationNetwork(storage, found.scope)),
        };
        return sendJson(res, 200, network);
      }
      case "GET issue/network":
      case "GET issue/posts": {
        const agency = requiredParam(url, "agency", "the issue's agency");
        const key = requiredParam(url, "key", "the issue");
        const scope = await issueScope(storage, agency, key);
        if (!scope) return sendJson(res, 404, { error: "no issue evaluated yet" });
        if (route === "GET issue/posts") return sendPosts(res, url, scope);
        const network: IssueNetwork = { agency, key, ...(await amplificationNetwork(storage, scope)) };
        return sendJson(res, 200, network);
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
        overviews.clear();
        return sendJson(res, known ? 200 : 404, { acknowledged: known });
      }
      case "GET answers":
        return sendJson(res, 200, { items: await needsAnswer(storage, parseQueueFilter(url.searchParams)) });
      case "POST answers/close": {
        const body = (await readJson(req)) as { agency?: unknown; platform?: unknown; itemId?: unknown };
        const item = { agency: body?.agency, platform: body?.platform, itemId: body?.itemId };
        for (const [key, value] of Object.entries(item)) {
          if (typeof value !== "string" || value === "") throw new BadRequest(`${key}: the item's ${key}`);
        }
        const closed = await closeItem(storage, item as Record<keyof typeof item, string>, reader || "dashboard");
        overviews.clear();
        return sendJson(res, closed ? 200 : 404, { closed });
      }
      case "GET events":
        return changes.subscribe(res, req.socket.remoteAddress ?? "");
      default:
        return sendJson(res, 404, { error: "not found" });
    }
  };

  // runtime/http.ts has checked the Host, the Origin and, under /api/, the credentials.
  const handle: RequestHandler = async (req, res, url, reader) => {
    if (url.pathname === "/" || url.pathname === DASHBOARD_BASE.slice(0, -1)) {
      res.writeHead(302, { location: DASHBOARD_BASE }).end();
      return true;
    }
    const isPage = req.method === "GET" && url.pathname.startsWith(DASHBOARD_BASE);
    if (!isPage && !url.pathname.startsWith(API)) return false;
    setSecurityHeaders(res);
    if (isPage) {
      await built;
      return serveStatic(res, url.pathname, logger);
    }
    try {
      await api(req, res, url, reader);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      sendJson(res, error.status, { error: error.message });
    }
    return true;
  };

  return {
    name: "dashboard",
    handle,
    healthy: () => changes.healthy,
    stop: async () => {
      changes.close();
      await storage.close();
    },
  };
}
