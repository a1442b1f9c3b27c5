/**
 * The gazetteer: every name a place goes by (official names of the 38 provinces and 514 regencies
 * and cities of idn-area-data, spelling variants, our aliases), each a key of word n-grams in one
 * Map, so a text is matched by looking its n-grams up: linear in the text, no pattern per place.
 * Built once per process from the package's data files (loadGazetteer).
 */
import { getProvinces, getRegencies } from "idn-area-data";
import { ALIASES, AMBIGUOUS, FOREIGN } from "./aliases.js";
import { tokenise } from "./tokens.js";

export type PlaceKind = "province" | "city" | "regency";

export interface Place {
  kind: PlaceKind;
  provinceCode: string;
  /** null for a province. */
  regencyCode: string | null;
  /** The official name ("Kota Cirebon", "Jawa Barat"). */
  name: string;
}

/** What one name can mean; `places` is empty for a foreign name. */
export interface NameEntry {
  places: Place[];
  ambiguity: "none" | "cue" | "strong";
}

export interface AreaData {
  provinces: readonly { code: string; name: string }[];
  regencies: readonly { code: string; province_code: string; name: string }[];
}

/** "Kabupaten Administrasi", "Kota Administrasi", "Kabupaten", "Kota": the kind, not the name. */
const REGENCY_PREFIX = /^(Kabupaten|Kota)( Administrasi)? /;

export class Gazetteer {
  /** Name (words joined by one space) -> what it can mean. */
  readonly names = new Map<string, NameEntry>();
  /** The same names without spaces, for hashtags (#jawabarat, #kotabandung after its prefix). */
  readonly compact = new Map<string, NameEntry>();
  /** First word of a name -> the most words any name starting with it has. */
  readonly longest = new Map<string, number>();
  readonly provinces = new Map<string, Place>();
  readonly regencies = new Map<string, Place>();

  constructor(data: AreaData) {
    for (const { code, name } of data.provinces) {
      const place: Place = { kind: "province", provinceCode: code, regencyCode: null, name };
      this.provinces.set(code, place);
      this.add(name, place);
    }
    for (const { code, province_code, name } of data.regencies) {
      if (!this.provinces.has(province_code)) throw new Error(`regency ${code} of unknown province ${province_code}`);
      const kind: PlaceKind = name.startsWith("Kota ") ? "city" : "regency";
      const place: Place = { kind, provinceCode: province_code, regencyCode: code, name };
      this.regencies.set(code, place);
      const base = name.replace(REGENCY_PREFIX, "");
      this.add(base, place);
      // "Kepulauan Mentawai" is mostly written "Mentawai".
      if (base.startsWith("Kepulauan ")) this.add(base.slice("Kepulauan ".length), place);
    }
    for (const [alias, code] of Object.entries(ALIASES)) {
      const place = code.includes(".") ? this.regencies.get(code) : this.provinces.get(code);
      if (!place) throw new Error(`alias "${alias}" names unknown code ${code}`);
      this.add(alias, place);
    }
    for (const name of FOREIGN) this.entry(name);
    for (const [name, ambiguity] of Object.entries(AMBIGUOUS)) {
      const entry = this.names.get(name);
      if (!entry) throw new Error(`ambiguous word "${name}" is no place name`);
      entry.ambiguity = ambiguity;
    }
  }

  private add(name: string, place: Place): void {
    const words = tokenise(name).map((token) => token.word);
    const variants = [words.join(" ")];
    // Both spellings are official usage in different periods: Sumatera / Sumatra.
    if (words.includes("sumatera")) variants.push(words.map((w) => (w === "sumatera" ? "sumatra" : w)).join(" "));
    for (const variant of variants) {
      const entry = this.entry(variant);
      if (!entry.places.includes(place)) entry.places.push(place);
    }
  }

  private entry(name: string): NameEntry {
    let entry = this.names.get(name);
    if (!entry) {
      entry = { places: [], ambiguity: "none" };
      this.names.set(name, entry);
      this.compact.set(name.replaceAll(" ", ""), entry);
      const words = name.split(" ");
      const first = words[0] as string;
      this.longest.set(first, Math.max(this.longest.get(first) ?? 0, words.length));
    }
    return entry;
  }
}

let loaded: Promise<Gazetteer> | undefined;

/** The gazetteer of the installed idn-area-data, built once per process. */
export function loadGazetteer(): Promise<Gazetteer> {
  loaded ??= Promise.all([getProvinces(), getRegencies()]).then(
    ([provinces, regencies]) => new Gazetteer({ provinces, regencies }),
  );
  return loaded;
}
