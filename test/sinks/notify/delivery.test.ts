import { Writable } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../runtime/logger.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { RedisStateStore } from "../../../runtime/state/redis-state.js";
import type { StateStore } from "../../../runtime/state/state.js";
import {
  backoffDelay,
  type Channel,
  createChannel,
  DEFAULT_BACKOFF,
  type DeliveryOptions,
  DeliveryQueue,
} from "../../../sinks/notify/index.js";
import { SERVICES, uniquePrefix } from "../../support/services.js";
import { FakeHttpEndpoint, freePort, sampleAlert } from "./fakes.js";

/** How long an endpoint stays down: the acceptance's 30 s for the 503 case, shorter for the other. */
const OUTAGES = { "503": 30_000, refused: 3_000 } as const;
/** Retry delays grow to 300 ms, so the endpoint sees many attempts while down. */
const BACKOFF = { initialMs: 100, maxMs: 300, factor: 2, jitter: 0.2 };
const SECRET = "webhook-secret-0123456789";

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

const redis = new RedisStateStore(SERVICES.redisUrl);
afterAll(async () => {
  if (redis.healthy()) await redis.close();
});

async function endpoint(port = 0): Promise<FakeHttpEndpoint> {
  const fake = await new FakeHttpEndpoint().listen(port);
  closers.push(() => fake.close());
  return fake;
}

function webhookTo(url: string): (name: string) => Channel | undefined {
  const channel = createChannel("hook", { type: "webhook", url, secret: SECRET });
  return (name) => (name === "hook" ? channel : undefined);
}

