/**
 * Normalisation of informal Indonesian / English social media text into the token stream the
 * model was trained on (the SmSA text: lower case, punctuation as separate tokens, standard
 * spellings):
 *   - Unicode NFKC (fancy "𝐛𝐨𝐥𝐝" letters become plain), URLs and @mentions dropped;
 *   - hashtags become their words (#PelayananPublik -> pelayanan publik; an all-lowercase tag is
 *     split into known words when it can be: #tolakkenaikan -> tolak kenaikan);
 *   - emoticons become the emoji with the same reading, skin tones and variation selectors go;
 *   - laughter (wkwkwk, hahaha, awokawok) becomes one token, `haha`;
 *   - reduplication with 2 (anak2 -> anak-anak);
 *   - elongations fold (bagusss -> bagus, maaaf -> maaf, gooood -> good), choosing the folding
 *     that is a known word;
 *   - slang and abbreviations map to standard forms (slang.ts), also with -nya / -lah attached.
 * Pure and deterministic.
 */
import { createRequire } from "node:module";
import { EN_WORDS } from "./english.js";
import { EMOJI_POLARITY, EMOTICONS, ID_LEXICON } from "./lexicon.js";
import { SLANG } from "./slang.js";

export interface Normalised {
  /** Final tokens: words, the punctuation tokens . , ! ? and emoji (one token each). */
  tokens: string[];
  /** The words as written (lower-cased, elongation folded, before slang mapping), for language detection. */
  words: string[];
}

/** Is this a word the model or the dictionaries know? Used to choose foldings and split hashtags. */
export type KnownWord = (word: string) => boolean;

const require = createRequire(import.meta.url);
/** Indonesian root words shipped with natural's Indonesian stemmer (Sastrawi's dictionary). */
export const KATA_DASAR: ReadonlySet<string> = new Set(require("./vendor/sastrawi/data/kata-dasar.json") as string[]);

/** The words known without a model: Indonesian roots, slang targets, lexicon words, English words. */
export const BASE_KNOWN_WORDS: ReadonlySet<string> = new Set([
  ...KATA_DASAR,
  ...[...SLANG.values()].flat(),
  ...ID_LEXICON.keys(),
  ...EN_WORDS,
]);

/** One set lookup per word: `known` runs for nearly every word of every text. */
export const baseKnown: KnownWord = (word) => BASE_KNOWN_WORDS.has(word);

const URL_PATTERN = /(?:https?:\/\/|www\.)\S+/giu;
const MENTION_PATTERN = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_.]+/gu;
const HASHTAG_PATTERN = /#([\p{L}\p{N}_]+)/gu;
// Skin tones, variation selectors, zero-width joiner, keycap: the base emoji carries the reading.
const EMOJI_MODIFIERS = /[\u{1F3FB}-\u{1F3FF}]|\uFE0E|\uFE0F|\u200D|\u20E3/gu;
const TOKEN_PATTERN =
  /\p{Extended_Pictographic}|[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*(?:[.,]\p{N}+)*|[!?.,;:]+/gu;
const NUMBER = /^\p{N}+(?:[.,]\p{N}+)*$/u;
const NON_ASCII = /[\u0080-\uffff]/;
/** Char codes of ! ? . , ; : (a token starting with one is a punctuation run). */
const PUNCTUATION_START = new Set([..."!?.,;:"].map((mark) => mark.charCodeAt(0)));
const LAUGH_WK = /^[awko]{4,}$/u;
const LAUGH_HA = /^(?:(?:h[aei]){2,}h?|(?:[ae]h){2,}[ae]?|(?:xi){2,}x?)$/u;

/** wkwk, awokawok, kwkwkw, hahaha, hehe, ahahah, xixixi (not huhu, which is crying). */
export function isLaughter(word: string): boolean {
  if (word.length < 4) return false;
  if (LAUGH_HA.test(word)) return true;
  if (!LAUGH_WK.test(word)) return false;
  let w = 0;
  let k = 0;
  for (const char of word) {
    if (char === "w") w++;
    else if (char === "k") k++;
  }
  return w >= 2 && k >= 2;
}
const REDUPLICATION = /^(\p{L}{2,})2$/u;
const DOUBLED = /(\p{L})\1/u;
const RUN_TO_ONE = /(\p{L})\1+/gu;
const RUN_TO_TWO = /(\p{L})\1{2,}/gu;
const LONG_RUN = /(\p{L})\1\1/u;
const CLITICS = ["nya", "lah", "kah"] as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const EMOTICON_MAP = new Map(EMOTICONS);
// Longest first; an emoticon must not run into a following letter or digit, and one that starts
// with a letter or digit (xD, T_T) must not follow one either.
const EMOTICON_PATTERN = new RegExp(
  [...EMOTICON_MAP.keys()]
    .sort((a, b) => b.length - a.length)
    .map((emoticon) => `${/^[\p{L}\p{N}]/u.test(emoticon) ? "(?<![\\p{L}\\p{N}])" : ""}${escapeRegExp(emoticon)}`)
    .join("|")
    .replace(/^/, "(?:")
    .concat(")(?![\\p{L}\\p{N}])"),
  "gu",
);

/** Splits a hashtag body into words: #PelayananPublik, #save_kpk, #2019GantiPresiden, #tolakkenaikan. */
export function splitHashtag(tag: string, known: KnownWord = baseKnown): string {
  const spaced = tag
    .replace(/_/g, " ")
    .replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, "$1 $2")
    .replace(/(\p{L})(\p{N})/gu, "$1 $2")
    .replace(/(\p{N})(\p{L})/gu, "$1 $2")
    .toLowerCase();
  return spaced
    .split(" ")
    .map((part) => (part.length >= 7 && !known(part) ? (segment(part, known) ?? part) : part))
    .join(" ");
}

