/**
 * Coordinated behaviour: copy-paste waves and synchronized amplification by groups of accounts
 * (README.md). Pure: the coordination stage feeds it mentions and stores what it finds.
 */
import type { Mention } from "../../schemas/types.generated.js";
import type { CoordinationItem } from "./detector.js";

export {
  CAPTURE_SLICE,
  CHUNK_SHARDS,
  type ChunkCapture,
  ChunkLedger,
  type ChunkRows,
  chunkWidth,
  shardedChunk,
  timeChunk,
} from "./chunks.js";
export {
  type Campaign,
  type CampaignAccount,
  type CampaignReason,
  CoordinationDetector,
  type CoordinationEvictions,
  type CoordinationItem,
  type CoordinationOptions,
  DEFAULT_COORDINATION_OPTIONS,
  MAX_CAMPAIGN_POSTS,
} from "./detector.js";
export { handleStem, hasDigitTail, patternedHandles } from "./handles.js";
export { copyWords, isPlainRetweet, MIN_COPY_WORDS } from "./text.js";

/** The part of a mention the detector reads. */
export function coordinationItem(mention: Mention): CoordinationItem {
  return {
    platform: mention.platform,
    id: mention.id,
    kind: mention.kind,
    authorId: mention.author.id,
    handle: mention.author.handle,
    followers: mention.author.followers,
    text: mention.text,
    eventTime: mention.eventTime,
    parentId: mention.parentId,
  };
}
