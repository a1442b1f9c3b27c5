import { tierOf } from "../../../processors/influence/index.js";
import { untagged } from "../../../processors/tagger.js";
import type { SentimentLabel, TaggedMention, TopicMatch } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";

export const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
export const MIN = 60_000;

export interface TaggedSpec {
  id: string;
  at: number;
  author?: string;
  followers?: number;
  platform?: "x" | "instagram";
  likes?: number;
  shares?: number;
  replies?: number;
  views?: number;
  /** The author's influence score (0-100); the tier follows from the followers. */
  influence?: number;
  sentiment?: [SentimentLabel, number];
  topics?: TopicMatch[];
  /** The place tag's province and regency codes. */
  place?: [string, string | null];
  /** The author's audience segment (technographics), with confidence 0.8. */
  segment?: string;
}

/** A tagged mention at `at` (epoch ms) by `author`, with the given sentiment and matched queries. */
export function tagged(spec: TaggedSpec): TaggedMention {
  const mention = postWith({
    id: spec.id,
    platform: spec.platform ?? "x",
    eventTime: spec.at,
    author: {
      id: spec.author ?? "a1",
      handle: spec.author ?? "a1",
      name: null,
      followers: spec.followers ?? 10,
      verified: false,
      location: null,
    },
    engagement: {
      likes: spec.likes ?? 0,
      shares: spec.shares ?? 0,
      replies: spec.replies ?? 0,
      views: spec.views ?? 0,
      clicks: 0,
    },
  });
  const tags = untagged();
  tags.topics = spec.topics ?? [];
  if (spec.sentiment) {
    const [label, score] = spec.sentiment;
    tags.sentiment = { label, score, confidence: 1, language: "id", modelVersion: "test" };
  }
  if (spec.place) {
    const [provinceCode, regencyCode] = spec.place;
    tags.place = { provinceCode, regencyCode, name: regencyCode ?? provinceCode, confidence: 0.9, source: "text" };
  }
  if (spec.influence !== undefined) {
    tags.influence = { score: spec.influence, tier: tierOf(mention.author.followers) };
  }
  if (spec.segment) tags.segment = { name: spec.segment, confidence: 0.8 };
  return { mention, tags, processedTime: spec.at };
}
