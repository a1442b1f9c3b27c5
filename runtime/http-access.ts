/**
 * Who may use the runtime's HTTP endpoint (runtime/http.ts), one checker for every path under
 * /api/ (SQL, persepsi, the dashboard's data API):
 * - credentials: the dashboard's token (bearer) or basic user and password; with neither
 *   configured the endpoint is open, which config.ts allows on a loopback address only;
 * - the Host header must name this endpoint (loopback names, the bound host, http.allowedHosts),
 *   so a DNS-rebinding page cannot talk to it under its own name;
 * - a browser request to /api/ from another site (Origin of another host, Sec-Fetch-Site
 *   cross-site or same-site) is refused, so a web page cannot post to it (CSRF).
 * docs/security.md explains the threat model.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { SimakConfig } from "./config.js";

export interface HttpAccess {
  token?: string;
  username?: string;
  password?: string;
  /** Host names (without port) the endpoint answers to, besides the loopback names. */
  allowedHosts: readonly string[];
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

/** True for an address or name only this machine can reach. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** True for an address that binds every interface. */
export function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

export function httpAccess(config: Pick<SimakConfig, "dashboard" | "http">): HttpAccess {
  const { token, username, password } = config.dashboard;
  const bound = isWildcard(config.http.host) ? [] : [config.http.host];
  return {
    token,
    username,
    password,
    allowedHosts: [...bound, ...config.http.allowedHosts].map((h) => h.toLowerCase()),
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The caller's name when the request carries the credentials ("" when none are configured,
 * "token" for the token, the user name for basic auth), or undefined when refused. The token is
 * taken from `?token=` only when `queryToken` is set: EventSource cannot send headers, and a
 * token in any other address would end up in histories and proxy logs.
 */
export function authorise(access: HttpAccess, req: IncomingMessage, url: URL, queryToken = false): string | undefined {
  const { token, username, password } = access;
  if (!token && !username) return "";
  const header = req.headers.authorization ?? "";
  if (token) {
    const given = header.startsWith("Bearer ")
      ? header.slice(7)
      : queryToken
        ? (url.searchParams.get("token") ?? "")
        : "";
    if (sameSecret(given, token)) return "token";
  }
  if (username && password && header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0 && sameSecret(decoded, `${username}:${password}`)) return decoded.slice(0, colon);
  }
  return undefined;
}

function hostName(hostHeader: string): string {
  // "[::1]:9464" -> "::1", "example.org:80" -> "example.org"
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  return (bracketed ? (bracketed[1] as string) : hostHeader.replace(/:\d+$/, "")).toLowerCase();
}

/** Why the request must be refused as naming a host this endpoint is not (DNS rebinding), or undefined. */
export function foreignHost(access: HttpAccess, req: IncomingMessage): string | undefined {
  const host = hostName(req.headers.host ?? "");
  if (LOOPBACK_NAMES.includes(host) || isLoopback(host) || access.allowedHosts.includes(host)) return undefined;
  return `host ${JSON.stringify(host)} is not served here (SIMAK_HTTP_ALLOWED_HOSTS)`;
}

/**
 * Why a browser request must be refused as coming from another site (CSRF), or undefined. Asked
 * for /api/ only: following a link to the dashboard's page from elsewhere is fine, and framing it
 * is not (its Content-Security-Policy).
 */
export function crossSite(req: IncomingMessage): string | undefined {
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return "cross-site request refused";
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      return "cross-site request refused";
    }
    if (originHost !== (req.headers.host ?? "").toLowerCase()) return "cross-site request refused";
  }
  return undefined;
}
