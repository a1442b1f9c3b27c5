/**
 * One ClickHouse insert for the rows of every batch that arrives within an interval (the aggregate
 * and issues stages). Each partition batch of the aggregate stage must land whole (its deltas with the offsets they cover);
 * putting several batches' rows in ONE insert keeps that (an insert stamped with one inserted_at
 * is one part: all or nothing) while turning many tiny inserts, each running the rollup views,
 * into a few larger ones. A batch's promise resolves once the insert holding its rows is
 * acknowledged; a failed insert rejects every batch in it.
 */
import type { PipelineMetrics } from "../../runtime/metrics.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import type { Row } from "./rows.js";

export interface CoalescedInsertOptions {
  storage: Storage;
  /** The table's bare name, in the storage's database. */
  table: string;
  /** Shortest time between the starts of two inserts. */
  minIntervalMs: number;
  /** Insert at once when this many rows wait. */
  maxRows: number;
  /**
   * Column set to the insert's time on every row, so one insert is one part. Without it (and the
   * token), rows must be idempotent on their own: keyed in a ReplacingMergeTree.
   */
  stampColumn?: string;
  /** Column set to the insert's deduplication token on every row, so the insert can be sent again. */
  tokenColumn?: string;
  /** Told of each failed insert (counted in the metrics). */
  onInsertError?: () => void;
}

interface Waiting {
  rows: Row[];
  token: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Settings of an insert deduplicated by `token`, in the target table and in each view it feeds. */
export function deduplicatedInsert(token: string) {
  return {
    insert_deduplicate: 1,
    insert_deduplication_token: token,
    deduplicate_blocks_in_dependent_materialized_views: 1,
  } as const;
}

export class CoalescedInsert {
  private waiting: Waiting[] = [];
  private waitingRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastInsertAt = 0;
  private inserting: Promise<void> = Promise.resolve();

  constructor(private readonly options: CoalescedInsertOptions) {}

  /** Queues a batch's rows; `token` names the batch (its offsets) for the insert's deduplication token. */
  insert(rows: Row[], token = ""): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ rows, token, resolve, reject });
      this.waitingRows += rows.length;
      if (this.waitingRows >= this.options.maxRows) this.flushNow();
      else if (!this.timer) {
        const wait = Math.max(0, this.lastInsertAt + this.options.minIntervalMs - Date.now());
        this.timer = setTimeout(() => this.flushNow(), wait);
      }
    });
  }

  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.waiting;
    this.waiting = [];
    this.waitingRows = 0;
    if (batches.length === 0) return;
    // Inserts run one after another: a later batch of a partition never lands before an earlier one.
    this.inserting = this.inserting.then(() => this.write(batches));
  }

  private async write(batches: Waiting[]): Promise<void> {
    const { storage, table, stampColumn, tokenColumn } = this.options;
    this.lastInsertAt = Date.now();
    const stamp = this.lastInsertAt;
    const token = batches.map((batch) => batch.token).join(",");
    try {
      for (const batch of batches)
        for (const row of batch.rows) {
          if (stampColumn) row[stampColumn] = stamp;
          if (tokenColumn) row[tokenColumn] = token;
        }
      // One insert must stay one insert (all or nothing), so a backfill's days are not split
      // as the sink splits them: the deltas table takes it as one part, and a rollup view writes
      // one part per day the windows span, which for a one-off backfill is fine.
      await storage.insertRows(
        table,
        batches.flatMap((batch) => batch.rows),
        { ...(tokenColumn && deduplicatedInsert(token)), throw_on_max_partitions_per_insert_block: 0 },
      );
      for (const batch of batches) batch.resolve();
    } catch (error) {
      this.options.onInsertError?.();
      for (const batch of batches) batch.reject(error as Error);
    }
  }
}

/** Shortest time between two inserts into one table of keyed rows (keyedInserts). */
const KEYED_INSERT_INTERVAL_MS = 500;

/**
 * A stage's inserts of keyed rows (ReplacingMergeTree: a batch's rows sent again replace
 * themselves, so no stamp or token is needed): every partition's batches in one insert a table per
 * KEYED_INSERT_INTERVAL_MS, each failure counted for `stage`. An insert per batch, each a part to
 * write and merge, was most of what the issues stage cost chdb, and 854 of the store's 1 344
 * inserts in 30 s at half bench:full's sustained rate were the responsiveness stage's (4.7 rows each).
 */
export function keyedInserts(storage: Storage, metrics: PipelineMetrics, stage: string) {
  return (table: string, maxRows: number) =>
    new CoalescedInsert({
      storage,
      table,
      minIntervalMs: KEYED_INSERT_INTERVAL_MS,
      maxRows,
      onInsertError: () => metrics.clickhouseInsertErrors.inc({ stage, table }),
    });
}
