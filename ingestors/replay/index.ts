/**
 * The replay ingestor: mentions and engagement events from a JSON-lines file, at their original
 * pace, a multiple of it, or as fast as possible. See README.md for the file format.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import { assertValidSpeed, paceEvents } from "../../runtime/pace.js";
import { parseReplayLine } from "./parse.js";

export { REPLAY_ERROR_CODES } from "./parse.js";
export { type ReplayFileCounts, toReplayLine, writeReplayFile } from "./write.js";

export interface ReplayOptions {
  /** Ingestor instance name; fills `source` where a line has none. */
  name: string;
  path: string;
  /** Pace relative to the events' eventTime: 1 = original (default), 0 = as fast as possible. */
  speed?: number;
}

export function createReplayIngestor({ name, path, speed = 1 }: ReplayOptions): Ingestor {
  assertValidSpeed(speed);
  return { name, events: (signal) => paceEvents(readReplayFile(path, name, signal), speed, signal) };
}

/** Streams the file line by line; blank lines are skipped but still counted for line numbers. */
async function* readReplayFile(path: string, source: string, signal: AbortSignal): AsyncGenerator<SourceEvent> {
  const input = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let position = 0;
  try {
    for await (const line of lines) {
      position++;
      if (signal.aborted) return;
      // Editors on Windows may start the file with a byte-order mark.
      const raw = position === 1 ? line.replace(/^\uFEFF/, "") : line;
      if (raw.trim() === "") continue;
      yield parseReplayLine(raw, position, path, source);
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
