/**
 * The webhook ingestor on its own listener: Standard Webhooks signatures (good, bad, stale,
 * replayed, rotated), a bounded body, invalid UTF-8, bad lines as dead letters, and the answer
 * held until the bus acknowledged (202), or 503 when it refused.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createWebhookIngestor, signWebhook, WebhookListener } from "../../../ingestors/webhook/index.js";
import type { Ingestor, SourceEvent } from "../../../runtime/ingestor.js";

const OLD_SECRET = `whsec_${Buffer.from("old-secret-bytes-0123456789").toString("base64")}`;
const NEW_SECRET = "new-plain-secret-0123456789";
const NOW = Date.UTC(2026, 11, 5, 4, 0);
const LINES = [
  '{"platform":"tiktok","id":"7301","kind":"post","author":{"id":"u1","handle":"warga"},"text":"antrean bpjs","eventTime":1764900000000}',
  '{"type":"engagement","platform":"tiktok","postId":"7301","eventTime":1764900060000,"likes":5}',
  "{not json",
].join("\n");

let listener: WebhookListener;
let abort: AbortController;
let events: SourceEvent[];
let receipts: ((error?: Error) => void)[];

async function start(
  options: { secrets?: string[]; maxBodyBytes?: number; ackTimeoutMs?: number } = {},
): Promise<Ingestor> {
  listener = new WebhookListener("127.0.0.1", 0);
  abort = new AbortController();
  events = [];
  receipts = [];
  const ingestor = createWebhookIngestor({
    name: "vendor",
    listener,
    secrets: options.secrets ?? [OLD_SECRET],
    maxBodyBytes: options.maxBodyBytes,
    ackTimeoutMs: options.ackTimeoutMs,
    clock: { now: () => NOW },
  });
  (async () => {
    for await (const event of ingestor.events(abort.signal)) {
      if (event.type === "receipt") receipts.push(event.done);
      else events.push(event);
    }
  })();
  for (let i = 0; i < 100 && listener.boundPort() === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  return ingestor;
}

afterEach(() => abort.abort());

function post(
  body: string | Buffer,
  headers: { id?: string; timestamp?: number; signature?: string; secret?: string } = {},
): Promise<Response> {
  const id = headers.id ?? "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  const timestamp = headers.timestamp ?? NOW / 1000;
  const signature = headers.signature ?? signWebhook(headers.secret ?? OLD_SECRET, id, timestamp, body);
  return fetch(`http://127.0.0.1:${listener.boundPort()}/hooks/vendor`, {
    method: "POST",
    headers: { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature },
    body,
  });
}

/** Acknowledges the next receipt once it arrives (as the ingest stage does after the bus did). */
async function acknowledge(error?: Error): Promise<void> {
  for (let i = 0; i < 200 && receipts.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  receipts.shift()?.(error);
}

describe("webhook ingestor", () => {
  it("answers 202 only after the acknowledgement; bad lines become dead letters", async () => {
    await start();
    let answered = false;
    const response = post(LINES).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    await acknowledge();
    const answer = await response;
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", accepted: 2, invalid: 1 });
    expect(events.map((e) => e.type)).toEqual(["mention", "engagement", "invalid"]);
    expect(events[0]).toMatchObject({ mention: { platform: "tiktok", id: "7301", source: "vendor" } });
    expect(events[2]).toMatchObject({
      errorCode: "REPLAY_BAD_JSON",
      origin: "vendor:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
      position: 3,
    });
  });

  it("answers a replayed webhook-id 200 without publishing again", async () => {
    await start();
    const first = post(LINES);
    await acknowledge();
    expect((await first).status).toBe(202);
    const again = await post(LINES);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" });
    expect(events).toHaveLength(3);
  });

  it("answers 503 when the bus refused, and publishes the retry", async () => {
    await start();
    const first = post(LINES);
    await acknowledge(new Error("bus down"));
    expect((await first).status).toBe(503);
    const retry = post(LINES);
    await acknowledge();
    expect((await retry).status).toBe(202);
    expect(events).toHaveLength(6);
  });

  it("answers 503 when the bus is slower than ackTimeoutMs; once published, a redelivery is answered 200", async () => {
    await start({ ackTimeoutMs: 100 });
    const slow = await post(LINES);
    expect(slow.status).toBe(503);
    expect(await slow.json()).toEqual({ error: "the bus did not acknowledge in time; retry" });
    await acknowledge();
    await new Promise((r) => setTimeout(r, 50));
    expect((await post(LINES)).status).toBe(200);
    expect(events).toHaveLength(3);
  });

  it("refuses a bad signature, a stale timestamp and missing headers with 401, publishing nothing", async () => {
    await start();
    expect((await post(LINES, { secret: NEW_SECRET })).status).toBe(401);
    expect((await post(LINES, { signature: "v1,AAAA" })).status).toBe(401);
    const stale = await post(LINES, { timestamp: NOW / 1000 - 301 });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({ error: "webhook-timestamp is more than 300 s from now" });
    // A body altered after signing (e.g. re-serialised JSON) fails too.
    const signed = signWebhook(OLD_SECRET, "msg_1", NOW / 1000, LINES);
    expect((await post(`${LINES} `, { id: "msg_1", signature: signed })).status).toBe(401);
    const unsigned = await fetch(`http://127.0.0.1:${listener.boundPort()}/hooks/vendor`, {
      method: "POST",
      body: LINES,
    });
    expect(unsigned.status).toBe(401);
    expect(events).toEqual([]);
  });

  it("accepts either secret during a rotation, and a header carrying two signatures", async () => {
    await start({ secrets: [NEW_SECRET, OLD_SECRET] });
    const withNew = post(LINES, { id: "msg_new", secret: NEW_SECRET });
    await acknowledge();
    expect((await withNew).status).toBe(202);
    const both = `${signWebhook("some-retired-secret-000", "msg_both", NOW / 1000, LINES)} ${signWebhook(OLD_SECRET, "msg_both", NOW / 1000, LINES)}`;
    const withBoth = post(LINES, { id: "msg_both", signature: both });
    await acknowledge();
    expect((await withBoth).status).toBe(202);
  });

  it("refuses an oversized body with 413 and invalid UTF-8 with 400", async () => {
    await start({ maxBodyBytes: 100 });
    expect((await post("x".repeat(101))).status).toBe(413);
    const bad = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const answer = await post(bad, { id: "msg_bad" });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: "the body is not valid UTF-8" });
    expect((await fetch(`http://127.0.0.1:${listener.boundPort()}/elsewhere`)).status).toBe(404);
    expect(events).toEqual([]);
  });
});