/** Fewest known words (3+ letters, at most 4) that spell `text` exactly; undefined when none do. */
function segment(text: string, known: KnownWord): string | undefined {
  const n = text.length;
  const best: Array<{ count: number; from: number } | undefined> = new Array(n + 1);
  best[0] = { count: 0, from: -1 };
  for (let end = 3; end <= n; end++) {
    for (let start = Math.max(0, end - 20); start <= end - 3; start++) {
      const previous = best[start];
      if (!previous || previous.count >= 4) continue;
      const current = best[end];
      if (current && current.count <= previous.count + 1) continue;
      if (known(text.slice(start, end))) best[end] = { count: previous.count + 1, from: start };
    }
  }
  if (!best[n] || (best[n]?.count ?? 0) < 2) return undefined;
  const parts: string[] = [];
  for (let end = n; end > 0; ) {
    const step = best[end] as { from: number };
    parts.unshift(text.slice(step.from, end));
    end = step.from;
  }
  return parts.join(" ");
}

/**
 * The standard form(s) of one lower-cased word: slang mapped, elongation folded to a known word,
 * laughter unified, reduplication spelled out. `surface` is the folded spelling before slang.
 */
export function normaliseWord(
  word: string,
  known: KnownWord = baseKnown,
): { surface: string; tokens: readonly string[] } {
  if (NUMBER.test(word)) return { surface: word, tokens: [word] };
  if (isLaughter(word)) return { surface: "haha", tokens: ["haha"] };
  const mapped = lookup(word, known);
  if (mapped) return mapped;
  const redup = REDUPLICATION.exec(word);
  if (redup) {
    const base = lookup(redup[1] as string, known)?.tokens.join(" ") ?? (redup[1] as string);
    const doubled = `${base}-${base}`;
    return { surface: doubled, tokens: [SLANG.get(doubled)?.join(" ") ?? doubled] };
  }
  if (DOUBLED.test(word)) {
    for (const candidate of [word.replace(RUN_TO_TWO, "$1$1"), word.replace(RUN_TO_ONE, "$1")]) {
      if (candidate === word) continue;
      const folded = lookup(candidate, known);
      if (folded) return folded;
      if (isLaughter(candidate)) return { surface: "haha", tokens: ["haha"] };
    }
    if (LONG_RUN.test(word)) {
      const folded = word.replace(RUN_TO_ONE, "$1");
      return { surface: folded, tokens: [folded] };
    }
  }
  // Clitics on a slang word: lemotnya -> lambat nya.
  for (const clitic of CLITICS) {
    if (word.length > clitic.length + 1 && word.endsWith(clitic)) {
      const stem = word.slice(0, -clitic.length);
      const target = SLANG.get(stem);
      if (target) return { surface: word, tokens: [...target, clitic] };
    }
  }
  return { surface: word, tokens: [word] };
}

type StandardForm = { surface: string; tokens: readonly string[] };

/** Words seen per `known` function (the tagger's is one function for its life); bounded. */
const memos = new WeakMap<KnownWord, Map<string, StandardForm>>();
const MEMO_SIZE = 200_000;

/** `normaliseWord`, kept per word: the same few thousand words make up most posts. */
function normaliseWordMemo(word: string, known: KnownWord): StandardForm {
  let memo = memos.get(known);
  if (memo === undefined) {
    memo = new Map();
    memos.set(known, memo);
  }
  let form = memo.get(word);
  if (form === undefined) {
    const { surface, tokens } = normaliseWord(word, known);
    // A standard form may be several words ("tidak apa"): kept as separate tokens.
    form = { surface, tokens: tokens.flatMap((token) => token.split(" ")) };
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(word, form);
  }
  return form;
}

