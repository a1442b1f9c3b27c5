/**
 * The contract every ingestor implements: an async stream of source events in the order the
 * source produced them. The ingest stage encodes them, keys them by post and produces them to
 * the raw topics; an ingestor knows nothing about the bus.
 *
 * Resuming (Singer's STATE): an ingestor that can resume yields `checkpoint` events between its
 * items. The stage stores a checkpoint only after the bus acknowledged every event yielded before
 * it, and hands the stored ones back in `IngestContext.checkpoints` at the next start, so a crash
 * replays at most what followed the last checkpoint (at-least-once; the process stage's dedup and
 * the sink's key check make it exactly-once in ClickHouse).
 */
import type { EngagementEvent, Mention, MentionChange, Platform, WebTrafficEvent } from "../schemas/types.generated.js";
import type { HttpClient } from "./http-client.js";

/** Ground truth a simulator knows about what it generated; never leaves the process. */
export interface SyntheticTruth {
  sentiment: "positive" | "neutral" | "negative";
  agency: string | null;
  scenario: string | null;
  /** The mention asks the agency for an answer (a question or request to it). */
  asks?: boolean;
  /** The mention is the agency's answer to this earlier question (its id). */
  answerTo?: string;
  /** The place the mention names (text), else its author's profile location's; null for neither. */
  place?: SyntheticPlace | null;
  /** The coordinated campaign (its scenario name) whose account wrote it (ingestors/synthetic/campaigns.ts). */
  campaign?: string;
}

export interface SyntheticPlace {
  provinceCode: string;
  regencyCode: string | null;
  source: "text" | "profile";
}

export type SourceEvent =
  | { type: "mention"; mention: Mention; truth?: SyntheticTruth }
  | { type: "engagement"; engagement: EngagementEvent }
  | { type: "web"; web: WebTrafficEvent }
  /**
   * A post the platform reports removed (X compliance, Meta's verb remove, a 404 on refresh) or
   * edited; build one with `removalEvent` / `editEvent`. It goes to simak.mentions.changes, keyed
   * like the post, and the sink erases (or updates) what it stored of the post.
   */
  | { type: "change"; change: MentionChange }
  /** An input the ingestor could not turn into an event; it goes to the dead-letter topic. */
  | { type: "invalid"; origin: string; position: number; raw: string; errorCode: string; reason: string }
  /**
   * The position reached in one of the source's streams (a feed, a query), stored once everything
   * yielded before it is acknowledged. `value` is the ingestor's own encoding (usually JSON).
   */
  | { type: "checkpoint"; stream: string; value: string }
  /**
   * A push source's receipt: `done()` is called once the bus acknowledged everything yielded
   * before it, `done(error)` when producing failed; the source answers its sender only then.
   */
  | { type: "receipt"; done: (error?: Error) => void };

/** Keys a source keeps in the shared state store besides its checkpoints, namespaced by source. */
export interface SourceStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** What the ingest stage gives an ingestor when it starts it. */
export interface IngestContext {
  /** The checkpoints stored for this source, by stream. */
  checkpoints: ReadonlyMap<string, string>;
  /** The one HTTP client every source calls through (timeouts, backoff, rate limits, metrics). */
  http: HttpClient;
  store: SourceStore;
  /** A streaming source lost its connection and connects again (counted per source). */
  reconnected?: () => void;
}

export interface Ingestor {
  /** Instance name (the source id), stamped on every Mention as `source`. */
  readonly name: string;
  /**
   * A poller owns cursors that one instance at a time may advance: the stage runs it only while
   * it holds the source's lease in the state store. Push sources and local files leave it unset.
   */
  readonly exclusive?: boolean;
  /** The streams a polling source checkpoints: one fetch round is one checkpoint of each (`simak sources test`). */
  readonly streams?: readonly string[];
  /** `context` is given by the ingest stage; an ingestor that needs one and gets none builds a standalone one. */
  events(signal: AbortSignal, context?: IngestContext): AsyncIterable<SourceEvent>;
}

/** A removal of a post, as an ingestor yields it: the sink erases its text and author. */
export function removalEvent(
  source: string,
  platform: Platform,
  postId: string,
  reason: string,
  changedTime: number,
): SourceEvent {
  return { type: "change", change: { platform, postId, change: "removed", reason, text: null, changedTime, source } };
}

/** An edit of a post's text: the sink stores the new text; tags and counts stay those of the first version. */
export function editEvent(
  source: string,
  platform: Platform,
  postId: string,
  text: string,
  changedTime: number,
): SourceEvent {
  return {
    type: "change",
    change: { platform, postId, change: "edited", reason: "edited", text, changedTime, source },
  };
}
