/**
 * Labelled TSV files: one example a line, `text<TAB>label`, UTF-8, no header. The label is one of the
 * three sentiment labels unless the caller names another set (processors/responsiveness does).
 */
import type { SentimentLabel } from "../../schemas/types.generated.js";
import { LABELS } from "./metrics.js";

export interface Example<Label extends string = SentimentLabel> {
  text: string;
  label: Label;
  /** 1-based line number in the file. */
  line: number;
}

export interface Malformed {
  line: number;
  reason: string;
}

export interface ParsedTsv<Label extends string = SentimentLabel> {
  examples: Example<Label>[];
  malformed: Malformed[];
}

/**
 * Parses the file's content. Blank lines (including a final newline) are not examples and not
 * malformed; a line without exactly one tab, with an empty text or with an unknown label is
 * malformed and reported by its line number. A leading byte-order mark and CRLF endings are fine;
 * the label may carry surrounding spaces and any letter case.
 */
export function parseLabelledTsv<Label extends string = SentimentLabel>(
  content: string,
  labels: readonly Label[] = LABELS as readonly string[] as readonly Label[],
): ParsedTsv<Label> {
  const examples: Example<Label>[] = [];
  const malformed: Malformed[] = [];
  const lines = content.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    const parts = text.split("\t");
    if (parts.length !== 2) {
      malformed.push({ line, reason: `expected text<TAB>label, found ${parts.length - 1} tabs` });
      return;
    }
    const body = (parts[0] as string).trim();
    const label = (parts[1] as string).trim().toLowerCase();
    if (!body) {
      malformed.push({ line, reason: "empty text" });
      return;
    }
    if (!(labels as readonly string[]).includes(label)) {
      malformed.push({ line, reason: `unknown label "${parts[1]}"; expected one of ${labels.join(", ")}` });
      return;
    }
    examples.push({ text: body, label: label as Label, line });
  });
  return { examples, malformed };
}
