// Generated from schemas/avro/*.avsc by `npm run gen:types`. Do not edit.

export type Platform = "x" | "facebook" | "instagram" | "youtube" | "tiktok" | "news" | "forum" | "blog" | "web" | "other";

export type MentionKind = "post" | "reply" | "share" | "comment" | "article";

export interface Author {
  id: string;
  handle: string;
  name: null | string;
  followers: number;
  verified: boolean;
  /** The profile's free-text location, where the platform gives one. */
  location: null | string;
}

export interface EngagementCounts {
  likes: number;
  shares: number;
  replies: number;
  views: number;
  clicks: number;
}

/** One piece of public content that an ingestor saw: a post, reply, share, comment or news article. */
export interface Mention {
  platform: Platform;
  /** The platform's own (native) id of this item. */
  id: string;
  kind: MentionKind;
  url: null | string;
  author: Author;
  text: string;
  /** BCP 47 code when the source states it. */
  lang: null | string;
  /** When it was published. */
  eventTime: number;
  /** When the ingestor saw it. */
  ingestTime: number;
  /** The item this one replies to or shares. */
  parentId: null | string;
  /** The original post at the top of the thread or cascade. */
  rootId: null | string;
  hashtags: string[];
  mentionedHandles: string[];
  links: string[];
  /** Engagement counts as seen at ingest time (a snapshot, not a delta). */
  engagement: EngagementCounts;
  /** Name of the ingestor instance that produced it. */
  source: string;
}

/** A snapshot of one post's engagement counts at one moment. */
export interface EngagementEvent {
  platform: Platform;
  postId: string;
  eventTime: number;
  likes: number;
  shares: number;
  replies: number;
  views: number;
  clicks: number;
  source: string;
}

export type SentimentLabel = "positive" | "neutral" | "negative";

export interface SentimentTag {
  label: SentimentLabel;
  /** In [-1, 1]. */
  score: number;
  /** In [0, 1]. */
  confidence: number;
  language: string;
  modelVersion: string;
}

export interface TopicMatch {
  queryId: string;
  agency: null | string;
}

export interface ViralityTag {
  /** 0-100. */
  score: number;
  /** Engagements per minute. */
  velocity: number;
  viral: boolean;
}

export interface InfluenceTag {
  /** 0-100. */
  score: number;
  tier: string;
}

export interface SegmentTag {
  name: string;
  confidence: number;
}

export type AccountRole = "official" | "audience_response" | "impersonation_suspect" | "other";

export interface AccountTag {
  role: AccountRole;
  agency: null | string;
  /** Impersonation likelihood in [0, 1] for suspects. */
  score: null | number;
  reasons: string[];
}

export type PlaceSource = "text" | "hashtag" | "profile";

export interface PlaceTag {
  provinceCode: string;
  regencyCode: null | string;
  /** Official name of the regency or city, else of the province. */
  name: string;
  /** In [0, 1]. */
  confidence: number;
  source: PlaceSource;
}

export interface Tags {
  sentiment: null | SentimentTag;
  topics: TopicMatch[];
  virality: null | ViralityTag;
  influence: null | InfluenceTag;
  segment: null | SegmentTag;
  /** Who speaks: an agency's official account, an audience response to one, a suspected impersonator, or other. */
  account: null | AccountTag;
  /** Where it is happening: the Indonesian province (two-digit Kemendagri code) and, when known, the regency or city (code like 32.09) the text, its hashtags or the author's profile location name (processors/places). */
  place: null | PlaceTag;
}

/** A validated, normalised Mention with the tags the processors attached. Tags absent here are not computed yet. */
export interface TaggedMention {
  mention: Mention;
  tags: Tags;
  processedTime: number;
}

export type AlertStatus = "firing" | "resolved";

export type AlertSeverity = "info" | "warning" | "critical";

/** An alert rule firing or resolving, with the evidence for it. */
export interface Alert {
  /** Stable across redeliveries; receivers deduplicate on it. */
  id: string;
  ruleId: string;
  status: AlertStatus;
  severity: AlertSeverity;
  agency: null | string;
  queryId: null | string;
  platform: null | Platform;
  signal: string;
  observed: number;
  baseline: number;
  threshold: number;
  windowStart: number;
  windowEnd: number;
  firedAt: number;
  message: string;
  topPostIds: string[];
  topAuthorIds: string[];
  /** Shared by the firing and the resolved event of one incident. */
  incidentId: null | string;
  /** Robust z-score of observed against the baseline; null for event signals and while the baseline warms up. */
  z: null | number;
  /** Where the baseline came from: hour-of-week, ewma, floor, or none (event signals). */
  baselineMethod: null | string;
  /** The count the rule's minimum volume applies to: negatives for negative-count, events for event signals, else all mentions in the window. */
  volume: null | number;
  /** Channels deliver from this time on (the end of quiet hours); null: at once. */
  notifyAt: null | number;
  /** Names of the notification channels (rules file) to deliver to. */
  channels: string[];
}

