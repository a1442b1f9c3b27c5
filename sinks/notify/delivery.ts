/**
 * The delivery loop: every (alert, channel) pair is retried with capped exponential backoff and
 * jitter until the channel accepts it; nothing is dropped. Its state lives in the state store:
 *
 * - `pending`: every pair not yet delivered (JSON), written before `enqueue` returns, so the caller
 *   may commit its input, and a restart resumes where the last process stopped;
 * - `delivered:<channel>`: the set of alert ids the channel accepted, written together with the
 *   pending list (one atomic write), so an alert id is never delivered twice to a channel, even
 *   when the alert comes again (a redelivered Kafka record, a replay).
 *
 * The list is written when a pair joins or leaves it, not after every failed attempt (a restart
 * retries at once), and it is bounded: a pair still undelivered a day after it was queued, or
 * beyond the newest `maxPending`, is given up and logged as an error, so an outage of a channel or
 * one removed for good does not grow it, or its writes, without end.
 *
 * A crash after the far end accepted an alert but before that write delivers it again on restart:
 * receivers deduplicate on the alert id (the webhook-id header, the email Message-ID). One loop per
 * deployment (prefix) owns the pending list; the alerts topic has one partition for that reason.
 */
import { ErrorCode } from "../../runtime/errors.js";
import type { Logger } from "../../runtime/logger.js";
import { type Backoff, backoffDelay } from "../../runtime/retry.js";
import type { StateStore } from "../../runtime/state/state.js";
import type { Alert } from "../../schemas/types.generated.js";
import type { Channel } from "./channel.js";
import { notifyKeys } from "./keys.js";

export { type Backoff, backoffDelay };

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 5 * 60_000, factor: 2, jitter: 0.2 };

export interface PendingDelivery {
  alert: Alert;
  channel: string;
  /** Failed attempts so far. */
  attempts: number;
  /** Not before this time (epoch ms): the alert's notifyAt, then the backoff. */
  nextAt: number;
  /** When it was queued (epoch ms). */
  queuedAt: number;
  lastError: string | null;
}

export interface DeliveryOptions {
  store: StateStore;
  /** The channel of a name, read at every attempt (the rules file reloads); undefined: not configured (retried). */
  channel: (name: string) => Channel | undefined;
  /** Isolates deployments sharing a store (the topic prefix). */
  prefix?: string;
  logger?: Logger;
  backoff?: Partial<Backoff>;
  /** Give up an attempt after this long, ms. Default 15 000. */
  attemptTimeoutMs?: number;
  /** How long delivered markers and the pending list are kept, s. Default 30 days. */
  ttlSeconds?: number;
  /** A pair still undelivered this long after it was queued is given up, ms. Default 24 h. */
  giveUpAfterMs?: number;
  /** At most this many pairs pending; the oldest beyond it are given up. Default 1000. */
  maxPending?: number;
  now?: () => number;
  random?: () => number;
}

export interface PassResult {
  delivered: number;
  failed: number;
}

const pairKey = (alertId: string, channel: string) => `${alertId}\u0000${channel}`;

