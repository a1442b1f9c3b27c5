/** The data API's answers, shared by the server (dashboard/server) and the page (dashboard/src). */
import type { PersepsiDirection } from "../../processors/windows/persepsi.js";
import type { PersepsiPair } from "./coordination.js";

export const SENTIMENTS = ["positive", "neutral", "negative", "unknown"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
export type SentimentCounts = Record<Sentiment, number>;

/** The persepsi direction, by the rule of the persepsi_trend view (processors/windows/persepsi.ts). */
export type Direction = PersepsiDirection;

export interface AgencySummary {
  id: string;
  name: string;
  mentions: number;
  sentiment: SentimentCounts;
  /** Net sentiment, 100 * (positive - negative) / labelled; null without labelled mentions. */
  index: number | null;
  /** The index over the rule's rolling hours up to the range's end, and over the hours before. */
  rollingIndex: number | null;
  previousIndex: number | null;
  direction: Direction;
}

/** A province on the map: the mentions placed there in the range, its persepsi index and negative share. */
export interface ProvinceCell {
  /** Two-digit Kemendagri code. */
  code: string;
  /** Official name (idn-area-data). */
  name: string;
  mentions: number;
  sentiment: SentimentCounts;
  index: number | null;
  /** negative / labelled; null without labelled mentions. */
  negativeShare: number | null;
}

export interface AlertRow {
  id: string;
  incidentId: string | null;
  ruleId: string;
  status: string;
  severity: string;
  agency: string | null;
  queryId: string | null;
  platform: string | null;
  signal: string;
  observed: number;
  baseline: number;
  threshold: number;
  z: number | null;
  baselineMethod: string | null;
  volume: number | null;
  windowStart: string;
  windowEnd: string;
  firedAt: string;
  message: string;
  topPostIds: string[];
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface AgencyView {
  stepMs: number;
  series: ({ t: number } & SentimentCounts)[];
  platforms: { platform: string; mentions: number }[];
  measures: Measures;
  viralPosts: {
    platform: string;
    postId: string;
    score: number;
    cascadeSize: number;
    text: string;
    url: string | null;
    author: string;
    sentiment: string | null;
  }[];
  influencers: {
    platform: string;
    handle: string;
    influence: number;
    tier: string | null;
    followers: number;
    mentions: number;
  }[];
  segments: { segment: string; mentions: number }[];
  stream: StreamMention[];
}

export interface StreamMention {
  platform: string;
  id: string;
  time: string;
  handle: string;
  text: string;
  url: string | null;
  sentiment: string | null;
}

/** The five measures of PermenPAN-RB 83/2012 (Bagan 3) as far as the stored data can tell them. */
export interface Measures {
  /** 1. Jangkauan: distinct authors talking about the agency and their followers. */
  reach: { authors: number; distinctAuthorReach: number };
  /** 2. Frekuensi dan lalu-lintas: how often it is talked about, and how often seen. */
  frequency: { mentions: number; views: number };
  /** 3. Pengaruh: how far messages spread (likes, shares, replies). */
  influence: { likes: number; shares: number; replies: number };
  /** 4. Percakapan dan keberhasilan: conversation (replies, comments) and clicks on links. */
  conversation: { replies: number; clicks: number };
  /** 5. Keberlanjutan: authors who came back (more than one mention in the range). */
  sustainability: { returningAuthors: number; returningShare: number | null };
}

export interface TimeRangeAnswer {
  key: string;
  fromMs: number;
  toMs: number;
}

export interface OverviewAnswer {
  range: TimeRangeAnswer;
  /** The province the agencies are filtered to; null for every place. */
  province: string | null;
  /** Every province, of all mentions (not filtered by `province`). */
  map: ProvinceCell[];
  agencies: AgencySummary[];
  alerts: AlertRow[];
  /** Items waiting for an answer now, per agency with any (responsiveness_open). */
  needsAnswer: Record<string, { open: number; overdue: number }>;
  /** Each agency's top rising issue, for agencies with one. */
  topIssues: Record<string, RisingIssue>;
  /** Sources silent longer than expected (the Sumber page has the details); empty without a sources file. */
  silentSources: { id: string; silentForMs: number }[];
  /** Per agency, persepsi with every account and without flagged ones (dashboard/server/persepsi.ts). */
  persepsi: Record<string, PersepsiPair>;
  /** Epoch ms the answer was computed at: browsers share one for SIMAK_DASHBOARD_OVERVIEW_MAX_AGE_MS. */
  asOf: number;
}

/** How a source is doing, worst first: silent too long, waiting on a rate limit, with errors, fine; or no data yet. */
export const SOURCE_STATES = ["silent", "rateLimited", "errors", "ok", "waiting"] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

/** One source of the sources file, as the Sumber page shows it (from its status in the state store). */
export interface SourceHealth {
  id: string;
  type: string;
  state: SourceState;
  /** The last item the bus acknowledged, or the last successful fetch (epoch ms). */
  lastSuccessAt: number | null;
  itemsLastHour: number;
  /** Now minus the newest event time the source produced, seconds. */
  lagSeconds: number | null;
  /** Waiting on a rate limit or its budget until (epoch ms). */
  rateLimitedUntil: number | null;
  rateLimitedSecondsLastHour: number;
  deadLettersLastHour: number;
  requestErrorsLastHour: number;
  /** The most recent error a stream recorded (e.g. a feed's 404), with its time. */
  lastError: string | null;
  /** How long it may stay silent (silenceMinutes, else 3 poll intervals); null: no expectation. */
  expectedSilenceMs: number | null;
  /** How long it has been silent, when longer than expected. */
  silentForMs: number | null;
}

export interface SourcesAnswer {
  /** False without a sources file (SIMAK_SOURCES_FILE): the page says so. */
  configured: boolean;
  sources: SourceHealth[];
}

/** An item's state in the responsiveness queue (docs/analysts.md). */
export const ANSWER_STATUSES = ["open", "overdue", "answered", "closed"] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

/** An item asking an agency for an answer (responsiveness_queue); times in epoch ms. */
export interface QueueItem {
  agency: string;
  platform: string;
  itemId: string;
  url: string | null;
  authorHandle: string;
  text: string;
  kind: string;
  status: AnswerStatus;
  askedAt: number;
  dueAt: number;
  answeredAt: number | null;
  answeringAccount: string | null;
  secondsToAnswer: number | null;
  closedAt: number | null;
  closedBy: string | null;
}

export interface AnswersAnswer {
  items: QueueItem[];
}

export interface AgencyAnswer extends AgencyView {
  range: TimeRangeAnswer;
  id: string;
  name: string;
  /** The province the view is filtered to; null for every place. */
  province: string | null;
  /** Every province, of the agency's mentions (not filtered by `province`). */
  map: ProvinceCell[];
  /** Its rising issues (the "Isu" panel). */
  issues: RisingIssue[];
  persepsi: PersepsiPair;
  /** Its campaigns seen in the range, latest first (the "Kampanye terkoordinasi" panel). */
  campaigns: CampaignSummary[];
}

export interface AlertsAnswer {
  range: TimeRangeAnswer;
  alerts: AlertRow[];
}

export interface Settings {
  timezone: "Asia/Jakarta" | "Asia/Makassar" | "Asia/Jayapura";
  language: "id" | "en";
  rotateSeconds: number;
  agencies: Record<string, string>;
}

/** An issue of the latest evaluated window (rising_issues, docs/analysts.md); times in epoch ms. */
export interface RisingIssue {
  agency: string;
  key: string;
  label: string;
  volume: number;
  negative: number;
  neutral: number;
  positive: number;
  growth: number;
  firstSeen: number;
  /** Posts about it in each of the last SPARKLINE_WINDOWS evaluated windows, oldest first (0: not an issue then). */
  sparkline: number[];
}

export interface IssuePostRow {
  platform: string;
  id: string;
  time: number;
  handle: string;
  text: string;
  sentiment: string;
}

/** GET issue?agency=&key=: the issue as last seen, and its posts of the last day (newest first). */
export interface IssueAnswer {
  agency: string;
  name: string;
  issue: RisingIssue | null;
  posts: IssuePostRow[];
}

/** A coordinated campaign (campaigns, docs/analysts.md); times in epoch ms. */
export interface CampaignSummary {
  id: string;
  platform: string;
  agencies: string[];
  firstSeen: number;
  lastSeen: number;
  accounts: number;
  posts: number;
  score: number;
  reasons: string[];
  /** The reasons as codes (processors/coordination), for the page to say them in its language. */
  reasonCodes: { kind: string; value: number }[];
  text: string;
  /** The post most of its accounts shared (`platform:id`), if any. */
  target: string | null;
}

/** An account in an amplification network (dashboard/server/network.ts). */
export interface NetworkNode {
  /** `platform:author_id`. */
  id: string;
  handle: string;
  /** Largest follower count seen in the network's time (and the day before). */
  reach: number;
  /** The label most of its mentions then had ("unknown" without labels). */
  sentiment: Sentiment;
  sentimentMix: SentimentCounts;
  /** Coordinated campaigns it was a member of while the network's time ran. */
  campaigns: string[];
  /** Its highest coordination score among them; null outside every campaign. */
  campaignScore: number | null;
}

/** `source` shared (kind share) or replied to (reply: replies and comments) posts of `target`, `weight` times. */
export interface NetworkEdge {
  source: string;
  target: string;
  kind: "share" | "reply";
  weight: number;
}

/** A network as drawn: capped, with how many accounts and edges there were in all. */
export interface NetworkGraph {
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  totalNodes: number;
  totalEdges: number;
  /** Some accounts or edges were left out by the caps. */
  truncated: boolean;
}

/** GET campaign/network?id=. */
export interface CampaignNetwork extends NetworkGraph {
  campaign: CampaignSummary | null;
}

/** GET issue/network?agency=&key=. */
export interface IssueNetwork extends NetworkGraph {
  agency: string;
  key: string;
}

/** A mention of an account in a network's scope (GET campaign/posts, issue/posts); time in epoch ms. */
export interface NetworkPost {
  platform: string;
  id: string;
  kind: string;
  time: number;
  handle: string;
  text: string;
  url: string | null;
  sentiment: string;
}
