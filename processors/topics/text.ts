/**
 * Text normalisation shared by queries and mentions, so that both sides are compared in one form:
 * Unicode compatibility decomposition, accents (combining marks) removed, lower case; words are
 * runs of letters, digits and underscores; URLs are dropped before tokenising. Slang folding is a
 * separate, pluggable step (`Fold`) applied to unquoted words only.
 */

/** Maps one normalised word to its canonical form (e.g. "gak" -> "tidak"). Must return one word. */
export type Fold = (word: string) => string;

const MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}_]+/gu;
const URLS = /(?:https?:\/\/|www\.)\S+/giu;
/** Hashtags and handles written in the text: `#` or `@` at the start or after a non-word character. */
const TEXT_HASHTAG = /(?<![\p{L}\p{N}_])#([\p{L}\p{N}_]+)/gu;
const TEXT_HANDLE = /(?<![\p{L}\p{N}_@])@([\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*)/gu;
const ELONGATED = /(\p{L})\1{2,}/gu;
const HAS_ELONGATION = /(\p{L})\1{2}/u;

/** Case- and accent-insensitive form: "Pelayanan CAFÉ" -> "pelayanan cafe", "ｋｐｋ" -> "kpk". */
export function normaliseText(text: string): string {
  return text.normalize("NFKD").replace(MARKS, "").toLowerCase();
}

/** Words of an already normalised text, in order. */
export function words(normalised: string): string[] {
  return normalised.match(WORD) ?? [];
}

/** A mention's text normalised, URLs blanked out: what its words and entities are read from. */
export function matchableText(text: string): string {
  return normaliseText(text).replace(URLS, " ");
}

/** Words of a mention's text, normalised, without URLs. */
export function textWords(text: string): string[] {
  return words(matchableText(text));
}

/** Hashtags (without `#`) and handles (without `@`) written in a text already through `matchableText`. */
export function textEntities(normalised: string): { hashtags: string[]; handles: string[] } {
  const hashtags: string[] = [];
  const handles: string[] = [];
  for (const match of normalised.matchAll(TEXT_HASHTAG)) hashtags.push(match[1] as string);
  for (const match of normalised.matchAll(TEXT_HANDLE)) handles.push(match[1] as string);
  return { hashtags, handles };
}

/**
 * A small table of Indonesian informal spellings and abbreviations, folded to the standard word.
 * Deliberately limited to unambiguous spellings; a full dictionary can be plugged in through the
 * `fold` option of `compileQueries`.
 */
export const SLANG: Readonly<Record<string, string>> = {
  // negation
  gak: "tidak",
  ga: "tidak",
  gk: "tidak",
  nggak: "tidak",
  ngga: "tidak",
  ngak: "tidak",
  enggak: "tidak",
  engga: "tidak",
  kagak: "tidak",
  tdk: "tidak",
  ndak: "tidak",
  bkn: "bukan",
  blm: "belum",
  blom: "belum",
  jgn: "jangan",
  // intensifiers, connectives, adverbs
  bgt: "banget",
  bngt: "banget",
  yg: "yang",
  dgn: "dengan",
  dg: "dengan",
  utk: "untuk",
  krn: "karena",
  karna: "karena",
  tp: "tapi",
  tpi: "tapi",
  aja: "saja",
  doang: "saja",
  udh: "sudah",
  udah: "sudah",
  sdh: "sudah",
  dah: "sudah",
  lg: "lagi",
  sm: "sama",
  skrg: "sekarang",
  skrang: "sekarang",
  kmrn: "kemarin",
  emg: "memang",
  emang: "memang",
  bnr: "benar",
  bener: "benar",
  gmn: "bagaimana",
  gimana: "bagaimana",
  knp: "kenapa",
  napa: "kenapa",
  tlg: "tolong",
  org: "orang",
  tau: "tahu",
  pake: "pakai",
  // pronouns
  gw: "saya",
  gue: "saya",
  gua: "saya",
  sy: "saya",
  aku: "saya",
  // thanks
  makasih: "terimakasih",
  mksh: "terimakasih",
  trims: "terimakasih",
  thx: "terimakasih",
  // spelling variants of words common in complaints
  antri: "antre",
  antrian: "antrean",
  ngantri: "antre",
  ngantre: "antre",
};

/**
 * The built-in fold: letters repeated three or more times collapsed to one ("lamaaa" -> "lama",
 * "bangettt" -> "banget"), then the SLANG table. Pure; words it does not know come back unchanged.
 */
export const slangFold: Fold = foldFromTable(SLANG);

/**
 * Builds a fold from a table (plus elongation collapse), e.g. from a bigger slang dictionary. Keys
 * must be normalised words (see `normaliseText`); values single words.
 */
export function foldFromTable(table: ReadonlyMap<string, string> | Readonly<Record<string, string>>): Fold {
  const map = table instanceof Map ? table : new Map(Object.entries(table));
  return (word) => {
    const collapsed = HAS_ELONGATION.test(word) ? word.replace(ELONGATED, "$1") : word;
    return map.get(collapsed) ?? collapsed;
  };
}

export const identityFold: Fold = (word) => word;
