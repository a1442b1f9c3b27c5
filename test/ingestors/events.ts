/** Helpers for ingestor tests: draining an ingestor and picking events by type. */
import type { Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import type { EngagementEvent, Mention, MentionChange } from "../../schemas/types.generated.js";

export type MentionEvent = Extract<SourceEvent, { type: "mention" }>;
export type InvalidEvent = Extract<SourceEvent, { type: "invalid" }>;

/** All events, or those up to and including the first for which `until` holds. */
export async function collect(ingestor: Ingestor, until?: (event: SourceEvent) => boolean): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  for await (const event of ingestor.events(new AbortController().signal)) {
    events.push(event);
    if (until?.(event)) break;
  }
  return events;
}

export function mentionEvents(events: readonly SourceEvent[]): MentionEvent[] {
  return events.filter((event): event is MentionEvent => event.type === "mention");
}

export function mentions(events: readonly SourceEvent[]): Mention[] {
  return mentionEvents(events).map((event) => event.mention);
}

export function engagements(events: readonly SourceEvent[]): EngagementEvent[] {
  return events.flatMap((event) => (event.type === "engagement" ? [event.engagement] : []));
}

/** The removals and edits (change events). */
export function changes(events: readonly SourceEvent[]): MentionChange[] {
  return events.flatMap((event) => (event.type === "change" ? [event.change] : []));
}

export function eventTime(event: SourceEvent): number | undefined {
  if (event.type === "mention") return event.mention.eventTime;
  if (event.type === "engagement") return event.engagement.eventTime;
  return undefined;
}
