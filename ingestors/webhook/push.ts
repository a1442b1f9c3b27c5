/**
 * What push sources share (this generic webhook and the platforms' own webhooks, e.g. Meta's):
 * reading a bounded body, answering in JSON, a queue of deliveries the source's event stream
 * yields from, each closed by a receipt whose answer waits for the bus, and a delivery-id store
 * for use outside the ingest stage.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SourceEvent, SourceStore } from "../../runtime/ingestor.js";

export type Answer = { status: number; body: Record<string, unknown> | string };

export function respond(response: ServerResponse, answer: Answer): void {
  if (response.headersSent) return;
  if (typeof answer.body === "string")
    response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
  else
    response.writeHead(answer.status, { "content-type": "application/json" }).end(`${JSON.stringify(answer.body)}\n`);
}

/** The raw body, or null as soon as it grows past `max` bytes. */
export function readBody(request: IncomingMessage, max: number): Promise<Buffer | null> {
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
export function memoryStore(): SourceStore {
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

/**
 * Batches of events waiting to be yielded, in arrival order. A push handler `deliver`s a batch
 * closed by a receipt and learns whether the bus acknowledged it; a poller `put`s a batch and
 * waits until the stream took it (so it never runs ahead of the bus).
 */
export class EventQueue {
  private readonly batches: { events: SourceEvent[]; taken: () => void }[] = [];
  private wake: (() => void) | null = null;

  /** Resolves once the stream has yielded the batch's first event. */
  put(events: SourceEvent[]): Promise<void> {
    return new Promise((taken) => {
      this.batches.push({ events, taken });
      this.wake?.();
    });
  }

  /**
   * Queues `events` followed by a receipt: "acknowledged" once the bus acknowledged them and
   * `recordAck` (e.g. storing the delivery id; run even after a timeout) succeeded, "unrecorded"
   * when it failed, "refused" when producing failed or the source stopped first, "timeout" after
   * `ackTimeoutMs`.
   */
  deliver(
    events: SourceEvent[],
    ackTimeoutMs: number,
    recordAck: () => Promise<unknown> = async () => undefined,
  ): Promise<"acknowledged" | "unrecorded" | "refused" | "timeout"> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve("timeout"), ackTimeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        if (error) return resolve("refused");
        recordAck().then(
          () => resolve("acknowledged"),
          () => resolve("unrecorded"),
        );
      };
      this.put([...events, { type: "receipt", done }]);
    });
  }

  /** Yields every batch until `signal` aborts (call `stop` from the signal, or it waits for the next batch). */
  async *drain(signal: AbortSignal): AsyncGenerator<SourceEvent> {
    const onAbort = () => this.wake?.();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const batch = this.batches.shift();
        if (batch) {
          batch.taken();
          yield* batch.events;
          continue;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      // Batches never yielded never reached the bus: their senders get a refusal and retry.
      for (const batch of this.batches.splice(0)) {
        batch.taken();
        for (const event of batch.events) if (event.type === "receipt") event.done(new Error("source stopped"));
      }
    }
  }
}
