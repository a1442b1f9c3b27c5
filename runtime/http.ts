/**
 * The runtime's HTTP endpoint: /metrics for Prometheus, /healthz for orchestrators, and a
 * read-only SQL endpoint (/api/sql, POST body = query, `Content-Type: application/sql`) so
 * `simak sql` can query the embedded ClickHouse of a running process, which holds its data folder
 * exclusively; then the request handlers it is given: the read API (runtime/api/) and the
 * dashboard (dashboard/server/). Everything but /metrics and /healthz passes the Host check of
 * http-access.ts, and everything under /api/ its cross-site check and the credentials.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authorise, crossSite, foreignHost, type HttpAccess } from "./http-access.js";
import type { Logger } from "./logger.js";
import type { PipelineMetrics } from "./metrics.js";

export interface HealthCheck {
  name: string;
  healthy(): boolean;
}

/**
 * A further endpoint (read API, dashboard): answers the request and returns true, or returns false
 * to pass it on. `caller` is who authorise() let in under /api/ ("" when no credentials are configured).
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL, caller: string) => Promise<boolean>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

export interface HttpServerOptions {
  host: string;
  port: number;
  metrics: PipelineMetrics;
  health: () => HealthCheck[];
  /** Runs a read-only query and returns its text result; absent when no storage is local. */
  sql?: (query: string, format: string) => Promise<string>;
  logger: Logger;
  /** Further endpoints, asked in order (runtime/api/, the dashboard's). */
  handlers?: RequestHandler[];
  access: HttpAccess;
  /** The only paths that take the token as `?token=` (the dashboard's event stream). */
  queryTokenPaths?: readonly string[];
}

const MAX_QUERY_BYTES = 1 << 20;
/** Open sockets at most; beyond it the server refuses connections instead of running out of descriptors. */
export const MAX_CONNECTIONS = 512;
const SQL_CONTENT_TYPE = "application/sql";

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_QUERY_BYTES) throw new Error("query too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function startHttpServer(options: HttpServerOptions): Promise<Server> {
  const { metrics, logger } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/metrics") {
      for (const check of options.health()) metrics.stageHealthy.set({ stage: check.name }, check.healthy() ? 1 : 0);
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    if (req.method === "GET" && url.pathname === "/healthz") {
      const checks = options.health();
      const ok = checks.every((check) => check.healthy());
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: ok ? "ok" : "unhealthy", checks: checks.map((c) => [c.name, c.healthy()]) }));
      return;
    }
    const foreign = foreignHost(options.access, req);
    if (foreign) return sendText(res, 403, foreign);
    let caller = "";
    if (url.pathname.startsWith("/api/")) {
      const elsewhere = crossSite(req);
      if (elsewhere) return sendText(res, 403, elsewhere);
      const known = authorise(options.access, req, url, options.queryTokenPaths?.includes(url.pathname));
      if (known === undefined) {
        const challenge = options.access.username ? { "www-authenticate": 'Basic realm="simak"' } : undefined;
        res.writeHead(401, challenge).end();
        return;
      }
      caller = known;
    }
    if (req.method === "POST" && url.pathname === "/api/sql" && options.sql) {
      // A web page can send text/plain or a form without a preflight, but not application/sql.
      if (mediaType(req) !== SQL_CONTENT_TYPE) return sendText(res, 415, `send the query as ${SQL_CONTENT_TYPE}`);
      try {
        const query = await readBody(req);
        const text = await options.sql(query, url.searchParams.get("format") ?? "PrettyCompactMonoBlock");
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end(text);
      } catch (error) {
        sendText(res, 400, (error as Error).message);
      }
      return;
    }
    for (const handler of options.handlers ?? []) if (await handler(req, res, url, caller)) return;
    res.writeHead(404).end();
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      // The path only: a query string may hold a token.
      logger.error({ err: error, path: req.url?.split("?")[0] }, "http handler failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  logger.info({ host: address.address, port: address.port }, "http endpoint listening (/metrics, /healthz)");
  return server;
}
