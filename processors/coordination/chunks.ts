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

export function timeChunk(family: string, time: number): string {
  return `${family}${Math.floor(time / chunkWidth(family))}`;
}

/**
 * Pairs and events of one bucket are split further by a hash of their key: a burst (an event of a
 * thousand accounts ties half a million pairs in a minute) fills many small chunks, none of which
 * takes long to encode, and a pair touched again rewrites a sixteenth of its old bucket.
 */
export const CHUNK_SHARDS = 16;

export function shardedChunk(family: string, time: number, shard: number): string {
  return `${timeChunk(family, time)}.${shard}`;
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