export class DeliveryQueue {
  private readonly pendingByKey = new Map<string, PendingDelivery>();
  private readonly keys: ReturnType<typeof notifyKeys>;
  private readonly backoff: Backoff;
  private readonly ttlSeconds: number;
  private readonly giveUpAfterMs: number;
  private readonly maxPending: number;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Writes chained in call order, so the stored pending list is never older than one written before it. */
  private writes: Promise<void> = Promise.resolve();
  private pass: Promise<PassResult> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  private constructor(private readonly options: DeliveryOptions) {
    this.keys = notifyKeys(options.prefix ?? "");
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.ttlSeconds = options.ttlSeconds ?? 30 * 86_400;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;
    this.maxPending = options.maxPending ?? 1000;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** A queue holding the pending deliveries the store has (a restart resumes them). */
  static async open(options: DeliveryOptions): Promise<DeliveryQueue> {
    const queue = new DeliveryQueue(options);
    const [saved] = await options.store.getMany([queue.keys.pending]);
    for (const item of saved ? (JSON.parse(saved) as PendingDelivery[]) : [])
      queue.pendingByKey.set(pairKey(item.alert.id, item.channel), { ...item, queuedAt: item.queuedAt ?? queue.now() });
    return queue;
  }

  pending(): PendingDelivery[] {
    return [...this.pendingByKey.values()];
  }

  /**
   * Adds a delivery for each of the alerts' channels that has neither delivered the alert id nor
   * has it pending; resolves once they are stored. Returns how many were added.
   */
  async enqueue(alerts: readonly Alert[]): Promise<number> {
    const candidates = alerts.flatMap((alert) =>
      alert.channels
        .filter((channel) => !this.pendingByKey.has(pairKey(alert.id, channel)))
        .map((channel) => ({ alert, channel })),
    );
    const delivered = await this.options.store.hasMembers(
      candidates.map(({ alert, channel }) => ({ key: this.keys.delivered(channel), value: alert.id })),
    );
    let added = 0;
    candidates.forEach(({ alert, channel }, i) => {
      const key = pairKey(alert.id, channel);
      if (delivered[i] || this.pendingByKey.has(key)) return;
      this.pendingByKey.set(key, {
        alert,
        channel,
        attempts: 0,
        nextAt: alert.notifyAt ?? 0,
        queuedAt: this.now(),
        lastError: null,
      });
      added++;
    });
    const overflow = [...this.pendingByKey.values()].slice(0, Math.max(0, this.pendingByKey.size - this.maxPending));
    this.giveUp(overflow, `more than ${this.maxPending} deliveries pending`);
    if (added > 0) {
      await this.persist([]);
      this.schedule();
    }
    return added;
  }

  /** When the next pending delivery is due (epoch ms), null when none is pending. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const item of this.pendingByKey.values()) if (next === null || item.nextAt < next) next = item.nextAt;
    return next;
  }

  /** Attempts every due delivery once, concurrently. Concurrent calls share one pass. */
  deliverDue(): Promise<PassResult> {
    if (!this.pass) this.pass = this.runPass().finally(() => (this.pass = null));
    return this.pass;
  }

  private async runPass(): Promise<PassResult> {
    const now = this.now();
    const due = [...this.pendingByKey.values()].filter((item) => item.nextAt <= now);
    const errors = await Promise.all(due.map((item) => this.attempt(item)));
    const delivered = due.filter((_, i) => errors[i] === null);
    for (const item of delivered) this.pendingByKey.delete(pairKey(item.alert.id, item.channel));
    due.forEach((item, i) => {
      const error = errors[i];
      if (error === null || error === undefined) return;
      item.attempts++;
      item.lastError = error;
      item.nextAt = this.now() + backoffDelay(item.attempts, this.backoff, this.random);
      this.options.logger?.warn(
        {
          code: ErrorCode.NotifyDeliveryFailed,
          channel: item.channel,
          alertId: item.alert.id,
          attempts: item.attempts,
        },
        `alert not delivered, retrying: ${error}`,
      );
    });
    const stale = due.filter((item, i) => errors[i] !== null && now - item.queuedAt >= this.giveUpAfterMs);
    this.giveUp(stale, `still undelivered ${Math.round(this.giveUpAfterMs / 60_000)} min after it was queued`);
    if (delivered.length > 0 || stale.length > 0)
      await this.persist(delivered.map((item) => ({ key: this.keys.delivered(item.channel), value: item.alert.id })));
    for (const item of delivered)
      this.options.logger?.info({ channel: item.channel, alertId: item.alert.id }, "alert delivered");
    return { delivered: delivered.length, failed: due.length - delivered.length };
  }

  /** Drops deliveries for good, each logged as an error (the caller persists the list). */
  private giveUp(items: readonly PendingDelivery[], why: string): void {
    for (const item of items) {
      this.pendingByKey.delete(pairKey(item.alert.id, item.channel));
      this.options.logger?.error(
        {
          code: ErrorCode.NotifyDeliveryFailed,
          channel: item.channel,
          alertId: item.alert.id,
          attempts: item.attempts,
          lastError: item.lastError,
        },
        `alert delivery given up: ${why}`,
      );
    }
  }

  /** null when delivered, else why not (no URL, no secret: see channel.ts). */
  private async attempt(item: PendingDelivery): Promise<string | null> {
    const channel = this.options.channel(item.channel);
    if (!channel) return `channel '${item.channel}' is not configured`;
    try {
      await channel.send(item.alert, AbortSignal.timeout(this.options.attemptTimeoutMs ?? 15_000));
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private persist(members: { key: string; value: string }[]): Promise<void> {
    const value = JSON.stringify(this.pending());
    const write = this.writes.then(() =>
      this.options.store.writeAtomically([{ key: this.keys.pending, value }], members, this.ttlSeconds),
    );
    this.writes = write.catch(() => undefined);
    return write;
  }

  /** Runs passes whenever a delivery is due, until `stop()`. Timers do not keep the process alive. */
  start(): this {
    this.running = true;
    this.schedule();
    return this;
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.nextDueAt();
    if (next === null) {
      this.timer = null;
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.deliverDue()
          .catch((error: Error) => this.options.logger?.error({ err: error.message }, "delivery pass failed"))
          .finally(() => this.schedule());
      },
      Math.max(0, next - this.now()),
    );
    this.timer.unref();
  }

  /** Stops the loop after the pass in flight; pending deliveries stay stored for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
    await this.writes;
  }
}