function lookup(word: string, known: KnownWord): { surface: string; tokens: readonly string[] } | undefined {
  const target = SLANG.get(word);
  if (target) return { surface: word, tokens: target };
  if (known(word)) return { surface: word, tokens: [word] };
  return undefined;
}

function punctuation(run: string): string {
  if (run.includes("?")) return "?";
  if (run.includes("!")) return "!";
  if (run.includes(".")) return ".";
  return ",";
}

/** The pieces of `text` TOKEN_PATTERN matches, in order. */
export function matchTokens(text: string): string[] {
  const pieces: string[] = [];
  // exec on the shared pattern: matchAll would clone the pattern for every text.
  TOKEN_PATTERN.lastIndex = 0;
  for (let match = TOKEN_PATTERN.exec(text); match !== null; match = TOKEN_PATTERN.exec(text)) pieces.push(match[0]);
  return pieces;
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** ! ? . , ; : */
function isPunctuationCode(code: number): boolean {
  return code === 33 || code === 63 || code === 46 || code === 44 || code === 59 || code === 58;
}

/**
 * `matchTokens` for an ASCII text, by a scan of its char codes: the same pieces (no pictographs,
 * letters and digits are the ASCII ones; test/processors/sentiment/normalise.test.ts compares the
 * two), without a match object per token, which made the regular expression a fifth of the time.
 */
export function scanAsciiTokens(text: string): string[] {
  const pieces: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const start = i;
    const code = text.charCodeAt(i);
    if (isAsciiAlphanumeric(code)) {
      i++;
      while (i < n && isAsciiAlphanumeric(text.charCodeAt(i))) i++;
      // (?:['-][letters or digits]+)*
      for (;;) {
        const separator = text.charCodeAt(i);
        if ((separator !== 39 && separator !== 45) || !isAsciiAlphanumeric(text.charCodeAt(i + 1))) break;
        i += 2;
        while (i < n && isAsciiAlphanumeric(text.charCodeAt(i))) i++;
      }
      // (?:[.,][digits]+)*
      for (;;) {
        const separator = text.charCodeAt(i);
        if ((separator !== 46 && separator !== 44) || !isAsciiDigit(text.charCodeAt(i + 1))) break;
        i += 2;
        while (i < n && isAsciiDigit(text.charCodeAt(i))) i++;
      }
      pieces.push(text.slice(start, i));
    } else if (isPunctuationCode(code)) {
      i++;
      while (i < n && isPunctuationCode(text.charCodeAt(i))) i++;
      pieces.push(text.slice(start, i));
    } else {
      i++;
    }
  }
  return pieces;
}

/** Text -> tokens. `known` decides foldings and hashtag splits (the model passes its vocabulary). */
export function normalise(text: string, known: KnownWord = baseKnown): Normalised {
  // The checks before each pass skip it where it cannot match (most texts are ASCII, and NFKC
  // leaves ASCII as it is): the mention pattern alone would test every position of the text.
  let clean = NON_ASCII.test(text) ? text.normalize("NFKC") : text;
  clean = clean.replace(URL_PATTERN, " ");
  if (clean.includes("@")) clean = clean.replace(MENTION_PATTERN, "$1 ");
  if (clean.includes("#")) clean = clean.replace(HASHTAG_PATTERN, (_, tag: string) => ` ${splitHashtag(tag, known)} `);
  if (NON_ASCII.test(clean)) clean = clean.replace(EMOJI_MODIFIERS, "");
  clean = clean.replace(EMOTICON_PATTERN, (emoticon) => ` ${EMOTICON_MAP.get(emoticon) ?? ""} `).toLowerCase();
  const tokens: string[] = [];
  const words: string[] = [];
  const pieces = NON_ASCII.test(clean) ? matchTokens(clean) : scanAsciiTokens(clean);
  for (const raw of pieces) {
    const first = raw.charCodeAt(0);
    if (raw.length <= 2 && first > 0x2000 && /\p{Extended_Pictographic}/u.test(raw)) {
      tokens.push(raw);
      continue;
    }
    if (PUNCTUATION_START.has(first)) {
      const mark = punctuation(raw);
      if (tokens[tokens.length - 1] !== mark) tokens.push(mark);
      continue;
    }
    const word = raw.includes("’") ? raw.replace(/’/g, "'") : raw;
    const { surface, tokens: standard } = normaliseWordMemo(word, known);
    words.push(surface);
    for (const token of standard) tokens.push(token);
  }
  return { tokens, words };
}

/** The polarity of an emoji token, or undefined when the token is not an emoji with one. */
export function emojiPolarity(token: string): number | undefined {
  return EMOJI_POLARITY.get(token);
}
