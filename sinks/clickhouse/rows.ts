/** Row shapes of the ClickHouse tables, mapped from the Avro contracts (see migrations). */
import type { FinalisedDelta, Flush } from "../../processors/windows/index.js";
import { emptyDelta, windowStart } from "../../processors/windows/index.js";
import type {
  Alert,
  EngagementEvent,
  TaggedMention,
  ViralityUpdate,
  WebTrafficEvent,
} from "../../schemas/types.generated.js";

export interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
}

export type Row = Record<string, unknown>;

/** Written out column by column, no spread: this runs for every stored mention (see windowDeltaRows). */
export function taggedMentionRow({ mention, tags, processedTime }: TaggedMention, at: SourcePosition): Row {
  return {
    platform: mention.platform,
    id: mention.id,
    kind: mention.kind,
    url: mention.url,
    author_id: mention.author.id,
    author_handle: mention.author.handle,
    author_name: mention.author.name,
    author_followers: mention.author.followers,
    author_verified: mention.author.verified,
    text: mention.text,
    lang: mention.lang,
    event_time: mention.eventTime,
    ingest_time: mention.ingestTime,
    processed_time: processedTime,
    parent_id: mention.parentId,
    root_id: mention.rootId,
    hashtags: mention.hashtags,
    mentioned_handles: mention.mentionedHandles,
    links: mention.links,
    likes: mention.engagement.likes,
    shares: mention.engagement.shares,
    replies: mention.engagement.replies,
    views: mention.engagement.views,
    clicks: mention.engagement.clicks,
    source: mention.source,
    sentiment_label: tags.sentiment?.label ?? null,
    sentiment_score: tags.sentiment?.score ?? null,
    sentiment_confidence: tags.sentiment?.confidence ?? null,
    topic_query_ids: tags.topics.map((topic) => topic.queryId),
    topic_agencies: tags.topics.map((topic) => topic.agency ?? ""),
    virality_score: tags.virality?.score ?? null,
    viral: tags.virality?.viral ?? null,
    influence_score: tags.influence?.score ?? null,
    influence_tier: tags.influence?.tier ?? null,
    segment: tags.segment?.name ?? null,
    segment_confidence: tags.segment?.confidence ?? null,
    account_role: tags.account?.role ?? null,
    account_agency: tags.account?.agency ?? null,
    account_score: tags.account?.score ?? null,
    place_province_code: tags.place?.provinceCode ?? null,
    place_regency_code: tags.place?.regencyCode ?? null,
    kafka_topic: at.topic,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  };
}

export function engagementRow(event: EngagementEvent, at: SourcePosition): Row {
  return {
    platform: event.platform,
    post_id: event.postId,
    event_time: event.eventTime,
    likes: event.likes,
    shares: event.shares,
    replies: event.replies,
    views: event.views,
    clicks: event.clicks,
    source: event.source,
    kafka_topic: at.topic,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  };
}

export function webEventRow(event: WebTrafficEvent, at: SourcePosition): Row {
  return {
    site: event.site,
    id: event.id,
    agency: event.agency,
    url: event.url,
    kind: event.kind,
    event_time: event.eventTime,
    visitor_id: event.visitorId,
    event_count: event.count,
    source: event.source,
    kafka_topic: at.topic,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  };
}

export function viralityRow(update: ViralityUpdate, at: SourcePosition): Row {
  return {
    platform: update.platform,
    post_id: update.postId,
    assessed_at: update.assessedAt,
    score: update.score,
    velocity: update.velocity,
    acceleration: update.acceleration,
    expected_velocity: update.expectedVelocity,
    cascade_size: update.cascadeSize,
    cascade_depth: update.cascadeDepth,
    cascade_velocity: update.cascadeVelocity,
    cascade_reach: update.cascadeReach,
    viral: update.viral,
    reason: update.reason,
    kafka_topic: at.topic,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  };
}

/** The offsets of one partition a flush of window deltas covers. */
export interface OffsetRange {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

/**
 * The `mention_window_deltas` rows of one flush, each carrying the offset range and watermark, or a
 * single progress row (no measures) when the flush has no delta, so the offset progress is stored.
 */
/** A window delta as stored: the windows' cells, or the cell-less progress row. */
type StoredDelta = Omit<FinalisedDelta, "scope" | "sentiment"> & {
  scope: { kind: string; id: string; agency: string };
  sentiment: string;
};

/** A flush without deltas still stores its offsets and watermark: one row without cell or measures. */
function progressOnly(insertedAt: number): StoredDelta {
  const none = emptyDelta(windowStart(insertedAt), { kind: "all", id: "", agency: "" }, "", "unknown");
  return {
    ...none,
    final: false,
    scope: { kind: "progress", id: "", agency: "" },
    sentiment: "",
    firstEventTime: 0,
    lastEventTime: 0,
  };
}

export function windowDeltaRows({ deltas, watermark }: Flush, at: OffsetRange, insertedAt: number): Row[] {
  const stored: StoredDelta[] = deltas.length > 0 ? deltas : [progressOnly(insertedAt)];
  // One object literal per row: `{ ...position, more }` or adding properties afterwards hits V8
  // slow paths (5 to 40 us an object, measured), which made this the stage's hottest line.
  return stored.map((delta) => ({
    source_topic: at.topic,
    source_partition: at.partition,
    first_offset: at.firstOffset,
    last_offset: at.lastOffset,
    watermark,
    inserted_at: insertedAt,
    window_start: delta.windowStart / 1000,
    final: delta.final,
    scope_kind: delta.scope.kind,
    scope: delta.scope.id,
    agency: delta.scope.agency,
    platform: delta.platform,
    sentiment: delta.sentiment,
    province: delta.province,
    mentions: delta.mentions,
    reach: delta.reach,
    likes: delta.likes,
    shares: delta.shares,
    replies: delta.replies,
    views: delta.views,
    sentiment_score_sum: delta.sentimentScoreSum,
    author_ids: [...delta.authorFollowers.keys()],
    author_followers: [...delta.authorFollowers.values()],
    first_event_time: delta.firstEventTime,
    last_event_time: delta.lastEventTime,
  }));
}

export function alertRow(alert: Alert, at: SourcePosition): Row {
  return {
    id: alert.id,
    incident_id: alert.incidentId,
    rule_id: alert.ruleId,
    status: alert.status,
    severity: alert.severity,
    agency: alert.agency,
    query_id: alert.queryId,
    platform: alert.platform,
    signal: alert.signal,
    observed: alert.observed,
    baseline: alert.baseline,
    threshold: alert.threshold,
    z: alert.z,
    baseline_method: alert.baselineMethod,
    volume: alert.volume,
    window_start: alert.windowStart,
    window_end: alert.windowEnd,
    fired_at: alert.firedAt,
    notify_at: alert.notifyAt,
    message: alert.message,
    top_post_ids: alert.topPostIds,
    top_author_ids: alert.topAuthorIds,
    channels: alert.channels,
    kafka_topic: at.topic,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  };
}
