/** The simulator's stream, collected before a benchmark starts its clock (generating it is never timed). */
import { createSyntheticIngestor, type SyntheticOptions } from "../../ingestors/synthetic/index.js";
import type { SourceEvent } from "../../runtime/ingestor.js";

/** Every event of a simulation replayed as fast as possible (speed 0), in order. */
export async function simulatedEvents(options: Omit<SyntheticOptions, "speed">): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  const ingestor = createSyntheticIngestor({ ...options, speed: 0 });
  for await (const event of ingestor.events(new AbortController().signal)) events.push(event);
  return events;
}
