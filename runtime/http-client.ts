/**
 * The one HTTP client every source calls through (global fetch):
 *
 * - a timeout on every attempt, and a bounded body;
 * - network errors, timeouts and 5xx answers retried with capped exponential backoff and jitter;
 * - 429 answered by waiting for `Retry-After` (seconds or an HTTP date), else `x-rate-limit-reset`
 *   (epoch seconds), else a fallback, before the next request with the same credential;
 * - a governor per credential that pauses before the hard limit: when the platform reports (in
 *   `x-rate-limit-remaining` / `-limit` / `-reset`) or a configured budget counts that fewer than
 *   `reserve` of the window's requests are left, the credential waits for the window to reset;
 * - other answers (2xx, 304, 4xx) returned to the caller, who knows what they mean;
 * - `open` for a long-lived answer (a stream: one attempt, the caller reconnects on its platform's
 *   ladder), `spend` to count units other than requests (posts read a day) against a budget.
 *
 * Time is read and waited through an injectable clock, so tests run rate limits without waiting.
 * Request headers (credentials) are never logged or put into errors.
 */
import { type Backoff, backoffDelay } from "./retry.js";

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

export const systemClock: Clock = {
  now: Date.now,
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The source id: labels metrics and is the rate-limit key when there is no credential. */
  source: string;
  /** Requests made with the same credential share its rate limits and budget (a name, never the secret). */
  credential?: string;
  signal?: AbortSignal;
  /** Per attempt, ms. */
  timeoutMs?: number;
  /**
   * The platform's own rate-limit signals besides 429 and x-rate-limit-* (Meta's usage headers and
   * throttling codes in 400s, YouTube's quotaExceeded in a 403): given an answer, the time until
   * which the credential waits (epoch ms), and whether this answer is the limit itself (`retry`:
   * asked again after the wait, as a 429) or a warning before it (returned; the next request waits).
   */
  rateLimit?: (response: HttpResponse, now: number) => { until: number; retry: boolean } | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** After redirects. */
  url: string;
}

