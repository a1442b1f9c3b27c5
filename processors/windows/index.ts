/** Event-time tumbling windows with a watermark, per Kafka partition, and the persepsi rule (README.md). */
export { emptyDelta, type WindowDelta } from "./delta.js";
export { type FinalisedDelta, type Flush, PartitionWindows, type WindowOptions } from "./partition-windows.js";
export {
  type LabelledCounts,
  PERSEPSI_RULE,
  type PersepsiDirection,
  persepsiDirection,
  persepsiIndex,
} from "./persepsi.js";
export { type Scope, type ScopeKind, type SentimentBucket, scopesOf } from "./scopes.js";
export { MINUTE_MS, windowEnd, windowStart } from "./tumbling.js";
export { DEFAULT_ALLOWED_LATENESS_MS, Watermark } from "./watermark.js";
