/**
 * A job that one instance of a stage runs at a time (the alert stage's rules and deliveries, the
 * sink's PageRank) is led by whoever holds its lease in the shared state store. The holder extends
 * the lease while it works; if it dies, another instance takes over once the lease expires, and a
 * graceful stop releases it at once.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Gauge } from "prom-client";
import type { StateStore } from "./state.js";

export interface LeaseOptions {
  store: StateStore;
  key: string;
  /** How long the lease lasts without being extended: the longest a dead holder keeps the job. */
  ttlMs: number;
  /** Set to 1 while held, 0 otherwise, labelled with `job`. */
  gauge?: Gauge<"job">;
  job: string;
}

export class Lease {
  /** This instance, as the state store knows it. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly options: LeaseOptions) {}

  /** Takes the lease if it is free or extends it if held here; whether this instance holds it now. */
  async hold(): Promise<boolean> {
    const { store, key, ttlMs, gauge, job } = this.options;
    const held = await store.holdLease(key, this.holder, ttlMs);
    gauge?.set({ job }, held ? 1 : 0);
    return held;
  }

  async release(): Promise<void> {
    const { store, key, gauge, job } = this.options;
    await store.releaseLease(key, this.holder);
    gauge?.set({ job }, 0);
  }
}
