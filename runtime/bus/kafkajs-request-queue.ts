/**
 * A fix of kafkajs 2.2.4's RequestQueue (tulios/kafkajs#1751, #1704, unreleased upstream), applied
 * to the class kafkajs itself loads. After every response, `scheduleCheckPendingRequests` computes
 * `throttledUntil - Date.now()`, with throttledUntil -1 when the broker never throttled: a negative
 * delay, which Node 24 warns about (TimeoutNegativeWarning: -1796516567216 is a negative number)
 * and runs after 1 ms. The check then schedules itself again, for ever: every broker connection of
 * every process woke its event loop each millisecond, idle or busy. Here a check is scheduled only
 * when there is something to check: requests waiting (as kafkajs does) or a throttle still running.
 */
import { createRequire } from "node:module";

/** kafkajs's pause between checks of requests waiting without a throttle (CHECK_PENDING_REQUESTS_INTERVAL). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

export interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

/** The delay before the next check of `queue`'s waiting requests, or null when none is needed. */
export function nextCheckDelay(
  queue: Pick<RequestQueueState, "pending" | "throttledUntil">,
  now: number,
): number | null {
  const throttleLeft = queue.throttledUntil - now;
  if (queue.pending.length > 0) return throttleLeft > 0 ? throttleLeft : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  return throttleLeft > 0 ? throttleLeft : null;
}

function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return;
  const delay = nextCheckDelay(this, Date.now());
  if (delay === null) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

const require = createRequire(import.meta.url);
/** The class every kafkajs connection creates its queue from (the module kafkajs's own index loads). */
export const RequestQueue = require("kafkajs/src/network/requestQueue/index.js") as {
  new (options: Record<string, unknown>): RequestQueueState;
  prototype: { scheduleCheckPendingRequests: (this: RequestQueueState) => void };
};
RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
