/**
 * The contract every ingestor implements: an async stream of source events in the order the
 * source produced them. The ingest stage encodes them, keys them by post and produces them to
 * the raw topics; an ingestor knows nothing about the bus.
 */
import type { EngagementEvent, Mention, WebTrafficEvent } from "../schemas/types.generated.js";

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
  /** An input the ingestor could not turn into an event; it goes to the dead-letter topic. */
  | { type: "invalid"; origin: string; position: number; raw: string; errorCode: string; reason: string };

export interface Ingestor {
  /** Instance name, stamped on every Mention as `source`. */
  readonly name: string;
  events(signal: AbortSignal): AsyncIterable<SourceEvent>;
}
