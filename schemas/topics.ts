/**
 * The topic catalogue: every topic between stages, its key, value contract, partitions, retention,
 * and which stages produce and consume it. Keys keep every event of one post on one partition:
 * a mention and the engagement snapshots of the same post share the key `platform:postId`.
 */
import type { ContractName } from "./contracts.js";

export type StageName = "ingest" | "process" | "enrich" | "aggregate" | "alert" | "sink" | "replay";

export interface TopicSpec {
  /** Topic name without the configurable prefix. */
  name: string;
  value: ContractName;
  key: string;
  partitions: number;
  retentionMs: number;
  producers: StageName[];
  consumers: StageName[];
  description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPICS = {
  mentionsRaw: {
    name: "simak.mentions.raw",
    value: "Mention",
    key: "platform:id (the post itself; replies and shares are keyed by their own id)",
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    producers: ["ingest", "replay"],
    consumers: ["process"],
    description: "Mentions as the ingestors saw them.",
  },
  engagementRaw: {
    name: "simak.engagement.raw",
    value: "EngagementEvent",
    key: "platform:postId",
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    producers: ["ingest", "replay"],
    consumers: ["sink", "enrich"],
    description: "Engagement count snapshots of posts.",
  },
  mentionsTagged: {
    name: "simak.mentions.tagged",
    value: "TaggedMention",
    key: "platform:id",
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    producers: ["process"],
    consumers: ["sink", "enrich", "aggregate"],
    description: "Validated, normalised, deduplicated mentions with their tags.",
  },
  virality: {
    name: "simak.virality",
    value: "ViralityUpdate",
    key: "platform:postId",
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    producers: ["enrich"],
    consumers: ["sink"],
    description: "Post virality assessments (score, velocity, cascade, viral flag).",
  },
  alerts: {
    name: "simak.alerts",
    value: "Alert",
    key: "alert id",
    partitions: 1,
    retentionMs: 30 * DAY_MS,
    producers: ["alert"],
    consumers: ["sink"],
    description: "Alert rule firings and resolutions, with why they fired.",
  },
  mentionChanges: {
    name: "simak.mentions.changes",
    value: "MentionChange",
    key: "platform:postId (the same key as the post's mention, so a removal follows its post in order)",
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ["ingest"],
    consumers: ["sink"],
    description:
      "Posts the platform reports removed or edited: the sink erases a removed post's text and author from stored mentions, and stores an edit's text.",
  },
  webRaw: {
    name: "simak.web.raw",
    value: "WebTrafficEvent",
    key: "site:id",
    partitions: 3,
    retentionMs: 7 * DAY_MS,
    producers: ["ingest", "replay"],
    consumers: ["sink"],
    description: "Visits, clicks and downloads on agencies' websites, from their web analytics.",
  },
  deadLetter: {
    name: "simak.deadletter",
    value: "DeadLetter",
    key: "source topic:partition:offset",
    partitions: 1,
    retentionMs: 30 * DAY_MS,
    producers: ["process", "enrich", "sink", "replay"],
    consumers: [],
    description: "Inputs a stage could not process, with the reason; the stream goes on without them.",
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicId = keyof typeof TOPICS;

export function postKey(platform: string, postId: string): string {
  return `${platform}:${postId}`;
}