/** An input a stage could not process, kept with the reason so it can be inspected and replayed. */
export interface DeadLetter {
  stage: string;
  sourceTopic: string;
  partition: number;
  offset: number;
  key: null | Buffer;
  value: null | Buffer;
  errorCode: string;
  reason: string;
  failedAt: number;
}

export type PostSignalKind = "root" | "snapshot" | "cascade";

export interface CascadeMember {
  itemId: string;
  parentId: string;
  authorFollowers: number;
}

/** Something that happened to a root post, re-keyed by the root so that one enrichment instance owns each post's state: the post itself, an engagement snapshot, or a member of its cascade. */
export interface PostSignal {
  platform: Platform;
  rootId: string;
  kind: PostSignalKind;
  /** Event time of what happened. */
  at: number;
  /** kind root: the post itself. */
  root: null | Mention;
  /** kind snapshot. */
  snapshot: null | EngagementEvent;
  /** kind cascade: a share, reply or comment below the root. */
  cascade: null | CascadeMember;
}

/** A post's virality as assessed after something happened to it (processors/virality, docs/virality.md). */
export interface ViralityUpdate {
  platform: Platform;
  postId: string;
  /** Event time the assessment refers to. */
  assessedAt: number;
  /** 0-100, relative to what the author's audience predicts. */
  score: number;
  /** Weighted engagements per minute, last 5 minutes. */
  velocity: number;
  acceleration: number;
  expectedVelocity: number;
  cascadeSize: number;
  cascadeDepth: number;
  /** New cascade members per minute, last 5 minutes. */
  cascadeVelocity: number;
  /** Sum of the cascade members' followers. */
  cascadeReach: number;
  viral: boolean;
  reason: string;
}

export type AuthorSignalKind = "authored" | "engagement" | "amplified";

export interface AuthoredItem {
  id: string;
  platform: Platform;
  kind: MentionKind;
  parentId: null | string;
  rootId: null | string;
  /** The author's, when the item was seen. */
  followers: number;
  ingestTime: number;
  likes: number;
  shares: number;
  replies: number;
  sentiment: null | SentimentLabel;
}

export interface PostEngagement {
  postId: string;
  likes: number;
  shares: number;
  replies: number;
}

export interface AmplifiedBy {
  /** The amplifier's key. */
  by: string;
  byFollowers: number;
  /** The amplifying item: with authorKey, the idempotency key. */
  itemId: string;
}

/** Something that happened to an author, re-keyed by the author so that one enrichment instance owns each author's influence and behaviour state: an item the author wrote, an engagement snapshot of one of the author's posts, or an amplification by another account. */
export interface AuthorSignal {
  /** platform:authorId, or platform:@handle for an account known only by a mention of its handle. */
  authorKey: string;
  kind: AuthorSignalKind;
  /** Event time of what happened. */
  at: number;
  /** kind authored: what influence and behaviour need of the item (its event time is `at`), and its sentiment label, if tagged. */
  authored: null | AuthoredItem;
  /** kind engagement: the latest counts of one of the author's posts. */
  engagement: null | PostEngagement;
  /** kind amplified: another account shared, replied to, commented on or mentioned this one. */
  amplified: null | AmplifiedBy;
}

export type WebTrafficKind = "visit" | "click" | "download";

/** Traffic on an agency's website from its web analytics (regulation measures 2 and 4): a page visit, a click on a link or a download. */
export interface WebTrafficEvent {
  /** The event's id at its source, unique per site: a redelivered event is stored once. */
  id: string;
  /** Host name, e.g. bpjs-kesehatan.go.id. */
  site: string;
  /** The agency the site belongs to, named as in the monitoring queries. */
  agency: string;
  url: string;
  /** visit: a page view; click: a tracked link or button; download: a file served. */
  kind: WebTrafficKind;
  eventTime: number;
  /** Pseudonymous visitor id, when the analytics has one. */
  visitorId: null | string;
  /** Events this record stands for (an analytics export may pre-aggregate). */
  count: number;
  source: string;
}

export type MentionChangeKind = "removed" | "edited";

/** A post the platform reports removed (deleted, withheld, gone on refresh) or edited after an ingestor saw it. */
export interface MentionChange {
  platform: Platform;
  /** The platform's own id of the post, as in Mention.id. */
  postId: string;
  change: MentionChangeKind;
  /** Why, in the platform's words where it gives one (e.g. deleted, withheld, not_found, compliance, edited). */
  reason: string;
  /** The post's text after an edit; null for a removal. */
  text: null | string;
  /** When the platform reported the change (or the refresher found the post gone). */
  changedTime: number;
  /** The source (ingestor instance) that reported it. */
  source: string;
}
