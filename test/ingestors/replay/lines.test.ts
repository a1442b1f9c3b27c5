import { describe, expect, it } from "vitest";
import { boundedLines } from "../../../ingestors/replay/lines.js";

async function linesOf(chunks: string[], maxBytes: number) {
  async function* input() {
    for (const chunk of chunks) yield Buffer.from(chunk);
  }
  const lines: [string, number][] = [];
  for await (const line of boundedLines(input(), maxBytes)) lines.push([line.bytes.toString(), line.length]);
  return lines;
}

describe("boundedLines", () => {
  it("splits on \\n across chunk boundaries, drops the \\r of \\r\\n, keeps a last line without an end", async () => {
    expect(await linesOf(["ab", "c\r\nde\n", "\nf", "g"], 100)).toEqual([
      ["abc", 3],
      ["de", 2],
      ["", 0],
      ["fg", 2],
    ]);
  });

  it("keeps only the first maxBytes of a longer line and reports its full length", async () => {
    expect(await linesOf(["0123", "456789\nok\n", "abcdef", "ghij\r\n"], 5)).toEqual([
      ["01234", 10],
      ["ok", 2],
      ["abcde", 11],
    ]);
  });
});
