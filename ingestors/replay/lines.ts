/**
 * The lines of a byte stream, split on `\n` (a `\r` before it dropped), each at most `maxBytes`
 * held in memory: of a longer line only the start is kept, the rest counted and skipped, so a
 * file without line breaks never fills the heap. Decoding is left to the caller, so that bytes
 * that are not UTF-8 can be refused rather than replaced.
 */

export interface Line {
  /** The line's bytes, at most `maxBytes` of them. */
  bytes: Buffer;
  /** The line's full length in bytes (more than `bytes.length` when it was cut). */
  length: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export async function* boundedLines(input: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let kept = 0;
  let length = 0;
  const take = (segment: Buffer) => {
    length += segment.length;
    if (kept >= maxBytes) return;
    const part = segment.subarray(0, maxBytes - kept);
    parts.push(part);
    kept += part.length;
  };
  const line = (): Line => {
    let bytes = Buffer.concat(parts, kept);
    // The \r of a \r\n line end: only when the whole line was kept, so it is really the end.
    if (length === kept && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, -1);
    const result = { bytes, length: length === kept ? bytes.length : length };
    parts = [];
    kept = 0;
    length = 0;
    return result;
  };
  for await (const chunk of input) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, end));
      yield line();
      start = end + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  if (length > 0) yield line();
}
