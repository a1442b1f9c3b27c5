/**
 * The webhook ingestor: a signed HTTP endpoint for data vendors and crawlers, on the webhook
 * listener (SIMAK_WEBHOOK_LISTEN). A POST carries replay-format JSON lines (ingestors/replay),
 * signed per Standard Webhooks; it is answered 202 only once the bus acknowledged its events, and
 * its webhook-id makes a redelivery harmless. See README.md.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Clock, systemClock } from "../../runtime/http-client.js";
import type { IngestContext, Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import { parseReplayLine } from "../replay/parse.js";
import type { WebhookListener } from "./listener.js";
import { type Answer, EventQueue, memoryStore, readBody, respond } from "./push.js";
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
  const queue = new EventQueue();
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

  const publish = async (id: string, text: string): Promise<Answer> => {
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
    const ttl = (options.idempotencyHours ?? 24) * 3600;
    const outcome = await queue.deliver(events, options.ackTimeoutMs ?? 10_000, () =>
      store.set(`delivery:${id}`, "1", ttl),
    );
    if (outcome === "timeout") return { status: 503, body: { error: "the bus did not acknowledge in time; retry" } };
    if (outcome === "refused") return { status: 503, body: { error: "the bus refused the events; retry" } };
    if (outcome === "unrecorded") return { status: 503, body: { error: "could not record the delivery; retry" } };
    return { status: 202, body: { id, accepted, invalid } };
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(request).then(
      (answer) => respond(response, answer),
      () => respond(response, { status: 400, body: { error: "unreadable request" } }),
    );
  };

  await options.listener.route(path, onRequest);
  try {
    yield* queue.drain(signal);
  } finally {
    await options.listener.unroute(path);
  }
}
