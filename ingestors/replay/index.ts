/**
 * The replay ingestor: mentions and engagement events from a JSON-lines file, at their original
 * pace, a multiple of it, or as fast as possible. See README.md for the file format.
 */
import { createReadStream } from "node:fs";
import type { Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import { assertValidSpeed, paceEvents } from "../../runtime/pace.js";
import { boundedLines } from "./lines.js";
import { parseReplayLine, REPLAY_ERROR_CODES } from "./parse.js";

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

/**
 * The longest line read: twice the broker's message size, so that any line that could make a
 * record is read whole. A longer one is dead-lettered with its start, and never buffered whole.
 */
export const MAX_LINE_BYTES = 2 * 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder("utf-8", { ignoreBOM: true });

/** Streams the file line by line; blank lines are skipped but still counted for line numbers. */
async function* readReplayFile(path: string, source: string, signal: AbortSignal): AsyncGenerator<SourceEvent> {
  const input = createReadStream(path);
  let position = 0;
  try {
    for await (const { bytes, length } of boundedLines(input, MAX_LINE_BYTES)) {
      position++;
      if (signal.aborted) return;
      const invalid = (errorCode: string, reason: string): SourceEvent => {
        return { type: "invalid", origin: path, position, raw: lossy.decode(bytes), errorCode, reason };
      };
      if (length > bytes.length) {
        yield invalid(REPLAY_ERROR_CODES.lineTooLong, `line of ${length} bytes; at most ${MAX_LINE_BYTES}`);
        continue;
      }
      let line: string;
      try {
        line = utf8.decode(bytes);
      } catch {
        // Refused, not repaired: U+FFFD in place of a byte would change ids and texts unnoticed.
        yield invalid(REPLAY_ERROR_CODES.invalidUtf8, "not valid UTF-8");
        continue;
      }
      // Editors on Windows may start the file with a byte-order mark.
      const raw = position === 1 ? line.replace(/^\uFEFF/, "") : line;
      if (raw.trim() === "") continue;
      yield parseReplayLine(raw, position, path, source);
    }
  } finally {
    input.destroy();
  }
}
