/**
 * Evaluating the places tagger on a labelled TSV: `text<TAB>province<TAB>regency[<TAB>profile]`
 * with a header line, province and regency codes empty for "no place", profile the author's
 * profile location (optional). Precision counts the places the tagger gave, recall the places
 * the labels expect; a regency is right only when it is the expected one.
 */
import type { PlaceTag } from "../../schemas/types.generated.js";
import type { Gazetteer } from "./gazetteer.js";
import { tagPlace } from "./tagger.js";

export interface PlaceExample {
  text: string;
  province: string | null;
  regency: string | null;
  profile: string | null;
  /** 1-based line number in the file. */
  line: number;
}

export interface PlaceEvaluation {
  examples: number;
  province: { precision: number; recall: number; predicted: number; expected: number; correct: number };
  regency: { precision: number; recall: number; predicted: number; expected: number; correct: number };
  /** Examples where the province or regency differs from the label. */
  errors: { example: PlaceExample; predicted: PlaceTag | null }[];
}

const HEADER = "text\tprovince\tregency\tprofile";

/** Parses the file; throws naming the line of the first malformed one. */
export function parsePlaceTsv(content: string): PlaceExample[] {
  const lines = content.replace(/^\uFEFF/, "").split("\n");
  const header = (lines[0] ?? "").replace(/\r$/, "");
  if (!HEADER.startsWith(header) || !header.startsWith("text\tprovince\tregency")) {
    throw new Error(`line 1: expected the header "${HEADER}" (profile optional)`);
  }
  const examples: PlaceExample[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    const text = raw.replace(/\r$/, "");
    if (text.trim() === "") return;
    const [body = "", province = "", regency = "", profile = "", ...rest] = text.split("\t");
    if (rest.length > 0 || body.trim() === "")
      throw new Error(`line ${line}: expected text<TAB>province<TAB>regency[<TAB>profile]`);
    if (province !== "" && !/^\d{2}$/.test(province))
      throw new Error(`line ${line}: province code "${province}" is not two digits`);
    if (regency !== "" && !regency.startsWith(`${province}.`)) {
      throw new Error(`line ${line}: regency code "${regency}" is not within province "${province}"`);
    }
    examples.push({ text: body, province: province || null, regency: regency || null, profile: profile || null, line });
  });
  return examples;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}

export function evaluatePlaces(gazetteer: Gazetteer, examples: readonly PlaceExample[]): PlaceEvaluation {
  const province = { predicted: 0, expected: 0, correct: 0 };
  const regency = { predicted: 0, expected: 0, correct: 0 };
  const errors: PlaceEvaluation["errors"] = [];
  for (const example of examples) {
    const author = { id: "eval", handle: "eval", name: null, followers: 0, verified: false, location: example.profile };
    const predicted = tagPlace(gazetteer, { text: example.text, hashtags: [], author });
    if (predicted !== null) province.predicted++;
    if (example.province !== null) province.expected++;
    if (predicted !== null && predicted.provinceCode === example.province) province.correct++;
    if (predicted?.regencyCode) regency.predicted++;
    if (example.regency !== null) regency.expected++;
    if (predicted?.regencyCode && predicted.regencyCode === example.regency) regency.correct++;
    if (
      (predicted?.provinceCode ?? null) !== example.province ||
      (predicted?.regencyCode ?? null) !== example.regency
    ) {
      errors.push({ example, predicted });
    }
  }
  return {
    examples: examples.length,
    province: {
      ...province,
      precision: ratio(province.correct, province.predicted),
      recall: ratio(province.correct, province.expected),
    },
    regency: {
      ...regency,
      precision: ratio(regency.correct, regency.predicted),
      recall: ratio(regency.correct, regency.expected),
    },
    errors,
  };
}

export function formatPlaceEvaluation(evaluation: PlaceEvaluation, options: { errors?: boolean } = {}): string {
  const lines: string[] = [];
  if (options.errors) {
    for (const { example, predicted } of evaluation.errors) {
      const got =
        predicted === null ? "-" : `${predicted.provinceCode} ${predicted.regencyCode ?? ""} (${predicted.source})`;
      const want = `${example.province ?? "-"} ${example.regency ?? ""}`;
      lines.push(`line ${example.line}: expected ${want.trim()}, got ${got.trim()}: ${example.text}`);
    }
  }
  const row = (name: string, m: PlaceEvaluation["province"]) =>
    `${name.padEnd(8)} precision ${m.precision.toFixed(4)} (${m.correct}/${m.predicted})  recall ${m.recall.toFixed(4)} (${m.correct}/${m.expected})`;
  lines.push(`examples ${evaluation.examples}`);
  lines.push(row("province", evaluation.province));
  lines.push(row("regency", evaluation.regency));
  return `${lines.join("\n")}\n`;
}