/** A request that failed for good: network errors or 5xx after every attempt, or a body too large. */
export class HttpError extends Error {
  constructor(
    message: string,
    /** The last status, when the server answered. */
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** A budget a credential has per window (e.g. 450 requests per 15 minutes, 60 000 posts read a day). */
export interface RateBudget {
  limit: number;
  windowMs: number;
  /** Windows start at multiples of `windowMs` since the epoch (a day's budget resets at 00:00 UTC), not at first use. */
  aligned?: boolean;
}

/** A long-lived answer (a stream) whose body the caller reads and cancels. */
export interface HttpStream {
  status: number;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  url: string;
}

export interface HttpClientOptions {
  clock?: Clock;
  backoff?: Partial<Backoff>;
  /** Attempts per request, including rate-limited ones. Default 5. */
  maxAttempts?: number;
  /** Per attempt, ms, unless the request says otherwise. Default 30 000. */
  timeoutMs?: number;
  /** The wait after a 429 without Retry-After or x-rate-limit-reset, ms. Default 60 000. */
  rateLimitFallbackMs?: number;
  /** Fraction of a window's requests kept in reserve: the credential pauses when fewer are left. Default 0.05. */
  reserve?: number;
  /** Budgets by credential name. */
  budgets?: Readonly<Record<string, RateBudget>>;
  /** Longest body read, bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Every answer (status as a string) or failed attempt ("error"), by source. */
  onResponse?: (source: string, status: string) => void;
  /** A credential waits until `until` (epoch ms) because of a rate limit or its budget. */
  onRateLimited?: (source: string, waitMs: number, until: number) => void;
}

export const DEFAULT_HTTP_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 };

/** Seconds, or an HTTP date; the wait in ms from `now`, or undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** x-rate-limit-reset: epoch seconds. */
function resetAt(headers: Headers): number | undefined {
  const value = headers.get("x-rate-limit-reset");
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

interface CredentialState {
  /** No request before this time (epoch ms). */
  pausedUntil: number;
  windowStart: number;
  used: number;
}

export class HttpClient {
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly credentials = new Map<string, CredentialState>();

  constructor(private readonly options: HttpClientOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.backoff = { ...DEFAULT_HTTP_BACKOFF, ...options.backoff };
  }

  /** When the credential (or source, without one) may make its next request; 0 when it may now. */
  waitingUntil(key: string): number {
    const until = this.credentials.get(key)?.pausedUntil ?? 0;
    return until > this.clock.now() ? until : 0;
  }

  /** Waits while the credential (or a budget key given to `spend`) is paused. */
  async waitFor(key: string, signal?: AbortSignal): Promise<void> {
    const state = this.state(key);
    for (;;) {
      const wait = state.pausedUntil - this.clock.now();
      if (wait <= 0) return;
      await this.clock.sleep(wait, signal);
    }
  }

  /**
   * Counts `units` of something other than requests (posts read) against `key`'s budget; `key`
   * pauses (see `waitFor`, `waitingUntil`) once fewer than the reserve are left in the window.
   * Returns whether it is paused now.
   */
  spend(key: string, source: string, units: number, budget: RateBudget): boolean {
    const state = this.state(key);
    this.count(state, key, source, units, budget);
    return this.waitingUntil(key) > 0;
  }

  /**
   * Opens a long-lived answer (a stream): one attempt, admitted like a request (it waits while
   * the credential is paused), counted by status, rate-limit headers observed and a 429 pausing
   * the credential until its reset; the caller reads the body, cancels it, and decides when to
   * open again. The timeout covers the wait for the answer's headers, not the body.
   */
  async open(request: HttpRequest): Promise<HttpStream> {
    const key = request.credential ?? request.source;
    await this.admit(key, request);
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException("timed out", "TimeoutError")),
      request.timeoutMs ?? this.options.timeoutMs ?? 30_000,
    );
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    let response: Response;
    try {
      response = await fetch(request.url, { method: request.method ?? "GET", headers: request.headers, signal });
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      this.options.onResponse?.(request.source, "error");
      throw new HttpError(`${redactUrl(request.url)}: ${describe(error)}`, undefined);
    } finally {
      clearTimeout(timer);
    }
    this.options.onResponse?.(request.source, String(response.status));
    this.observe(key, request.source, response.headers);
    if (response.status === 429) {
      const now = this.clock.now();
      const reset = resetAt(response.headers);
      const wait = retryAfterMs(response.headers.get("retry-after"), now) ?? (reset === undefined ? 0 : reset - now);
      if (wait > 0) this.pause(key, request.source, now + wait);
    }
    return { status: response.status, headers: response.headers, body: response.body, url: response.url };
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const key = request.credential ?? request.source;
    const maxAttempts = this.options.maxAttempts ?? 5;
    let lastError = "";
    let lastStatus: number | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await this.admit(key, request);
      let response: Response;
      try {
        response = await this.fetchOnce(request);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        this.options.onResponse?.(request.source, "error");
        lastError = describe(error);
        lastStatus = undefined;
        if (attempt < maxAttempts) await this.clock.sleep(this.delay(attempt), request.signal);
        continue;
      }
      this.options.onResponse?.(request.source, String(response.status));
      this.observe(key, request.source, response.headers);
      if (response.status === 429) {
        await response.body?.cancel();
        const now = this.clock.now();
        const wait =
          retryAfterMs(response.headers.get("retry-after"), now) ??
          ((reset) => (reset === undefined ? undefined : Math.max(0, reset - now)))(resetAt(response.headers)) ??
          this.options.rateLimitFallbackMs ??
          60_000;
        this.pause(key, request.source, now + wait);
        lastError = "429 Too Many Requests";
        lastStatus = 429;
        continue;
      }
      if (response.status >= 500) {
        const text = await this.readBody(response).catch(() => "");
        lastError = `${response.status} ${response.statusText}${text ? `: ${firstLine(text)}` : ""}`;
        lastStatus = response.status;
        if (attempt < maxAttempts) {
          const now = this.clock.now();
          const wait = retryAfterMs(response.headers.get("retry-after"), now) ?? this.delay(attempt);
          await this.clock.sleep(wait, request.signal);
        }
        continue;
      }
      const answer = {
        status: response.status,
        headers: response.headers,
        body: await this.readBody(response),
        url: response.url,
      };
      const limited = request.rateLimit?.(answer, this.clock.now());
      if (limited) {
        this.pause(key, request.source, limited.until);
        if (limited.retry) {
          lastError = `${answer.status} rate limited: ${firstLine(answer.body)}`;
          lastStatus = answer.status;
          continue;
        }
      }
      return answer;
    }
    throw new HttpError(`${redactUrl(request.url)}: ${lastError} (after ${maxAttempts} attempts)`, lastStatus);
  }

  private delay(attempt: number): number {
    return backoffDelay(attempt, this.backoff, this.clock.random);
  }

  private state(key: string): CredentialState {
    let state = this.credentials.get(key);
    if (!state) {
      state = { pausedUntil: 0, windowStart: this.clock.now(), used: 0 };
      this.credentials.set(key, state);
    }
    return state;
  }

  private pause(key: string, source: string, until: number): void {
    const state = this.state(key);
    if (until <= state.pausedUntil) return;
    state.pausedUntil = until;
    this.options.onRateLimited?.(source, until - this.clock.now(), until);
  }

  /** Waits while the credential is paused, then counts the request against its budget. */
  private async admit(key: string, request: HttpRequest): Promise<void> {
    const state = this.state(key);
    for (;;) {
      const wait = state.pausedUntil - this.clock.now();
      if (wait <= 0) break;
      await this.clock.sleep(wait, request.signal);
    }
    const budget = request.credential ? this.options.budgets?.[request.credential] : undefined;
    if (budget) this.count(state, key, request.source, 1, budget);
  }

  private count(state: CredentialState, key: string, source: string, units: number, budget: RateBudget): void {
    const now = this.clock.now();
    const aligned = budget.aligned ? now - (now % budget.windowMs) : undefined;
    if (aligned !== undefined ? state.windowStart !== aligned : now - state.windowStart >= budget.windowMs) {
      state.windowStart = aligned ?? now;
      state.used = 0;
    }
    state.used += units;
    const reserve = this.options.reserve ?? 0.05;
    if (state.used >= Math.floor(budget.limit * (1 - reserve))) {
      this.pause(key, source, state.windowStart + budget.windowMs);
    }
  }

  /** The platform's own count of what is left: pause before it reaches zero. */
  private observe(key: string, source: string, headers: Headers): void {
    const limit = Number(headers.get("x-rate-limit-limit"));
    const remaining = headers.get("x-rate-limit-remaining");
    const reset = resetAt(headers);
    if (remaining === null || reset === undefined || !(limit > 0)) return;
    const reserve = this.options.reserve ?? 0.05;
    if (Number(remaining) <= limit * reserve) this.pause(key, source, reset);
  }

  private async fetchOnce(request: HttpRequest): Promise<Response> {
    const timeout = AbortSignal.timeout(request.timeoutMs ?? this.options.timeoutMs ?? 30_000);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    return fetch(request.url, {
      method: request.method ?? "GET",
      headers: request.headers,
      body: request.body,
      signal,
      redirect: "follow",
    });
  }

  private async readBody(response: Response): Promise<string> {
    const max = this.options.maxBodyBytes ?? 16 * 1024 * 1024;
    if (!response.body) return "";
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > max) {
        await response.body.cancel().catch(() => undefined);
        throw new HttpError(`${redactUrl(response.url)}: body larger than ${max} bytes`, response.status);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === "TimeoutError") return "timed out";
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function firstLine(text: string): string {
  return (text.split("\n")[0] as string).slice(0, 200);
}

/** Query strings may carry API keys: errors name the URL without them. */
export function redactUrl(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}
