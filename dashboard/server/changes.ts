/**
 * Server-sent events telling browsers that new aggregates, alerts or acknowledgements landed, so
 * they fetch again. While at least one browser listens, ClickHouse's data version is read every
 * `pollMs`; any change is pushed as a `changed` event. EventSource reconnects by itself (after
 * the `retry` given here), and a comment every 15 s keeps proxies from closing an idle stream.
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "../../runtime/logger.js";

const KEEPALIVE_MS = 15_000;
const RECONNECT_MS = 2000;
/** Open streams at most, in all and per client address: each holds a socket and a descriptor. */
export const MAX_LISTENERS = 100;
export const MAX_LISTENERS_PER_CLIENT = 10;

export class ChangeFeed {
  private readonly listeners = new Set<ServerResponse>();
  private readonly perClient = new Map<string, number>();
  private version: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private polling = false;
  /** False after a failed read of the data version, until one succeeds. */
  healthy = true;

  constructor(
    private readonly readVersion: () => Promise<string>,
    private readonly pollMs: number,
    private readonly logger: Logger,
  ) {}

  /** Streams changes to `res`, or answers 429 when too many streams are open (EventSource then gives up). */
  subscribe(res: ServerResponse, client: string): void {
    const ofClient = this.perClient.get(client) ?? 0;
    if (this.listeners.size >= MAX_LISTENERS || ofClient >= MAX_LISTENERS_PER_CLIENT) {
      res.writeHead(429, { "content-type": "text/plain; charset=utf-8", "retry-after": "30" });
      res.end("too many open change streams");
      return;
    }
    this.perClient.set(client, ofClient + 1);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    res.write(`retry: ${RECONNECT_MS}\nevent: ready\ndata: {}\n\n`);
    this.listeners.add(res);
    res.on("close", () => {
      this.listeners.delete(res);
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left > 0) this.perClient.set(client, left);
      else this.perClient.delete(client);
      if (this.listeners.size === 0) this.pause();
    });
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    this.keepalive ??= setInterval(() => this.send(": keepalive\n\n"), KEEPALIVE_MS);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const version = await this.readVersion();
      this.healthy = true;
      if (this.version !== undefined && version !== this.version) {
        this.send(`event: changed\ndata: ${JSON.stringify({ version })}\n\n`);
      }
      this.version = version;
    } catch (error) {
      this.healthy = false;
      this.logger.warn({ err: error }, "dashboard: reading the data version failed");
    } finally {
      this.polling = false;
    }
  }

  private send(text: string): void {
    for (const res of this.listeners) res.write(text);
  }

  private pause(): void {
    clearInterval(this.timer);
    clearInterval(this.keepalive);
    this.timer = undefined;
    this.keepalive = undefined;
  }

  /** Ends every stream, so the HTTP server can close. */
  close(): void {
    this.pause();
    for (const res of this.listeners) res.end();
    this.listeners.clear();
    this.perClient.clear();
  }
}
