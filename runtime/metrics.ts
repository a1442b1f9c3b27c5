/**
 * Prometheus metrics shared by every stage. One registry per process; stages label their series
 * with `stage` so one process running all stages still tells them apart.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export class PipelineMetrics {
  readonly registry = new Registry();
  readonly eventsIn = new Counter({
    name: "simak_events_in_total",
    help: "Events a stage received",
    labelNames: ["stage", "topic"] as const,
    registers: [this.registry],
  });
  readonly eventsOut = new Counter({
    name: "simak_events_out_total",
    help: "Events a stage emitted downstream (topic or table)",
    labelNames: ["stage", "target"] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: "simak_errors_total",
    help: "Errors by stage and error code",
    labelNames: ["stage", "code"] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: "simak_dead_letters_total",
    help: "Inputs sent to the dead-letter topic",
    labelNames: ["stage", "code"] as const,
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: "simak_duplicates_dropped_total",
    help: "Inputs dropped because they were already processed",
    labelNames: ["stage"] as const,
    registers: [this.registry],
  });
  readonly lateEvents = new Counter({
    name: "simak_late_events_total",
    help: "Events behind their partition's watermark: stored raw, left out of the window aggregates",
    labelNames: ["stage"] as const,
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: "simak_batch_duration_seconds",
    help: "Time to handle one batch, from receipt to downstream acknowledgement",
    labelNames: ["stage"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: "simak_consumer_lag",
    help: "Messages between a partition's high watermark and the last one handled",
    labelNames: ["stage", "topic", "partition"] as const,
    registers: [this.registry],
  });
  readonly consumerStuck = new Gauge({
    name: "simak_consumer_stuck",
    help: "1 while a partition's batch has failed SIMAK_CONSUMER_UNHEALTHY_AFTER_FAILURES times in a row at the same offset (the process reports unhealthy), else 0",
    labelNames: ["group", "topic", "partition"] as const,
    registers: [this.registry],
  });
  readonly consumerFailures = new Counter({
    name: "simak_consumer_failures_total",
    help: "Batches a consumer's handler failed on (each is redelivered)",
    labelNames: ["group", "topic", "partition"] as const,
    registers: [this.registry],
  });

  readonly leader = new Gauge({
    name: "simak_leader",
    help: "1 while this instance holds the lease of a job run by one instance at a time (runtime/state/lease.ts), else 0",
    labelNames: ["job"] as const,
    registers: [this.registry],
  });
  readonly stageHealthy = new Gauge({
    name: "simak_stage_healthy",
    help: "1 while a stage reports itself healthy (as /healthz does), else 0; set at each scrape",
    labelNames: ["stage"] as const,
    registers: [this.registry],
  });
  readonly windowWatermark = new Gauge({
    name: "simak_window_watermark_seconds",
    help: "The aggregate stage's event-time watermark per partition (Unix seconds), as of its last acknowledged insert",
    labelNames: ["topic", "partition"] as const,
    registers: [this.registry],
  });
  readonly clickhouseInsertErrors = new Counter({
    name: "simak_clickhouse_insert_errors_total",
    help: "ClickHouse inserts that failed (the batch is retried)",
    labelNames: ["stage", "table"] as const,
    registers: [this.registry],
  });
  readonly redisErrors = new Counter({
    name: "simak_redis_errors_total",
    help: "Errors the Redis connection reported (the client reconnects and retries)",
    registers: [this.registry],
  });

  readonly ingestRequests = new Counter({
    name: "simak_ingest_requests_total",
    help: 'HTTP requests a source made, by answer status ("error": no answer)',
    labelNames: ["source", "status"] as const,
    registers: [this.registry],
  });
  readonly ingestRateLimitedSeconds = new Counter({
    name: "simak_ingest_ratelimited_seconds_total",
    help: "Seconds a source was told (or decided) to wait for a rate limit",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly ingestItems = new Counter({
    name: "simak_ingest_items_total",
    help: "Items a source produced, by kind (mention, engagement, web, invalid: dead letters)",
    labelNames: ["source", "kind"] as const,
    registers: [this.registry],
  });
  readonly ingestReconnects = new Counter({
    name: "simak_ingest_reconnects_total",
    help: "Times a streaming source lost its connection and connected again",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly ingestLag = new Gauge({
    name: "simak_ingest_lag_seconds",
    help: "Now minus the newest event time a source produced",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly stateEntries = new Gauge({
    name: "simak_state_entries",
    help: "Entries a stage holds in memory, per structure (its caps are documented with the stage)",
    labelNames: ["stage", "structure"] as const,
    registers: [this.registry],
  });
  readonly stateEvicted = new Counter({
    name: "simak_state_evicted_total",
    help: "Entries a stage dropped because a structure was at its cap (least recently seen first)",
    labelNames: ["stage", "structure"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "simak_process_" });
  }
}
