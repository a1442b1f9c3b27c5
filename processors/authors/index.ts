/**
 * Author-level enrichment: routing what happens to authors onto their owner, their combined
 * influence and behaviour state, and the tagger that reads it. See README.md.
 */
export { APPLIED_ITEMS_TTL_SECONDS, AUTHOR_TTL_SECONDS, authorKeys, POST_AUTHOR_TTL_SECONDS } from "./keys.js";
export { type AwaitingSignal, type RoutedSignals, routeMention, routeSnapshot } from "./routing.js";
export { type AuthorState, appliedItemId, applyAuthorSignal, emptyAuthor } from "./state.js";
export { authorsTagger } from "./tagger.js";
