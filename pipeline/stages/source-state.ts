/**
 * What the state store keeps per source: its checkpoints (one per stream, and the set of its
 * stream names, since the store cannot list keys), its status for `simak sources list`, its
 * lease and its own keys. Written by the ingest stage, read by it at start and by the CLI.
 */
import type { SourceReading } from "../../dashboard/server/sources.js";
import type { SourceStore } from "../../runtime/ingestor.js";
import type { StateStore } from "../../runtime/state/state.js";

/** Checkpoints and status outlive any sane outage; a source silent this long starts afresh. */
export const SOURCE_STATE_TTL_SECONDS = 90 * 86_400;

export interface SourceStatus {
  /** When the stage last wrote this status (epoch ms). */
  updatedAt: number;
  /** When the bus last acknowledged an item of this source. */
  lastItemAt: number | null;
  /** The newest event time the source produced. */
  newestEventTime: number | null;
  /** Items (mentions, engagement, web events) in the hour before `updatedAt`. */
  itemsLastHour: number;
  /** Dead letters in the hour before `updatedAt`. */
  invalidLastHour: number;
  /** No request before this time because of a rate limit or a budget (epoch ms), or null. */
  rateLimitedUntil: number | null;
  /** Requests answered with an error status (not 429) or failed on the network, in the hour (absent in older statuses). */
  requestErrorsLastHour?: number;
  /** Seconds the source waited for rate limits or its budget in the hour (absent in older statuses). */
  rateLimitedSecondsLastHour?: number;
}

export function sourceKeys(prefix: string, source: string) {
  const base = `${prefix}ingest:${source}`;
  return {
    streams: `${base}:streams`,
    checkpoint: (stream: string) => `${base}:checkpoint:${stream}`,
    status: `${base}:status`,
    lease: `${base}:lease`,
    own: (key: string) => `${base}:own:${key}`,
  };
}

export async function readCheckpoints(state: StateStore, prefix: string, source: string): Promise<Map<string, string>> {
  const keys = sourceKeys(prefix, source);
  const [streams = []] = await state.membersOf([keys.streams]);
  const values = await state.getMany(streams.map(keys.checkpoint));
  const checkpoints = new Map<string, string>();
  streams.forEach((stream, i) => {
    const value = values[i];
    if (value !== null && value !== undefined) checkpoints.set(stream, value);
  });
  return checkpoints;
}

/** Stores checkpoints of one source together with their stream names, in one atomic write. */
export async function writeCheckpoints(
  state: StateStore,
  prefix: string,
  source: string,
  checkpoints: ReadonlyMap<string, string>,
): Promise<void> {
  const keys = sourceKeys(prefix, source);
  const values = [...checkpoints].map(([stream, value]) => ({ key: keys.checkpoint(stream), value }));
  const members = [...checkpoints.keys()].map((stream) => ({ key: keys.streams, value: stream }));
  await state.writeAtomically(values, members, SOURCE_STATE_TTL_SECONDS);
}

export async function readStatus(state: StateStore, prefix: string, source: string): Promise<SourceStatus | null> {
  const [value] = await state.getMany([sourceKeys(prefix, source).status]);
  return value ? (JSON.parse(value) as SourceStatus) : null;
}

/** A source's own keys (e.g. the webhook's delivery ids), namespaced by source. */
export function sourceStore(state: StateStore, prefix: string, source: string): SourceStore {
  const keys = sourceKeys(prefix, source);
  return {
    get: async (key) => (await state.getMany([keys.own(key)]))[0] ?? null,
    set: (key, value, ttlSeconds) => state.setMany([{ key: keys.own(key), value }], ttlSeconds),
  };
}

export interface CheckpointSummary {
  summary: string;
  lastSuccess: number | null;
  /** The most recent error a stream recorded (e.g. a feed's 404), or null. */
  lastError: { at: number; text: string } | null;
}

/** What a source's checkpoints say about its health (the rss feeds' JSON: lastSuccessAt, lastError). */
export function describeCheckpoints(checkpoints: Map<string, string>): CheckpointSummary {
  let lastSuccess: number | null = null;
  let lastError: { at: number; text: string } | null = null;
  for (const value of checkpoints.values()) {
    try {
      const parsed = JSON.parse(value) as { lastSuccessAt?: number; lastErrorAt?: number; lastError?: string };
      if (parsed.lastSuccessAt && (lastSuccess === null || parsed.lastSuccessAt > lastSuccess))
        lastSuccess = parsed.lastSuccessAt;
      if (parsed.lastError && parsed.lastErrorAt && (lastError === null || parsed.lastErrorAt > lastError.at))
        lastError = { at: parsed.lastErrorAt, text: parsed.lastError };
    } catch {
      // An ingestor's own encoding: not JSON, nothing to read from it.
    }
  }
  return {
    summary: checkpoints.size === 0 ? "-" : `${checkpoints.size} stream(s)`,
    lastSuccess,
    lastError,
  };
}

/** Each source's stored status and what its checkpoints say, for the dashboard's Sumber page. */
export async function readSourceReadings(
  state: StateStore,
  prefix: string,
  entries: readonly { id: string; type: string; expectedSilenceMs: number | null }[],
): Promise<SourceReading[]> {
  return Promise.all(
    entries.map(async (entry) => {
      const [status, checkpoints] = await Promise.all([
        readStatus(state, prefix, entry.id),
        readCheckpoints(state, prefix, entry.id),
      ]);
      const described = describeCheckpoints(checkpoints);
      return { ...entry, status, lastFetchAt: described.lastSuccess, lastError: described.lastError };
    }),
  );
}
