/**
 * Buffered, idempotent writes of rows to one ClickHouse table. Rows accumulate until `batchRows`,
 * `flushMs`, or `flushSoon()` says no more rows are on their way (then at most one insert per
 * `minFlushIntervalMs`, so light traffic does not become a stream of tiny parts). A flush first asks ClickHouse which of the buffered keys it already holds and
 * inserts only the others, so a batch redelivered after a crash (inserted, offsets not yet
 * committed) or a mention produced twice upstream never becomes a second row.
 *
 * A flush is cut into inserts of at most MAX_DAYS_PER_INSERT days (tables are partitioned by day;
 * ClickHouse refuses an insert touching more than max_partitions_per_insert_block, 100), so a
 * backfill stores. An insert ClickHouse refuses for its data (data-errors.ts) is bisected: the
 * rows at fault go to `onRejected` (the sink dead-letters them) and the rest are stored. Any other
 * failure (network, server, too many parts) fails the flush, whose batches are then redelivered.
 */
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { isDataError } from "./data-errors.js";
import type { Row } from "./rows.js";

/** Days one insert may span: under max_partitions_per_insert_block (100), with room for a column's time zone. */
export const MAX_DAYS_PER_INSERT = 90;
/**
 * Bytes of lookup keys per existence query. The keys travel in the request body (multipart form
 * data, not the URL, which a server caps at http_max_uri_size and proxies at a few KiB), where the
 * server takes at most http_max_field_value_size (128 KiB by default) per parameter: many or long
 * ids are looked up in several queries.
 */
export const MAX_LOOKUP_KEY_BYTES = 64 * 1024;
const DAY_MS = 86_400_000;

export interface TableWriterOptions {
  storage: Storage;
  /** The table's bare name, in the storage's database. */
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
  /**
   * Rows ClickHouse refused for their content, one at a time, with its reason; awaited before the
   * flush's batches resolve (the sink dead-letters them). Without it such a refusal fails the flush.
   */
  onRejected?: (row: Row, reason: string) => Promise<void>;
  /**
   * Called with the rows about to be inserted (not yet stored), which it may change in place:
   * the mentions' writer erases or edits rows of posts already removed or edited (mention-changes.ts).
   */
  prepare?: (rows: Row[]) => Promise<void>;
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
      let written = 0;
      let rejected = 0;
      for (const span of this.daySpans(rows)) {
        const fresh = await this.withoutExisting(span);
        await this.options.prepare?.(fresh);
        const stored = await this.store(fresh);
        written += stored.written;
        rejected += stored.rejected;
      }
      this.options.onFlush?.(written, rows.length - written - rejected, (performance.now() - started) / 1000);
      for (const item of pending) item.resolve();
    } catch (error) {
      this.options.onInsertError?.();
      for (const item of pending) item.reject(error as Error);
    }
  }

  /** The rows in groups of at most MAX_DAYS_PER_INSERT distinct days of the time column. */
  private daySpans(rows: Row[]): Row[][] {
    const byDay = new Map<number, Row[]>();
    for (const row of rows) {
      const day = Math.floor(Number(row[this.options.timeColumn]) / DAY_MS);
      const list = byDay.get(day);
      if (list) list.push(row);
      else byDay.set(day, [row]);
    }
    const days = [...byDay.values()];
    const spans: Row[][] = [];
    for (let i = 0; i < days.length; i += MAX_DAYS_PER_INSERT)
      spans.push(days.slice(i, i + MAX_DAYS_PER_INSERT).flat());
    return spans;
  }

  /**
   * Inserts rows not yet stored. Refused for their data, they are bisected down to the rows at
   * fault; each half is looked up again, since ClickHouse may have written a part of the refused
   * insert (one block per partition) before refusing it.
   */
  private async store(fresh: Row[]): Promise<{ written: number; rejected: number }> {
    if (fresh.length === 0) return { written: 0, rejected: 0 };
    try {
      await this.options.storage.insertRows(this.options.table, fresh);
      return { written: fresh.length, rejected: 0 };
    } catch (error) {
      const { onRejected } = this.options;
      if (!onRejected || !isDataError(error)) throw error;
      if (fresh.length === 1) {
        await onRejected(fresh[0] as Row, (error as Error).message);
        return { written: 0, rejected: 1 };
      }
      const half = Math.ceil(fresh.length / 2);
      const first = await this.store(await this.withoutExisting(fresh.slice(0, half)));
      const second = await this.store(await this.withoutExisting(fresh.slice(half)));
      return { written: first.written + second.written, rejected: first.rejected + second.rejected };
    }
  }

  private keyOf(row: Row): string {
    return this.options.keyColumns.map((column) => String(row[column])).join("\u0001");
  }

  private async withoutExisting(rows: Row[]): Promise<Row[]> {
    const { lookupColumn, timeColumn } = this.options;
    if (rows.length === 0) return [];
    const unique = new Map<string, Row>();
    for (const row of rows) {
      const key = this.keyOf(row);
      if (!unique.has(key)) unique.set(key, row);
    }
    const range = { from: Number.POSITIVE_INFINITY, to: Number.NEGATIVE_INFINITY };
    for (const row of rows) {
      range.from = Math.min(range.from, Number(row[timeColumn]));
      range.to = Math.max(range.to, Number(row[timeColumn]));
    }
    let keys: string[] = [];
    let bytes = 0;
    for (const key of new Set(rows.map((row) => String(row[lookupColumn])))) {
      // Quoted and escaped in the URL: up to 3 bytes a byte, and a separator.
      const size = 3 * Buffer.byteLength(key) + 3;
      if (keys.length > 0 && bytes + size > MAX_LOOKUP_KEY_BYTES) {
        await this.dropExisting(unique, range, keys);
        keys = [];
        bytes = 0;
      }
      keys.push(key);
      bytes += size;
    }
    await this.dropExisting(unique, range, keys);
    return [...unique.values()];
  }

  /** Removes from `unique` the rows ClickHouse holds, among those with a lookup key in `keys`, in the time range. */
  private async dropExisting(
    unique: Map<string, Row>,
    { from, to }: { from: number; to: number },
    keys: string[],
  ): Promise<void> {
    const { keyColumns, lookupColumn, timeColumn, table, storage } = this.options;
    // Rows carry times as epoch milliseconds; read them back the same way so keys compare equal.
    // Aliases differ from column names: an alias named like a column would shadow it in WHERE.
    const selected = keyColumns.map((column, i) =>
      column === timeColumn ? `toString(toUnixTimestamp64Milli(${column})) AS k${i}` : `toString(${column}) AS k${i}`,
    );
    const result = await storage.client.query({
      query: `SELECT ${selected.join(", ")}
              FROM ${storage.table(table)}
              WHERE ${timeColumn} BETWEEN fromUnixTimestamp64Milli({from:Int64}) AND fromUnixTimestamp64Milli({to:Int64})
                AND ${lookupColumn} IN {keys:Array(String)}`,
      query_params: { from, to, keys },
      use_multipart_params: true,
      format: "JSONCompactEachRow",
    });
    for (const existing of await result.json<string[]>()) unique.delete(existing.join("\u0001"));
  }
}
