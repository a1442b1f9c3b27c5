/**
 * The listener webhook sources are served on (SIMAK_WEBHOOK_LISTEN): its own port, never the
 * dashboard's, so exposing webhooks to the internet (behind a TLS proxy) exposes nothing else.
 * One per process; each webhook source routes its path while it runs. It listens while at least
 * one route is registered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type WebhookHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Slow senders are cut off: a body must arrive within this time. */
const REQUEST_TIMEOUT_MS = 15_000;

export class WebhookListener {
  private readonly routes = new Map<string, WebhookHandler>();
  private server: Server | null = null;
  private listening: Promise<void> | null = null;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  static parse(listen: string): WebhookListener {
    const at = listen.lastIndexOf(":");
    return new WebhookListener(listen.slice(0, at), Number(listen.slice(at + 1)));
  }

  /** Routes `path` to `handler` (starting to listen if needed); resolves once listening. */
  async route(path: string, handler: WebhookHandler): Promise<void> {
    if (this.routes.has(path)) throw new Error(`webhook path ${path} is served by another source`);
    this.routes.set(path, handler);
    if (!this.server) {
      const server = createServer((request, response) => {
        const path = (request.url ?? "/").split("?")[0] as string;
        const route = this.routes.get(path);
        if (!route) {
          response.writeHead(404, { "content-type": "text/plain" }).end("no webhook at this path\n");
          return;
        }
        route(request, response);
      });
      server.requestTimeout = REQUEST_TIMEOUT_MS;
      server.headersTimeout = REQUEST_TIMEOUT_MS;
      this.server = server;
      this.listening = new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.port, this.host, () => resolve());
      });
    }
    await this.listening;
  }

  /** Stops routing `path`; the last route closes the listener. */
  async unroute(path: string): Promise<void> {
    this.routes.delete(path);
    if (this.routes.size > 0 || !this.server) return;
    const server = this.server;
    this.server = null;
    this.listening = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The bound port (for listeners on port 0), while listening. */
  boundPort(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === "object" ? (address as AddressInfo).port : undefined;
  }
}
