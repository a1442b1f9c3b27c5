/**
 * Audience segments (social technographics: creators, conversationalists, critics, collectors,
 * joiners, spectators, inactives) from per-author behaviour. Pure computations; the plumbing keeps
 * the state (see docs/segments.md, "What the plumbing supplies").
 */
export {
  applyMention,
  applyView,
  type Behaviour,
  type BehaviourMention,
  DAY_MS,
  DAY_OFFSET_MS,
  dayOf,
  LONG_FORM_PLATFORMS,
  MAX_TRACKED_DAYS,
  mentionCount,
  newBehaviour,
  VIDEO_PLATFORMS,
} from "./behaviour.js";
export { SEGMENTS, type Segment, type SegmentResult, segmentOf, THRESHOLDS } from "./rules.js";
