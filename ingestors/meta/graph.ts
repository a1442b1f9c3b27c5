/**
 * The Graph API's answers: list pages (`data` plus `paging.next`), errors, and its rate-limit
 * signals. Meta throttles without 429: it reports usage as percentages in X-App-Usage and
 * X-Business-Use-Case-Usage on every answer, and a throttled call is a 400 or 403 whose
 * `error.code` is 4, 17, 32, 613 or 80001-80014 (developers.facebook.com/docs/graph-api/overview/rate-limiting).
 */
import type { HttpResponse } from "../../runtime/http-client.js";

/** Application, user, page, custom and Business Use Case (pages, Instagram, ...) throttling. */
const THROTTLE_CODES = new Set([4, 17, 32, 613, ...Array.from({ length: 14 }, (_, i) => 80001 + i)]);
/** A throttled answer that says nothing about when access returns: wait this long. */
const THROTTLED_FALLBACK_MS = 15 * 60_000;
/** Usage near the limit without an estimate: Meta's window is a rolling hour; wait this long. */
const NEAR_LIMIT_FALLBACK_MS = 5 * 60_000;

export const META_ERROR_CODES = {
  /** The body is not JSON (an HTML error page, a truncated answer). */
  badJson: "META_BAD_JSON",
  /** JSON, but not the documented shape. */
  badPayload: "META_BAD_PAYLOAD",
  /** A Graph API error (expired token, missing permission, unknown id), or no answer after every retry. */
  apiError: "META_API_ERROR",
} as const;

export interface GraphError {
  code: number;
  message: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The `error` object of a Graph answer, if it is one. */
export function graphError(body: string): GraphError | undefined {
  const parsed = parseJson(body);
  if (!isRecord(parsed) || !isRecord(parsed.error)) return undefined;
  const { code, message } = parsed.error;
  return { code: typeof code === "number" ? code : 0, message: typeof message === "string" ? message : "" };
}

interface Usage {
  /** The highest percentage any counter reports. */
  percent: number;
  /** Meta's estimate of when a throttled business regains access, minutes (0: not throttled). */
  regainMinutes: number;
}

/** X-App-Usage `{call_count,total_cputime,total_time}` and X-Business-Use-Case-Usage `{id:[{...,estimated_time_to_regain_access}]}`. */
export function usageOf(headers: Headers): Usage {
  const usage: Usage = { percent: 0, regainMinutes: 0 };
  const counters = (value: unknown) => {
    if (!isRecord(value)) return;
    for (const key of ["call_count", "total_cputime", "total_time"]) {
      const percent = value[key];
      if (typeof percent === "number") usage.percent = Math.max(usage.percent, percent);
    }
    const regain = value.estimated_time_to_regain_access;
    if (typeof regain === "number") usage.regainMinutes = Math.max(usage.regainMinutes, regain);
  };
  counters(parseJson(headers.get("x-app-usage") ?? ""));
  const business = parseJson(headers.get("x-business-use-case-usage") ?? "");
  if (isRecord(business))
    for (const entries of Object.values(business)) if (Array.isArray(entries)) entries.forEach(counters);
  return usage;
}

/**
 * The HTTP client's `rateLimit` hook for Graph calls: a throttling error waits (Meta's estimate,
 * else 15 min) and is asked again; usage at `pauseAtPercent` or more lets the answer through and
 * holds the next request (the estimate, else 5 min), so the hard limit is never reached.
 */
export function graphRateLimit(pauseAtPercent: number) {
  return (response: HttpResponse, now: number): { until: number; retry: boolean } | undefined => {
    const usage = usageOf(response.headers);
    const regainMs = usage.regainMinutes * 60_000;
    if (response.status === 400 || response.status === 403) {
      const error = graphError(response.body);
      if (error && THROTTLE_CODES.has(error.code))
        return { until: now + (regainMs || THROTTLED_FALLBACK_MS), retry: true };
    }
    if (usage.percent >= pauseAtPercent || regainMs > 0)
      return { until: now + (regainMs || NEAR_LIMIT_FALLBACK_MS), retry: false };
    return undefined;
  };
}

export type GraphPage = { ok: true; data: Record<string, unknown>[]; next: string | null } | GraphFailure;
export type GraphFailure = { ok: false; code: string; reason: string };

/** One page of a Graph list edge, or why it cannot be read (the platform's own error text). */
export function readGraphPage(response: HttpResponse, url: string): GraphPage {
  const parsed = parseJson(response.body);
  if (response.status >= 400) {
    const error = graphError(response.body);
    return {
      ok: false,
      code: META_ERROR_CODES.apiError,
      reason: `${url}: HTTP ${response.status}${error ? `: (#${error.code}) ${error.message}` : ""}`,
    };
  }
  if (parsed === undefined)
    return { ok: false, code: META_ERROR_CODES.badJson, reason: `${url}: the answer is not JSON` };
  if (!isRecord(parsed) || !Array.isArray(parsed.data) || !parsed.data.every(isRecord))
    return { ok: false, code: META_ERROR_CODES.badPayload, reason: `${url}: expected {"data":[...]}` };
  const paging = isRecord(parsed.paging) ? parsed.paging : {};
  return { ok: true, data: parsed.data, next: typeof paging.next === "string" ? paging.next : null };
}
