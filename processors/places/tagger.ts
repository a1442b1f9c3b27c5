/**
 * The places tagger: fills `tags.place` of every mention with the Indonesian province and, when
 * known, regency or city its text, hashtags or author's profile location name (null: none, or not
 * sure which).
 */
import type { Mention, PlaceTag } from "../../schemas/types.generated.js";
import type { Tagger } from "../tagger.js";
import type { Gazetteer } from "./gazetteer.js";
import { findInHashtag, findInText, type PlaceHit } from "./match.js";
import { resolvePlace } from "./resolve.js";

export function tagPlace(
  gazetteer: Gazetteer,
  mention: Pick<Mention, "text" | "hashtags" | "author">,
): PlaceTag | null {
  const hits: PlaceHit[] = [];
  findInText(gazetteer, mention.text, "text", hits);
  const inText = new Set<string>();
  for (const match of mention.text.matchAll(HASHTAG)) inText.add((match[1] as string).toLowerCase());
  for (const hashtag of mention.hashtags) inText.add(hashtag.toLowerCase());
  for (const hashtag of inText) findInHashtag(gazetteer, hashtag, hits);
  if (hits.length === 0 && mention.author.location) findInText(gazetteer, mention.author.location, "profile", hits);
  return resolvePlace(gazetteer, hits);
}

const HASHTAG = /#([\p{L}\p{N}_]+)/gu;

export function placesTagger(gazetteer: Gazetteer): Tagger {
  return {
    name: "places",
    tag(batch) {
      for (const item of batch) item.tags.place = tagPlace(gazetteer, item.mention);
    },
  };
}
