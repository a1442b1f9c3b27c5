/**
 * From one tagged mention to what the responsiveness tables record:
 *
 * - an item that asks for an answer, once per agency it is addressed to: a reply or comment under
 *   the agency's official post (tags.account: audience_response), a mention of one of its official
 *   handles, or a top post matching one of its monitoring queries (tags.topics) - when the classifier
 *   says the text asks. Shares and news articles ask nobody. Its thread is its root post (its own id when it is the root). It is due after the
 *   configured working time in the agency's zone.
 * - an answer: a reply or comment by an agency's official account; it answers every item addressed
 *   to that agency in the same thread (any depth: the thread is the root post) asked before it.
 *
 * Which answer is the first, and the item's status, are read from the stored rows (migrations 16-17:
 * `responsiveness_queue`), so items and answers may arrive in any order, on any partition.
 */

import type { Mention, TaggedMention } from "../../schemas/types.generated.js";
import type { AccountRegistry } from "../accounts/index.js";
import type { Assessment } from "./classifier.js";
import { addWorkingTime, localDate, localWeek, type WorkingHours } from "./working-hours.js";

/** How an item came to be addressed to the agency. */
export type Addressed = "reply" | "handle" | "query";

export interface AskedItem {
  agency: string;
  platform: Mention["platform"];
  itemId: string;
  threadId: string;
  url: string | null;
  authorHandle: string;
  text: string;
  kind: "question" | "request";
  probability: number;
  addressed: Addressed;
  askedAt: number;
  dueAt: number;
  /** Local day and week (its Monday) of askedAt in the agency's zone, YYYY-MM-DD. */
  askedDay: string;
  askedWeek: string;
  timeZone: string;
}

export interface AnswerItem {
  agency: string;
  platform: Mention["platform"];
  threadId: string;
  answerId: string;
  answeredAt: number;
  account: string;
}

export interface TrackerOptions {
  assess(text: string): Assessment;
  /** The official accounts in force (reloaded with their file); undefined: handles are not looked up. */
  registry(): AccountRegistry | undefined;
  /** Working hours of an agency (its zone included). */
  workingHours(agency: string): WorkingHours;
  /** Working time an agency has to answer, ms. */
  answerWithinMs: number;
}

export interface Tracked {
  asked: AskedItem[];
  answers: AnswerItem[];
}

function isReply(mention: Mention): boolean {
  return mention.kind === "reply" || mention.kind === "comment";
}

/** The agencies an item is addressed to, each with the strongest way it was (reply > handle > query). */
export function addressedAgencies(item: TaggedMention, registry: AccountRegistry | undefined): Map<string, Addressed> {
  const { mention, tags } = item;
  const agencies = new Map<string, Addressed>();
  if (tags.account?.role === "audience_response" && tags.account.agency) agencies.set(tags.account.agency, "reply");
  for (const handle of mention.mentionedHandles) {
    const found = registry?.findOfficial(mention.platform, handle);
    if (found?.kind === "official" && !agencies.has(found.account.agency)) agencies.set(found.account.agency, "handle");
  }
  // A query match is the weakest address: only a post of its own speaks to the agency, not a reply
  // in someone else's thread that happens to name it.
  if (mention.parentId === null) {
    for (const { agency } of tags.topics) if (agency && !agencies.has(agency)) agencies.set(agency, "query");
  }
  return agencies;
}

export function track(item: TaggedMention, options: TrackerOptions): Tracked {
  const { mention, tags } = item;
  const role = tags.account?.role;
  if (role === "official") {
    const threadId = mention.rootId ?? mention.parentId;
    const agency = tags.account?.agency;
    if (!agency || !threadId || !isReply(mention)) return { asked: [], answers: [] };
    return {
      asked: [],
      answers: [
        {
          agency,
          platform: mention.platform,
          threadId,
          answerId: mention.id,
          answeredAt: mention.eventTime,
          account: mention.author.handle,
        },
      ],
    };
  }
  // Shares and quotes pass a post on, news articles report: they ask nobody.
  if (mention.kind === "share" || mention.kind === "article") return { asked: [], answers: [] };
  const agencies = addressedAgencies(item, options.registry());
  if (agencies.size === 0) return { asked: [], answers: [] };
  const assessment = options.assess(mention.text);
  if (!assessment.asks) return { asked: [], answers: [] };
  const kind = assessment.kind === "request" ? "request" : "question";
  const asked = [...agencies].map(([agency, addressed]): AskedItem => {
    const hours = options.workingHours(agency);
    return {
      agency,
      platform: mention.platform,
      itemId: mention.id,
      threadId: mention.rootId ?? mention.id,
      url: mention.url,
      authorHandle: mention.author.handle,
      text: mention.text,
      kind,
      probability: assessment.probability,
      addressed,
      askedAt: mention.eventTime,
      dueAt: addWorkingTime(mention.eventTime, options.answerWithinMs, hours),
      askedDay: localDate(mention.eventTime, hours.timeZone),
      askedWeek: localWeek(mention.eventTime, hours.timeZone),
      timeZone: hours.timeZone,
    };
  });
  return { asked, answers: [] };
}
