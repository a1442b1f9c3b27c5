/**
 * Where the simulated mentions happen: the codes (Kemendagri, as processors/places gives them) of
 * the cities the texts name through the {place} slot, and the profile locations people write, so
 * that the ground truth of every mention says which place it names.
 */
import { type Random, WeightedTable } from "./random.js";
import type { WORD_VARIANTS } from "./vocabulary.js";

/** A place in the ground truth: province code, and regency or city code when the text names one. */
export interface PlaceTruth {
  provinceCode: string;
  regencyCode: string | null;
}

/**
 * The {place} slot's names (vocabulary.ts) and what each stands for: the city (a bare name is the
 * city by the places tagger's convention), or the province alone for Jakarta and Yogyakarta.
 */
export const PLACE_CODES: Readonly<Record<(typeof WORD_VARIANTS.place)[number], PlaceTruth>> = {
  Jakarta: { provinceCode: "31", regencyCode: null },
  Bekasi: { provinceCode: "32", regencyCode: "32.75" },
  Depok: { provinceCode: "32", regencyCode: "32.76" },
  Bogor: { provinceCode: "32", regencyCode: "32.71" },
  Tangerang: { provinceCode: "36", regencyCode: "36.71" },
  Surabaya: { provinceCode: "35", regencyCode: "35.78" },
  Medan: { provinceCode: "12", regencyCode: "12.71" },
  Makassar: { provinceCode: "73", regencyCode: "73.71" },
  Bandung: { provinceCode: "32", regencyCode: "32.73" },
  Semarang: { provinceCode: "33", regencyCode: "33.74" },
  Palembang: { provinceCode: "16", regencyCode: "16.71" },
  Yogyakarta: { provinceCode: "34", regencyCode: null },
  Denpasar: { provinceCode: "51", regencyCode: "51.71" },
  Balikpapan: { provinceCode: "64", regencyCode: "64.71" },
  Pontianak: { provinceCode: "61", regencyCode: "61.71" },
  Kupang: { provinceCode: "53", regencyCode: "53.71" },
  Jayapura: { provinceCode: "91", regencyCode: "91.71" },
  Ambon: { provinceCode: "81", regencyCode: "81.71" },
  Padang: { provinceCode: "13", regencyCode: "13.71" },
  Malang: { provinceCode: "35", regencyCode: "35.73" },
  Solo: { provinceCode: "33", regencyCode: "33.72" },
  Cirebon: { provinceCode: "32", regencyCode: "32.74" },
  Pekanbaru: { provinceCode: "14", regencyCode: "14.71" },
  Manado: { provinceCode: "71", regencyCode: "71.71" },
};

/** Share of people whose profile states a location. */
export const PROFILE_LOCATION_CHANCE = 0.45;

/** Profile locations as people write them, how common, and where they are (null: nowhere in Indonesia). */
const PROFILE_LOCATIONS = new WeightedTable<readonly [string, PlaceTruth | null]>([
  [["Jakarta", { provinceCode: "31", regencyCode: null }], 8],
  [["Jakarta Selatan", { provinceCode: "31", regencyCode: "31.74" }], 3],
  [["Jaktim", { provinceCode: "31", regencyCode: "31.75" }], 1],
  [["Bandung, Jawa Barat", { provinceCode: "32", regencyCode: "32.73" }], 4],
  [["Bekasi", { provinceCode: "32", regencyCode: "32.75" }], 3],
  [["Kab. Bogor", { provinceCode: "32", regencyCode: "32.01" }], 2],
  [["Cirebon", { provinceCode: "32", regencyCode: "32.74" }], 1],
  [["Surabaya", { provinceCode: "35", regencyCode: "35.78" }], 4],
  [["Kota Malang", { provinceCode: "35", regencyCode: "35.73" }], 2],
  [["Sidoarjo, Jatim", { provinceCode: "35", regencyCode: "35.15" }], 1],
  [["Semarang", { provinceCode: "33", regencyCode: "33.74" }], 2],
  [["Solo", { provinceCode: "33", regencyCode: "33.72" }], 1],
  [["Jogja", { provinceCode: "34", regencyCode: null }], 3],
  [["Tangerang Selatan", { provinceCode: "36", regencyCode: "36.74" }], 2],
  [["Medan, Sumut", { provinceCode: "12", regencyCode: "12.71" }], 3],
  [["Padang", { provinceCode: "13", regencyCode: "13.71" }], 1],
  [["Pekanbaru", { provinceCode: "14", regencyCode: "14.71" }], 1],
  [["Palembang", { provinceCode: "16", regencyCode: "16.71" }], 2],
  [["Bandar Lampung", { provinceCode: "18", regencyCode: "18.71" }], 1],
  [["Batam", { provinceCode: "21", regencyCode: "21.71" }], 1],
  [["Denpasar, Bali", { provinceCode: "51", regencyCode: "51.71" }], 2],
  [["Lombok", { provinceCode: "52", regencyCode: null }], 1],
  [["Kupang, NTT", { provinceCode: "53", regencyCode: "53.71" }], 1],
  [["Pontianak", { provinceCode: "61", regencyCode: "61.71" }], 1],
  [["Banjarmasin", { provinceCode: "63", regencyCode: "63.71" }], 1],
  [["Samarinda", { provinceCode: "64", regencyCode: "64.72" }], 1],
  [["Manado", { provinceCode: "71", regencyCode: "71.71" }], 1],
  [["Makassar", { provinceCode: "73", regencyCode: "73.71" }], 3],
  [["Kendari", { provinceCode: "74", regencyCode: "74.71" }], 1],
  [["Gorontalo", { provinceCode: "75", regencyCode: null }], 1],
  [["Ambon", { provinceCode: "81", regencyCode: "81.71" }], 1],
  [["Ternate", { provinceCode: "82", regencyCode: "82.71" }], 1],
  [["Jayapura", { provinceCode: "91", regencyCode: "91.71" }], 1],
  [["Sorong", { provinceCode: "96", regencyCode: "96.71" }], 1],
  [["Banda Aceh", { provinceCode: "11", regencyCode: "11.71" }], 1],
  [["Indonesia", null], 6],
  [["🇮🇩", null], 2],
  [["Bumi", null], 1],
  [["Kuala Lumpur", null], 1],
  [["Singapore", null], 1],
]);

/** A person's profile location and where it is, or null for a profile without one. */
export function profileLocation(random: Random): readonly [string, PlaceTruth | null] | null {
  return random.chance(PROFILE_LOCATION_CHANCE) ? PROFILE_LOCATIONS.pick(random) : null;
}

/**
 * The place texts name, by the places tagger's rule: the province named most often (a tie: none),
 * and its regency or city when every one named there is the same.
 */
export function placeOfNames(names: readonly PlaceTruth[]): PlaceTruth | null {
  const counts = new Map<string, number>();
  for (const { provinceCode } of names) counts.set(provinceCode, (counts.get(provinceCode) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [best, runnerUp] = ranked;
  if (best === undefined || (runnerUp !== undefined && runnerUp[1] === best[1])) return null;
  const regencies = new Set(names.filter((name) => name.provinceCode === best[0]).map((name) => name.regencyCode));
  regencies.delete(null);
  const [regency] = regencies;
  return { provinceCode: best[0], regencyCode: regencies.size === 1 ? (regency as string) : null };
}