async function openQueue(options: Partial<DeliveryOptions> & Pick<DeliveryOptions, "channel">) {
  const queue = await DeliveryQueue.open({ store: new MemoryStateStore(), backoff: BACKOFF, ...options });
  closers.push(() => queue.stop());
  return queue;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A manual clock for passes driven by hand (no timers). */
function manualClock(start = Date.UTC(2024, 0, 15)) {
  const clock = { now: start, tick: (ms: number) => (clock.now += ms) };
  return clock;
}

describe("delivery loop", () => {
  it("backs off exponentially, capped, with at most `jitter` taken off", () => {
    const delays = [1, 2, 3, 4, 9, 10, 30].map((attempts) => backoffDelay(attempts, DEFAULT_BACKOFF, () => 0));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(3200);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(3600);
  });

  it.each([
    ["answers 503", "503"],
    ["refuses connections", "refused"],
  ] as const)(
    "an endpoint that %s for the outage, then comes back, receives the alert exactly once",
    async (_, mode) => {
      const outage = OUTAGES[mode];
      const downUntil = Date.now() + outage;
      let fake: FakeHttpEndpoint;
      let port: number;
      if (mode === "503") {
        fake = await endpoint();
        fake.down = () => Date.now() < downUntil;
        port = fake.port;
      } else {
        port = await freePort();
        fake = new FakeHttpEndpoint();
      }
      const queue = (await openQueue({ channel: webhookTo(`http://127.0.0.1:${port}/hook`) })).start();
      const alert = sampleAlert();
      expect(await queue.enqueue([alert])).toBe(1);
      if (mode === "refused") {
        await new Promise((resolve) => setTimeout(resolve, downUntil - Date.now()));
        await fake.listen(port);
        closers.push(() => fake.close());
      }
      await until(() => queue.pending().length === 0, outage + 5 * BACKOFF.maxMs);
      expect(fake.accepted).toHaveLength(1);
      expect(fake.accepted[0]?.headers["webhook-id"]).toBe(alert.id);
      if (mode === "503") expect(fake.requests.length).toBeGreaterThan(3);
      // The same alert again (a redelivered record): not delivered again.
      expect(await queue.enqueue([alert])).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 2 * BACKOFF.maxMs));
      expect(fake.accepted).toHaveLength(1);
    },
  );

  it("delivers each alert id once per channel, whatever the number of enqueues", async () => {
    const fake = await endpoint();
    const queue = await openQueue({ channel: webhookTo(fake.url()) });
    const alert = sampleAlert();
    const other = sampleAlert({ id: "other:firing" });
    expect(await queue.enqueue([alert, alert, other])).toBe(2);
    expect(await queue.enqueue([alert])).toBe(0);
    expect(await queue.deliverDue()).toEqual({ delivered: 2, failed: 0 });
    expect(await queue.enqueue([alert, other])).toBe(0);
    expect(await queue.deliverDue()).toEqual({ delivered: 0, failed: 0 });
    expect(fake.accepted.map((request) => request.headers["webhook-id"])).toEqual([alert.id, other.id]);
  });

  it("holds an alert until its notifyAt (the end of quiet hours)", async () => {
    const fake = await endpoint();
    const clock = manualClock();
    const queue = await openQueue({ channel: webhookTo(fake.url()), now: () => clock.now });
    await queue.enqueue([sampleAlert({ notifyAt: clock.now + 3_600_000 })]);
    expect(queue.nextDueAt()).toBe(clock.now + 3_600_000);
    expect(await queue.deliverDue()).toEqual({ delivered: 0, failed: 0 });
    clock.tick(3_600_000);
    expect(await queue.deliverDue()).toEqual({ delivered: 1, failed: 0 });
    expect(fake.accepted).toHaveLength(1);
  });

  it("keeps retrying a channel the rules file no longer defines, and delivers once it is back", async () => {
    const fake = await endpoint();
    const clock = manualClock();
    let configured = false;
    const hook = webhookTo(fake.url());
    const queue = await openQueue({ channel: (name) => (configured ? hook(name) : undefined), now: () => clock.now });
    await queue.enqueue([sampleAlert()]);
    expect(await queue.deliverDue()).toEqual({ delivered: 0, failed: 1 });
    expect(queue.pending()[0]).toMatchObject({ attempts: 1, lastError: "channel 'hook' is not configured" });
    configured = true;
    clock.tick(BACKOFF.initialMs);
    expect(await queue.deliverDue()).toEqual({ delivered: 1, failed: 0 });
  });

  it("gives a delivery up a day after it was queued, and writes the list only when a pair joins or leaves it", async () => {
    const clock = manualClock();
    const store = new MemoryStateStore();
    let writes = 0;
    const counting: StateStore = Object.assign(Object.create(store) as StateStore, {
      writeAtomically: (...args: Parameters<StateStore["writeAtomically"]>) => {
        writes++;
        return store.writeAtomically(...args);
      },
    });
    const queue = await openQueue({ store: counting, channel: () => undefined, now: () => clock.now });
    await queue.enqueue([sampleAlert()]);
    expect(writes).toBe(1);
    for (let pass = 0; pass < 5; pass++) {
      expect(await queue.deliverDue()).toEqual({ delivered: 0, failed: 1 });
      clock.tick(BACKOFF.maxMs);
    }
    expect(writes).toBe(1);
    clock.tick(24 * 3_600_000);
    expect(await queue.deliverDue()).toEqual({ delivered: 0, failed: 1 });
    expect(queue.pending()).toEqual([]);
    expect(writes).toBe(2);
    const reopened = await DeliveryQueue.open({ store, channel: () => undefined });
    expect(reopened.pending()).toEqual([]);
  });

  it("keeps at most maxPending deliveries, giving up the oldest", async () => {
    const queue = await openQueue({ channel: () => undefined, maxPending: 2 });
    const ids = ["a:firing", "b:firing", "c:firing"];
    expect(await queue.enqueue(ids.map((id) => sampleAlert({ id })))).toBe(3);
    expect(queue.pending().map((item) => item.alert.id)).toEqual(["b:firing", "c:firing"]);
  });

  it("resumes pending deliveries after a restart, from Redis, and remembers what was delivered", async () => {
    await redis.connect();
    const store: StateStore = redis;
    const prefix = uniquePrefix("notify");
    const fake = await endpoint();
    fake.down = () => true;
    const clock = manualClock();
    const options = {
      store,
      prefix,
      channel: webhookTo(fake.url()),
      backoff: BACKOFF,
      now: () => clock.now,
      ttlSeconds: 300,
    };
    const alert = sampleAlert();
    const first = await DeliveryQueue.open(options);
    await first.enqueue([alert]);
    expect(await first.deliverDue()).toEqual({ delivered: 0, failed: 1 });
    await first.stop();

    fake.down = () => false;
    clock.tick(BACKOFF.maxMs);
    const second = await DeliveryQueue.open(options);
    // Failed attempts are not written (only joins and leaves are): a restart retries at once.
    expect(second.pending().map((item) => [item.alert.id, item.channel, item.attempts])).toEqual([
      [alert.id, "hook", 0],
    ]);
    expect(await second.deliverDue()).toEqual({ delivered: 1, failed: 0 });
    await second.stop();

    const third = await DeliveryQueue.open(options);
    expect(third.pending()).toEqual([]);
    expect(await third.enqueue([alert])).toBe(0);
    expect(fake.accepted).toHaveLength(1);
    await third.stop();
  });

  it("never logs a secret: failures name the channel and the status; secret fields are redacted", async () => {
    const lines: string[] = [];
    const logger = createLogger(
      "info",
      "test",
      new Writable({
        write(chunk, _, callback) {
          lines.push(String(chunk));
          callback();
        },
      }),
    );
    const fake = await endpoint();
    fake.answer = () => ({ status: 500, body: "boom" });
    const token = "999999:very-secret-bot-token";
    const telegram = createChannel("tg", { type: "telegram", token, chatId: "1", apiBase: fake.url() });
    const queue = await openQueue({ channel: () => telegram, logger });
    await queue.enqueue([sampleAlert({ channels: ["tg"] })]);
    await queue.deliverDue();
    logger.info({
      channel: { token, secret: SECRET, webhookUrl: "https://hooks.slack.example/T/B/x", password: "pw" },
    });
    const output = lines.join("");
    expect(output).toContain("alert not delivered, retrying: channel 'tg': HTTP 500");
    expect(output).toContain('"code":"NOTIFY_DELIVERY_FAILED"');
    for (const secret of [token, SECRET, "hooks.slack.example", '"pw"']) expect(output).not.toContain(secret);
  });
});
