/**
 * Buffered, idempotent writes of rows to one ClickHouse table. Rows accumulate until `batchRows`,
 * `flushMs`, or `flushSoon()` says no more rows are on their way (then at most one insert per
 * `minFlushIntervalMs`, so light traffic does not become a stream of tiny parts). A flush first asks ClickHouse which of the buffered keys it already holds and
 * inserts only the others, so a batch redelivered after a crash (inserted, offsets not yet
 * committed) or a mention produced twice upstream never becomes a second row.
 */
import type { Storage } from "../../runtime/storage/clickhouse.js";
import type { Row } from "./rows.js";

export interface TableWriterOptions {
  storage: Storage;
  table: string;
  /** Columns that identify a row; the first must be a String column named in `lookupColumn`. */
  keyColumns: string[];
  /** A String key column with an IN-able value for the existence lookup. */
  lookupColumn: string;
  /** DateTime64 column bounding the lookup to the partitions the batch touches. */
  timeColumn: string;
  batchRows: number;
  /** Longest a row waits in the buffer. */
  flushMs: number;
  /** Shortest time between the starts of two flushes triggered by flushSoon(). */
  minFlushIntervalMs: number;
  /** Called after each successful flush with the rows written and the duplicates skipped. */
  onFlush?: (written: number, skipped: number, seconds: number) => void;
  /** Told of each failed flush (the existence lookup or the insert; counted in the metrics). */
  onInsertError?: () => void;
}

interface Pending {
  rows: Row[];
  resolve: () => void;
  reject: (error: Error) => void;
}

export class TableWriter {
  private buffer: Pending[] = [];
  private bufferedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastFlushAt = 0;

  constructor(private readonly options: TableWriterOptions) {}

  /** Buffers the rows; resolves once they are durably in ClickHouse. */
  write(rows: Row[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ rows, resolve, reject });
      this.bufferedRows += rows.length;
      if (this.bufferedRows >= this.options.batchRows) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.options.flushMs);
    });
  }

  /**
   * The caller has nothing more to add for now (every batch in flight has written its rows and
   * waits for this flush): flush as soon as the minimum interval allows instead of at flushMs.
   */
  flushSoon(): void {
    if (this.buffer.length === 0) return;
    const wait = this.lastFlushAt + this.options.minFlushIntervalMs - Date.now();
    if (wait <= 0) {
      this.flushNow();
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flushNow(), Math.min(wait, this.options.flushMs));
  }

  /** Flushes what is buffered and waits for every flush in progress. */
  async flush(): Promise<void> {
    this.flushNow();
    await this.flushing;
  }

  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.buffer;
    if (pending.length === 0) return;
    this.buffer = [];
    this.bufferedRows = 0;
    this.lastFlushAt = Date.now();
    // Flushes run one after another so the existence lookup sees every earlier insert.
    this.flushing = this.flushing.then(() => this.insert(pending));
  }

  private async insert(pending: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const rows = pending.flatMap((item) => item.rows);
      const fresh = await this.withoutExisting(rows);
      if (fresh.length > 0) {
        await this.options.storage.client.insert({ table: this.options.table, values: fresh, format: "JSONEachRow" });
      }
      this.options.onFlush?.(fresh.length, rows.length - fresh.length, (performance.now() - started) / 1000);
      for (const item of pending) item.resolve();
    } catch (error) {
      this.options.onInsertError?.();
      for (const item of pending) item.reject(error as Error);
    }
  }

  private keyOf(row: Row): string {
    return this.options.keyColumns.map((column) => String(row[column])).join("\u0001");
  }

  private async withoutExisting(rows: Row[]): Promise<Row[]> {
    const { keyColumns, lookupColumn, timeColumn, table, storage } = this.options;
    const unique = new Map<string, Row>();
    for (const row of rows) if (!unique.has(this.keyOf(row))) unique.set(this.keyOf(row), row);
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      from = Math.min(from, Number(row[timeColumn]));
      to = Math.max(to, Number(row[timeColumn]));
    }
    // Rows carry times as epoch milliseconds; read them back the same way so keys compare equal.
    // Aliases differ from column names: an alias named like a column would shadow it in WHERE.
    const selected = keyColumns.map((column, i) =>
      column === timeColumn ? `toString(toUnixTimestamp64Milli(${column})) AS k${i}` : `toString(${column}) AS k${i}`,
    );
    const result = await storage.client.query({
      query: `SELECT ${selected.join(", ")}
              FROM ${table}
              WHERE ${timeColumn} BETWEEN fromUnixTimestamp64Milli({from:Int64}) AND fromUnixTimestamp64Milli({to:Int64})
                AND ${lookupColumn} IN {keys:Array(String)}`,
      query_params: {
        from,
        to,
        keys: [...new Set(rows.map((row) => String(row[lookupColumn])))],
      },
      format: "JSONCompactEachRow",
    });
    for (const existing of await result.json<string[]>()) unique.delete(existing.join("\u0001"));
    return [...unique.values()];
  }
}
