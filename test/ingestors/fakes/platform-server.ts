/**
 * A fake of a platform's API on 127.0.0.1 for the ingestor tests: each route (method and path,
 * query string ignored) answers from its own script of responses, in order; every request is
 * recorded with the test clock's time; a request no script expects is answered 599 and recorded
 * in `unexpected`, which every test asserts empty (a source must not fetch what it was not
 * scripted to, e.g. again before its checkpoint or before a rate limit's reset).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, HttpClient } from "../../../runtime/http-client.js";
import type { IngestContext } from "../../../runtime/ingestor.js";

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** A streamed body (e.g. X's filtered stream): written chunk by chunk, `intervalMs` apart (real time). */
  chunks?: string[];
  intervalMs?: number;
  /**
   * After the chunks: "close" ends the answer (default), "reset" destroys the socket (a reset
   * mid-answer), "hold" keeps the connection open and silent (a stalled stream).
   */
  end?: "close" | "reset" | "hold";
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The test clock's time when the request arrived. */
  at: number;
}

export class FakePlatformServer {
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: RecordedRequest[] = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private server: Server | null = null;

  constructor(private readonly clock: Pick<Clock, "now"> = { now: Date.now }) {}

  /** Queues responses for `METHOD /path` (e.g. "GET /feed.xml"). */
  script(route: string, ...responses: ScriptedResponse[]): this {
    this.scripts.set(route, [...(this.scripts.get(route) ?? []), ...responses]);
    return this;
  }

  /** Responses still queued, by route: a test that expected every scripted call asserts none. */
  remaining(): Record<string, number> {
    return Object.fromEntries([...this.scripts].filter(([, queue]) => queue.length > 0).map(([r, q]) => [r, q.length]));
  }

  async listen(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const path = (req.url ?? "/").split("?")[0] as string;
        const request = {
          method: req.method ?? "",
          path: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          at: this.clock.now(),
        };
        this.requests.push(request);
        const next = this.scripts.get(`${request.method} ${path}`)?.shift();
        if (!next) {
          this.unexpected.push(request);
          res.writeHead(599).end("unexpected request");
          return;
        }
        if (next.hang) return;
        if (!next.chunks) {
          res.writeHead(next.status, next.headers).end(next.body ?? "");
          return;
        }
        res.writeHead(next.status, next.headers);
        res.flushHeaders();
        const queued = [...next.chunks];
        const writeNext = () => {
          const chunk = queued.shift();
          if (chunk !== undefined) {
            // Written out before the next one (and before a reset), so the client gets every chunk.
            res.write(chunk, () => setTimeout(writeNext, next.intervalMs ?? 0));
          } else if (next.end === "reset") res.socket?.destroy();
          else if (next.end !== "hold") res.end();
        };
        writeNext();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    return this;
  }

  url(path = "/"): string {
    if (!this.server) throw new Error("the fake server is not listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A clock tests move: `sleep` advances it at once by the time asked (recorded in `sleeps`), so a
 * rate limit of minutes passes in no real time, and the fake server stamps requests with it.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = Date.UTC(2026, 11, 5, 3, 0)) {}
  now = (): number => this.time;
  random = (): number => 0.5;
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.time += ms;
    await new Promise((resolve) => setImmediate(resolve));
  };
}

/**
 * The context an ingestor runs in under test: the given checkpoints, an HTTP client on `clock`
 * (backoff 1 s doubling to 4 s, no jitter, so waits are exact) and a store that keeps nothing.
 */
export function fakeContext(clock: FakeClock, checkpoints: Record<string, string> = {}): IngestContext {
  return {
    checkpoints: new Map(Object.entries(checkpoints)),
    http: new HttpClient({ clock, backoff: { initialMs: 1000, maxMs: 4000, factor: 2, jitter: 0 } }),
    store: { get: async () => null, set: async () => undefined },
  };
}
