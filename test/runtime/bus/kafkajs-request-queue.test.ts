import { afterEach, describe, expect, it } from "vitest";
import { nextCheckDelay, RequestQueue, type RequestQueueState } from "../../../runtime/bus/kafkajs-request-queue.js";

const silent = () => undefined;
const logger = { debug: silent, info: silent, warn: silent, error: silent };
const queues: RequestQueueState[] = [];
const queue = () => {
  const created = new RequestQueue({ clientId: "test", broker: "b:9092", logger, requestTimeout: 30_000 });
  queues.push(created);
  return created;
};
afterEach(() => {
  for (const created of queues.splice(0))
    if (created.throttleCheckTimeoutId) clearTimeout(created.throttleCheckTimeoutId);
});

describe("kafkajs request queue", () => {
  it("schedules no check when nothing waits and the broker never throttled (no 1 ms loop, no negative timeout)", () => {
    const idle = queue();
    expect(idle.throttledUntil).toBe(-1);
    idle.checkPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it("checks waiting requests at the throttle's end, else after kafkajs's 10 ms", () => {
    const now = 1_000_000;
    expect(nextCheckDelay({ pending: [], throttledUntil: -1 }, now)).toBeNull();
    expect(nextCheckDelay({ pending: [], throttledUntil: now - 5 }, now)).toBeNull();
    expect(nextCheckDelay({ pending: [], throttledUntil: now + 250 }, now)).toBe(250);
    expect(nextCheckDelay({ pending: [{}], throttledUntil: -1 }, now)).toBe(10);
    expect(nextCheckDelay({ pending: [{}], throttledUntil: now + 40 }, now)).toBe(40);
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.checkPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });
});
