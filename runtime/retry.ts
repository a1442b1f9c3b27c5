/**
 * Capped exponential backoff with jitter, for calls to a service that may come back: the ingest
 * stage's produce, schema registry lookups, notification channels.
 */

export interface Backoff {
  /** Delay after the first failure, ms. */
  initialMs: number;
  /** Delay cap, ms. */
  maxMs: number;
  /** Growth per failure. */
  factor: number;
  /** Up to this fraction of a delay is taken off at random, so retries of many callers spread out. */
  jitter: number;
}

/** The delay after `attempts` failures: initial * factor^(attempts-1), capped, minus jitter. */
export function backoffDelay(attempts: number, backoff: Backoff, random: () => number = Math.random): number {
  const delay = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, attempts - 1));
  return Math.round(delay * (1 - backoff.jitter * random()));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
