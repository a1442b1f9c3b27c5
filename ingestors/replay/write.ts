/**
 * Writing events as a replay file (JSON lines), e.g. to export the simulator's output and replay
 * it later. Ground truth is not written: it never leaves the process.
 */
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { SourceEvent } from "../../runtime/ingestor.js";

/** The event's line (without newline), or undefined for an invalid input, which a replay file does not hold. */
export function toReplayLine(event: SourceEvent): string | undefined {
  switch (event.type) {
    case "mention":
      return JSON.stringify(event.mention);
    case "engagement":
      return JSON.stringify({ type: "engagement", ...event.engagement });
    case "web":
      return JSON.stringify({ type: "web", ...event.web });
    default:
      return undefined;
  }
}

export interface ReplayFileCounts {
  mentions: number;
  engagement: number;
  web: number;
  /** Invalid inputs and removals or edits of posts, not written. */
  skipped: number;
}

/** Lines are handed to the file in chunks of about this many characters rather than one by one. */
const CHUNK_CHARS = 64 * 1024;

/** Writes (or overwrites) `path` with one line per mention and engagement event, in order. */
export async function writeReplayFile(
  path: string,
  events: Iterable<SourceEvent> | AsyncIterable<SourceEvent>,
): Promise<ReplayFileCounts> {
  const counts: ReplayFileCounts = { mentions: 0, engagement: 0, web: 0, skipped: 0 };
  async function* chunks(): AsyncGenerator<string> {
    let chunk = "";
    for await (const event of events) {
      // Checkpoints and receipts are positions in a source, not items.
      if (event.type === "checkpoint" || event.type === "receipt") continue;
      const line = toReplayLine(event);
      if (line === undefined || event.type === "invalid" || event.type === "change") {
        counts.skipped++;
        continue;
      }
      counts[event.type === "mention" ? "mentions" : event.type]++;
      chunk += `${line}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk !== "") yield chunk;
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path, { encoding: "utf8" }));
  return counts;
}
