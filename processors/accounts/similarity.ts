/**
 * How account identities are compared: handles are case-insensitive on every platform Simak reads,
 * so identity is compared in lower case; resemblance is compared on a *skeleton* where characters
 * that look alike in a feed collapse to one (capital I, lower-case l, 1 and | all become "l"; 0
 * becomes "o"; Cyrillic and Greek look-alikes become Latin; accents go), separators are dropped,
 * and "rn" reads as "m".
 */
import { normaliseText } from "../topics/text.js";

/** Look-alike characters, before lower-casing (so capital I and lower-case l can meet). */
const CONFUSABLES: Readonly<Record<string, string>> = {
  I: "l",
  l: "l",
  "1": "l",
  "|": "l",
  "!": "l",
  "0": "o",
  O: "o",
  "3": "e",
  "4": "a",
  "@": "a",
  "5": "s",
  $: "s",
  "7": "t",
  "8": "b",
  // Cyrillic
  а: "a",
  А: "a",
  в: "b",
  В: "b",
  е: "e",
  Е: "e",
  к: "k",
  К: "k",
  м: "m",
  М: "m",
  н: "h",
  Н: "h",
  о: "o",
  О: "o",
  р: "p",
  Р: "p",
  с: "c",
  С: "c",
  т: "t",
  Т: "t",
  у: "y",
  У: "y",
  х: "x",
  Х: "x",
  і: "l",
  І: "l",
  ј: "j",
  Ј: "j",
  ѕ: "s",
  Ѕ: "s",
  ԁ: "d",
  // Greek
  α: "a",
  Α: "a",
  β: "b",
  Β: "b",
  ε: "e",
  Ε: "e",
  ι: "l",
  Ι: "l",
  κ: "k",
  Κ: "k",
  ν: "v",
  ο: "o",
  Ο: "o",
  ρ: "p",
  Ρ: "p",
  τ: "t",
  Τ: "t",
  υ: "u",
  χ: "x",
  Χ: "x",
};

const SEPARATORS = /[\s_.\-·•]+/gu;
const MARKS = /\p{M}+/gu;

/** Lower case, accents removed, separators kept: "Kemenkes_RI" -> "kemenkes_ri". */
export function lowerHandle(handle: string): string {
  return normaliseText(handle.replace(/^@+/, ""));
}

/** Lower case without separators: "Kemenkes_RI" and "kemenkes.ri" -> "kemenkesri". */
export function compactHandle(handle: string): string {
  return lowerHandle(handle).replace(SEPARATORS, "");
}

/** The look-alike skeleton: "KemenkesRI", "KemenkesRl", "kemenkes_r1" -> "kemenkesrl". */
export function skeleton(text: string): string {
  const decomposed = text.replace(/^@+/, "").normalize("NFKD").replace(MARKS, "");
  let out = "";
  for (const char of decomposed) out += CONFUSABLES[char] ?? char;
  return out.toLowerCase().replace(SEPARATORS, "").replace(/rn/g, "m").replace(/vv/g, "w");
}

/**
 * Words of a handle: split at separators, digits and lower-to-upper case changes.
 * "DivHumas_Polri" -> ["div", "humas", "polri"]; "kemenkes_resmi2" -> ["kemenkes", "resmi"].
 */
export function handleWords(handle: string): string[] {
  const spaced = handle
    .replace(/^@+/, "")
    .normalize("NFKD")
    .replace(MARKS, "")
    .replace(/([\p{Ll}])([\p{Lu}])/gu, "$1 $2")
    .replace(/[^\p{L}]+/gu, " ");
  return spaced.toLowerCase().split(" ").filter(Boolean);
}

/** Words of a display name, normalised: "Humas POLRI (Official)" -> ["humas", "polri", "official"]. */
export function nameWords(name: string): string[] {
  let folded = "";
  for (const char of name.normalize("NFKC")) {
    const mapped = CONFUSABLES[char];
    // In names only letter look-alikes are folded; digits and punctuation stay what they are.
    folded +=
      mapped !== undefined && /\p{L}/u.test(char) && char !== "I" && char !== "l" && char !== "O" ? mapped : char;
  }
  return normaliseText(folded).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Rows reused across calls (three rows of the dynamic programme). */
let rows = new Int32Array(3 * 64);

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), or `max + 1` as
 * soon as it is certain to exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const width = b.length + 1;
  if (rows.length < 3 * width) rows = new Int32Array(3 * width);
  const r = rows;
  // Row offsets: i-2, i-1, i (rotated each row).
  let before = 0;
  let previous = width;
  let current = 2 * width;
  for (let j = 0; j < width; j++) r[previous + j] = j;
  for (let i = 1; i <= a.length; i++) {
    r[current] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min(
        (r[previous + j] as number) + 1,
        (r[current + j - 1] as number) + 1,
        (r[previous + j - 1] as number) + (ai === bj ? 0 : 1),
      );
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        value = Math.min(value, (r[before + j - 2] as number) + 1);
      }
      r[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  const distance = r[previous + b.length] as number;
  return distance > max ? max + 1 : distance;
}
