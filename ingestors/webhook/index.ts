/**
 * The webhook ingestor: a signed HTTP endpoint for data vendors and crawlers, on the webhook
 * listener (SIMAK_WEBHOOK_LISTEN). A POST carries replay-format JSON lines (ingestors/replay),
 * signed per Standard Webhooks; it is answered 202 only once the bus acknowledged its events, and
 * its webhook-id makes a redelivery harmless. See README.md.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Clock, systemClock } from "../../runtime/http-client.js";
import type { IngestContext, Ingestor, SourceEvent, SourceStore } from "../../runtime/ingestor.js";
import { parseReplayLine } from "../replay/parse.js";
import type { WebhookListener } from "./listener.js";
import { verifyWebhook } from "./signature.js";

export { WebhookListener } from "./listener.js";
export { signWebhook, verifyWebhook } from "./signature.js";

export interface WebhookOptions {
  name: string;
  listener: WebhookListener;
  /** Default /hooks/<name>. */
  path?: string;
  secrets: readonly string[];
  maxBodyBytes?: number;
  toleranceSeconds?: number;
  idempotencyHours?: number;
  /** How long a request waits for the bus before it is answered 503 (the sender retries). */
  ackTimeoutMs?: number;
  clock?: Pick<Clock, "now">;
}

interface Delivery {
  events: SourceEvent[];
}

type Answer = { status: number; body: Record<string, unknown> };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function createWebhookIngestor(options: WebhookOptions): Ingestor {
  return { name: options.name, events: (signal, context) => serve(options, signal, context) };
}

async function* serve(
  options: WebhookOptions,
  signal: AbortSignal,
  context: IngestContext | undefined,
): AsyncGenerator<SourceEvent> {
  const path = options.path ?? `/hooks/${options.name}`;
  const store = context?.store ?? memoryStore();
  const queue: Delivery[] = [];
  let wake: (() => void) | null = null;
  /** Deliveries being published, by webhook-id: a concurrent redelivery gets the same answer. */
  const inFlight = new Map<string, Promise<Answer>>();

  const handle = async (request: IncomingMessage): Promise<Answer> => {
    const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    if (request.method !== "POST") return { status: 405, body: { error: "POST only" } };
    const body = await readBody(request, maxBodyBytes);
    if (body === null) return { status: 413, body: { error: `body larger than ${maxBodyBytes} bytes` } };
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const id = header("webhook-id");
    const verdict = verifyWebhook(
      { id, timestamp: header("webhook-timestamp"), signature: header("webhook-signature"), body },
      options.secrets,
      (options.clock ?? systemClock).now(),
      options.toleranceSeconds ?? 300,
    );
    if (!verdict.ok || id === undefined)
      return { status: 401, body: { error: verdict.ok ? "unsigned" : verdict.reason } };
    const running = inFlight.get(id);
    if (running) return running;
    if ((await store.get(`delivery:${id}`)) !== null) return { status: 200, body: { status: "duplicate", id } };
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return { status: 400, body: { error: "the body is not valid UTF-8" } };
    }
    const publishing = publish(id, text).finally(() => inFlight.delete(id));
    inFlight.set(id, publishing);
    return publishing;
  };

  const publish = (id: string, text: string): Promise<Answer> => {
    const events: SourceEvent[] = [];
    let accepted = 0;
    let invalid = 0;
    text.split("\n").forEach((line, index) => {
      const raw = (index === 0 ? line.replace(/^\uFEFF/, "") : line).replace(/\r$/, "");
      if (raw.trim() === "") return;
      const event = parseReplayLine(raw, index + 1, `${options.name}:${id}`, options.name);
      if (event.type === "invalid") invalid++;
      else accepted++;
      events.push(event);
    });
    return new Promise<Answer>((resolve) => {
      const timer = setTimeout(
        () => resolve({ status: 503, body: { error: "the bus did not acknowledge in time; retry" } }),
        options.ackTimeoutMs ?? 10_000,
      );
      events.push({
        type: "receipt",
        done: (error) => {
          clearTimeout(timer);
          if (error) return resolve({ status: 503, body: { error: "the bus refused the events; retry" } });
          const ttl = (options.idempotencyHours ?? 24) * 3600;
          store.set(`delivery:${id}`, "1", ttl).then(
            () => resolve({ status: 202, body: { id, accepted, invalid } }),
            () => resolve({ status: 503, body: { error: "could not record the delivery; retry" } }),
          );
        },
      });
      queue.push({ events });
      wake?.();
    });
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(request).then(
      (answer) => respond(response, answer),
      () => respond(response, { status: 400, body: { error: "unreadable request" } }),
    );
  };

  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort, { once: true });
  await options.listener.route(path, onRequest);
  try {
    while (!signal.aborted) {
      const delivery = queue.shift();
      if (delivery) {
        yield* delivery.events;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    await options.listener.unroute(path);
    // Queued deliveries never reached the bus: their senders get 503 and retry.
    for (const delivery of queue.splice(0))
      for (const event of delivery.events) if (event.type === "receipt") event.done(new Error("source stopped"));
  }
}

function respond(response: ServerResponse, answer: Answer): void {
  if (response.headersSent) return;
  response.writeHead(answer.status, { "content-type": "application/json" }).end(`${JSON.stringify(answer.body)}\n`);
}

/** The raw body, or null as soon as it grows past `max` bytes. */
function readBody(request: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(request.headers["content-length"]);
  if (declared > max) {
    request.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        request.removeAllListeners("data");
        request.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Outside the ingest stage (tests, `simak sources test`): delivery ids kept in this process. */
function memoryStore(): SourceStore {
  const values = new Map<string, { value: string; until: number }>();
  return {
    get: async (key) => {
      const entry = values.get(key);
      return entry && entry.until > Date.now() ? entry.value : null;
    },
    set: async (key, value, ttlSeconds) => {
      values.set(key, { value, until: Date.now() + ttlSeconds * 1000 });
    },
  };
}
