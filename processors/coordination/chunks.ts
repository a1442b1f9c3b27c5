/**
 * State stored as chunks: rows grouped by a key (a time bucket, mostly), so a snapshot writes only
 * the chunks that changed since the last one was stored, deletes the ones that emptied (their rows
 * aged out of the window) and leaves the rest where they are.
 *
 * A capture is synchronous (the rows copied as they are at one moment, consistent with whatever
 * offsets are taken with it); storing it is not, and the state goes on changing meanwhile. So every
 * change marks its chunk with the current epoch, a capture takes the chunks marked so far and
 * starts a new epoch, and only once the capture is stored are the marks it covered cleared: a
 * capture that failed to store is written again by the next one.
 */

/** A chunk's rows, plain JSON. */
export type ChunkRows = unknown[];

/** What a snapshot writes: every chunk changed since the last stored capture, and what it leaves. */
export interface ChunkCapture {
  readonly epoch: number;
  /** Chunk id -> its rows now, for each chunk changed and not empty. */
  readonly changed: Map<string, ChunkRows>;
  /** Chunks stored earlier that are empty now (to delete). */
  readonly emptied: string[];
  /** Chunks stored earlier and unchanged (kept, their TTL renewed). */
  readonly unchanged: string[];
}

/**
 * Chunk width (ms) per family: a row lives in the chunk of its time's bucket. Pairs, events and
 * copies change by the thousand every minute: buckets as wide as the stage's default store
 * interval (2 min), so what one store rewrites is little more than what changed. Accounts (and the
 * stage's agencies) are small and kept 7 days: by the hour.
 */
const HOURLY = new Set(["a", "g"]);
export function chunkWidth(family: string): number {
  return HOURLY.has(family) ? 3_600_000 : 2 * 60_000;
}

/**
 * Chunk ids by family and bucket: every change of the state marks its chunk (several times a
 * mention), almost always one of a few recent buckets, and a string built anew is hashed anew.
 * Cleared once it holds more buckets than a day and a half of 2-minute ones (pairs and events
 * are kept a day).
 */
const ids = new Map<string, Map<number, string[]>>();
const MAX_CACHED_BUCKETS = 1_024;

/** The ids of the bucket's chunk (index 0) and of those of its shards made so far (1 + shard). */
function bucketIds(family: string, bucket: number): string[] {
  let byBucket = ids.get(family);
  if (!byBucket) {
    byBucket = new Map();
    ids.set(family, byBucket);
  }
  let list = byBucket.get(bucket);
  if (!list) {
    if (byBucket.size >= MAX_CACHED_BUCKETS) byBucket.clear();
    list = [`${family}${bucket}`];
    byBucket.set(bucket, list);
  }
  return list;
}

export function timeChunk(family: string, time: number): string {
  return bucketIds(family, Math.floor(time / chunkWidth(family)))[0] as string;
}

/**
 * Pairs and events of one bucket are split further by a hash of their key: a burst (an event of a
 * thousand accounts ties half a million pairs in a minute) fills many small chunks, none of which
 * takes long to encode, and a pair touched again rewrites a sixteenth of its old bucket.
 */
export const CHUNK_SHARDS = 16;

export function shardedChunk(family: string, time: number, shard: number): string {
  const list = bucketIds(family, Math.floor(time / chunkWidth(family)));
  let id = list[1 + shard];
  if (id === undefined) {
    id = `${list[0]}.${shard}`;
    list[1 + shard] = id;
  }
  return id;
}

/** Rows (and event members) a capture looks at between two yields to the event loop. */
export const CAPTURE_SLICE = 5_000;

/** Which chunks changed since they were last stored, and which are stored. */
export class ChunkLedger {
  /** Chunk -> the epoch of its latest change. */
  private readonly dirty = new Map<string, number>();
  private readonly stored = new Set<string>();
  private epoch = 0;

  mark(chunk: string): void {
    this.dirty.set(chunk, this.epoch);
  }

  /** The chunks changed since the last stored capture; a new epoch starts. */
  changedChunks(): { epoch: number; chunks: Set<string> } {
    return { epoch: this.epoch++, chunks: new Set(this.dirty.keys()) };
  }

  /** The capture of the changed chunks' rows (`rows`: only the non-empty ones). */
  capture(epoch: number, chunks: ReadonlySet<string>, rows: Map<string, ChunkRows>): ChunkCapture {
    const emptied = [...chunks].filter((chunk) => !rows.has(chunk) && this.stored.has(chunk));
    const unchanged = [...this.stored].filter((chunk) => !chunks.has(chunk));
    return { epoch, changed: rows, emptied, unchanged };
  }

  /** The capture is stored: its chunks' marks from before it are cleared. */
  committed(capture: ChunkCapture): void {
    for (const chunk of capture.changed.keys()) this.stored.add(chunk);
    for (const chunk of capture.emptied) this.stored.delete(chunk);
    for (const [chunk, epoch] of this.dirty) if (epoch <= capture.epoch) this.dirty.delete(chunk);
  }

  /** The chunks a restore read are stored as they are. */
  restored(chunks: Iterable<string>): void {
    for (const chunk of chunks) this.stored.add(chunk);
  }

  /** Chunks changed and not yet stored, for tests and metrics. */
  get pending(): number {
    return this.dirty.size;
  }
}

/**
 * Rows by the time bucket of their chunk: a capture copies the rows of the buckets that changed,
 * and a sweep drops the buckets that aged out, without a walk over every row (pairs are kept by
 * the hundred thousand).
 */
export class BucketIndex<T> {
  private readonly byBucket = new Map<number, Set<T>>();

  constructor(private readonly width: number) {}

  bucketOf(time: number): number {
    return Math.floor(time / this.width);
  }

  add(time: number, row: T): void {
    const bucket = this.bucketOf(time);
    const rows = this.byBucket.get(bucket);
    if (rows) rows.add(row);
    else this.byBucket.set(bucket, new Set([row]));
  }

  delete(time: number, row: T): void {
    const bucket = this.bucketOf(time);
    const rows = this.byBucket.get(bucket);
    if (!rows) return;
    rows.delete(row);
    if (rows.size === 0) this.byBucket.delete(bucket);
  }

  /** The row's time moved from `from` to `to`. */
  move(from: number, to: number, row: T): void {
    if (this.bucketOf(from) === this.bucketOf(to)) return;
    this.delete(from, row);
    this.add(to, row);
  }

  rows(bucket: number): ReadonlySet<T> {
    return this.byBucket.get(bucket) ?? EMPTY;
  }

  buckets(): IterableIterator<number> {
    return this.byBucket.keys();
  }
}

const EMPTY: ReadonlySet<never> = new Set();
