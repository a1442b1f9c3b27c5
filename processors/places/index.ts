/**
 * Places: the Indonesian province and regency or city a mention is about, from its text, hashtags
 * and the author's profile location, with Kemendagri codes from idn-area-data. See README.md.
 */
export { ALIASES, AMBIGUOUS, FOREIGN } from "./aliases.js";
export { type AreaData, Gazetteer, loadGazetteer, type NameEntry, type Place, type PlaceKind } from "./gazetteer.js";
export { findInHashtag, findInText, type PlaceHit, placeOf } from "./match.js";
export { resolvePlace } from "./resolve.js";
export { placesTagger, tagPlace } from "./tagger.js";
export { type Token, tokenise } from "./tokens.js";
