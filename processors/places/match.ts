/**
 * Finding places in one text: at every word, the longest name of the gazetteer starting there (at
 * most `longest` n-gram look-ups in a Map, so linear in the text), kept when its context makes it a
 * place (README.md, "Context").
 */
import type { PlaceSource } from "../../schemas/types.generated.js";
import type { Gazetteer, NameEntry, Place, PlaceKind } from "./gazetteer.js";
import { type Token, tokenise } from "./tokens.js";

/** One name found: the place it stands for, where, and how sure its context makes it. */
export interface PlaceHit {
  place: Place;
  source: PlaceSource;
  confidence: number;
}

/** A word before the name that says which kind of place is meant ("Kota Malang", "Kab. Bandung"). */
const KIND_CUES: ReadonlyMap<string, PlaceKind> = new Map([
  ["kota", "city"],
  ["kotamadya", "city"],
  ["pemkot", "city"],
  ["walkot", "city"],
  ["walikota", "city"],
  ["kab", "regency"],
  ["kabupaten", "regency"],
  ["pemkab", "regency"],
  ["bupati", "regency"],
  ["provinsi", "province"],
  ["propinsi", "province"],
  ["prov", "province"],
  ["pemprov", "province"],
  ["gubernur", "province"],
]);

/** Words before a name that make it a place without saying which kind. */
const PLACE_CUES: ReadonlySet<string> = new Set([
  "warga",
  "pemda",
  "wilayah",
  "daerah",
  "asal",
  "kawasan",
  "polres",
  "polresta",
  "polrestabes",
  "polda",
  "rsud",
  "kanwil",
  "dinkes",
  "kantor",
  "cabang",
  "kc",
]);

const PREPOSITIONS: ReadonlySet<string> = new Set(["di", "ke", "dari", "dr", "dri", "sekitar", "seputar", "menuju"]);

/**
 * Words before a name that make it something else: a street, a district or village of the same
 * name elsewhere ("Jl. Surabaya" is in Jakarta, "Kecamatan Batu Ampar"), or a dish sold
 * everywhere ("nasi padang", "soto lamongan", "bakso malang").
 */
const NOT_A_PLACE_CUES: ReadonlySet<string> = new Set([
  "jalan",
  "jl",
  "jln",
  "gang",
  "gg",
  "kecamatan",
  "kec",
  "kelurahan",
  "kel",
  "desa",
  "dusun",
  "nasi",
  "soto",
  "bakso",
  "sate",
  "gudeg",
  "mie",
  "mi",
  "bakmi",
  "pempek",
  "empek",
  "batagor",
  "lumpia",
  "rawon",
  "coto",
  "pecel",
  "tahu",
  "dodol",
  "bika",
  "kopi",
  "martabak",
  "rendang",
  "ayam",
  "masakan",
  "rm",
]);

const HASHTAG_PREFIXES: readonly [string, PlaceKind | null][] = [
  ["kabupaten", "regency"],
  ["kab", "regency"],
  ["kota", "city"],
  ["provinsi", "province"],
  ["prov", "province"],
  ["warga", null],
];

/** Confidence of a hit, by how the name was found. */
const CONFIDENCE = {
  cued: 0.9,
  bare: 0.8,
  ambiguousCued: 0.85,
  ambiguous: 0.7,
  hashtag: 0.8,
  profile: 0.6,
} as const;

/**
 * The place a name stands for, given the kind its context names; null when it could be places in
 * different provinces (Banjar: Kota Banjar in Jawa Barat, Kabupaten Banjar in Kalimantan Selatan).
 * A name that is a province and a city (Jambi, Bengkulu, Gorontalo) is the province; a city and a
 * regency (Bandung, Bogor, Cirebon, Malang) is the city.
 */
export function placeOf(entry: NameEntry, kind: PlaceKind | null): Place | null {
  let places = entry.places;
  if (kind !== null) {
    const ofKind = places.filter((place) => place.kind === kind);
    if (ofKind.length > 0) places = ofKind;
  }
  const first = places[0];
  if (first === undefined || places.some((place) => place.provinceCode !== first.provinceCode)) return null;
  return (
    places.find((place) => place.kind === "province") ??
    places.find((place) => place.kind === "city") ??
    (places.length === 1 ? first : null)
  );
}

function accepts(entry: NameEntry, token: Token, cued: boolean, preposition: boolean): boolean {
  if (entry.ambiguity === "none") return true;
  if (entry.ambiguity === "cue") return cued || preposition || (token.capital && !token.sentenceStart);
  return cued || (token.capital && preposition);
}

function textConfidence(entry: NameEntry, cued: boolean, preposition: boolean): number {
  if (entry.ambiguity !== "none") return cued ? CONFIDENCE.ambiguousCued : CONFIDENCE.ambiguous;
  return cued || preposition ? CONFIDENCE.cued : CONFIDENCE.bare;
}

/** Places named in running text (source "text", or "profile" for a profile location). */
export function findInText(gazetteer: Gazetteer, text: string, source: "text" | "profile", hits: PlaceHit[]): void {
  const tokens = tokenise(text);
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    const longest = token.hashtag ? 0 : (gazetteer.longest.get(token.word) ?? 0);
    let matched = 0;
    for (let n = Math.min(longest, tokens.length - i); n > 0 && matched === 0; n--) {
      let name = token.word;
      for (let k = 1; k < n; k++) name += ` ${(tokens[i + k] as Token).word}`;
      const entry = gazetteer.names.get(name);
      if (entry === undefined) continue;
      matched = n;
      const previous = tokens[i - 1]?.word;
      if (entry.places.length === 0 || (previous !== undefined && NOT_A_PLACE_CUES.has(previous))) break;
      const kind = (previous !== undefined && KIND_CUES.get(previous)) || null;
      const cued = kind !== null || (previous !== undefined && PLACE_CUES.has(previous));
      const preposition = previous !== undefined && PREPOSITIONS.has(previous);
      if (source === "text" && !accepts(entry, token, cued, preposition)) break;
      const place = placeOf(entry, kind);
      if (place === null) break;
      const confidence = source === "profile" ? CONFIDENCE.profile : textConfidence(entry, cued, preposition);
      hits.push({ place, source, confidence });
    }
    i += matched > 0 ? matched : 1;
  }
}

/** The place a hashtag names (#Surabaya, #jawabarat, #KotaBandung, #kabcirebon), if any. */
export function findInHashtag(gazetteer: Gazetteer, hashtag: string, hits: PlaceHit[]): void {
  const tag = hashtag.toLowerCase().replaceAll("_", "");
  let entry = gazetteer.compact.get(tag);
  let kind: PlaceKind | null = null;
  let prefixed = false;
  for (const [prefix, prefixKind] of HASHTAG_PREFIXES) {
    if (entry !== undefined) break;
    if (tag.startsWith(prefix)) {
      entry = gazetteer.compact.get(tag.slice(prefix.length));
      kind = prefixKind;
      prefixed = true;
    }
  }
  if (entry === undefined || (entry.ambiguity === "strong" && !prefixed)) return;
  const place = placeOf(entry, kind);
  if (place !== null) hits.push({ place, source: "hashtag", confidence: CONFIDENCE.hashtag });
}
