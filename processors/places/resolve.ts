/**
 * One place per mention from the names found in it (README.md, "Several places"): the text and its
 * hashtags first, the author's profile location only when they name none; the province named most
 * often wins, a tie is no place; the regency when every regency named in that province is the same
 * one, else the province alone.
 */
import type { PlaceTag } from "../../schemas/types.generated.js";
import type { Gazetteer } from "./gazetteer.js";
import type { PlaceHit } from "./match.js";

export function resolvePlace(gazetteer: Gazetteer, hits: readonly PlaceHit[]): PlaceTag | null {
  const counts = new Map<string, number>();
  for (const hit of hits) counts.set(hit.place.provinceCode, (counts.get(hit.place.provinceCode) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  let tied = false;
  for (const [province, count] of counts) {
    if (count > bestCount) [best, bestCount, tied] = [province, count, false];
    else if (count === bestCount) tied = true;
  }
  if (best === null || tied) return null;
  let regency: PlaceHit | null = null;
  let regencies = 0;
  let confidence = 0;
  let first: PlaceHit | null = null;
  for (const hit of hits) {
    if (hit.place.provinceCode !== best) continue;
    first ??= hit;
    confidence = Math.max(confidence, hit.confidence);
    if (hit.place.regencyCode === null || hit.place.regencyCode === regency?.place.regencyCode) continue;
    regency = hit;
    regencies++;
  }
  const chosen = regencies === 1 && regency !== null ? regency : (first as PlaceHit);
  const place = regencies === 1 && regency !== null ? regency.place : gazetteer.provinces.get(best);
  if (place === undefined) return null;
  // Other provinces named besides the winner lower the confidence by their share of the names.
  const share = bestCount / hits.length;
  return {
    provinceCode: place.provinceCode,
    regencyCode: place.regencyCode,
    name: place.name,
    confidence: Math.round(confidence * share * 1000) / 1000,
    source: chosen.source,
  };
}
