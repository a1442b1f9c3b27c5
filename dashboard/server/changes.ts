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

export class ChangeFeed {
  private readonly listeners = new Set<ServerResponse>();
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

  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    res.write(`retry: ${RECONNECT_MS}\nevent: ready\ndata: {}\n\n`);
    this.listeners.add(res);
    res.on("close", () => {
      this.listeners.delete(res);
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
  }
}
