/**
 * The accounts tagger: classifies the author of every mention in a batch (official, audience
 * response, impersonation suspect, other) and hands each classification to `onClassified`, since
 * TaggedMention has no field for it yet. It remembers the official posts it sees (platform and id
 * -> author, in an LRU) so that replies and comments to them arriving later, in this batch or a
 * later one, are recognised as audience responses; for parents it has not seen (other process
 * instances, before a restart, older than the LRU) it asks `lookupAuthor`.
 */
import type { Platform, TaggedMention } from "../../schemas/types.generated.js";
import type { Tagger } from "../tagger.js";
import {
  type AccountClassification,
  type AuthorLookup,
  type AuthorRef,
  assessImpersonation,
  classifyAccount,
  type ImpersonationAssessment,
} from "./classify.js";
import { Lru } from "./lru.js";
import { AccountRegistry } from "./registry.js";

export interface AccountsTaggerOptions {
  /** Receives every mention's classification, in batch order. */
  onClassified: (item: TaggedMention, classification: AccountClassification) => void;
  /** Authors of posts the tagger has not seen itself (e.g. a shared store of recent posts). */
  lookupAuthor?: AuthorLookup;
  /** Impersonation threshold, default 0.6. */
  threshold?: number;
  /** Official posts remembered for their replies. Default 100 000. */
  recentOfficialPosts?: number;
  /** Identity assessments cached (authors post many times). Default 50 000. */
  identityCacheSize?: number;
}

export interface AccountsTagger extends Tagger {
  /** Records a post's author, e.g. official posts known from elsewhere (only official ones matter). */
  remember(platform: Platform, postId: string, author: AuthorRef): void;
  /** How many official posts are remembered now. */
  readonly remembered: number;
}

const postKey = (platform: string, id: string) => `${platform}:${id}`;

export function accountsTagger(
  registry: AccountRegistry | { current(): AccountRegistry },
  options: AccountsTaggerOptions,
): AccountsTagger {
  const current = registry instanceof AccountRegistry ? () => registry : () => registry.current();
  const recent = new Lru<string, AuthorRef>(options.recentOfficialPosts ?? 100_000);
  const identities = new Lru<string, ImpersonationAssessment | null>(options.identityCacheSize ?? 50_000);
  let cachedFor: AccountRegistry | null = null;

  const lookupAuthor: AuthorLookup = (platform, postId) =>
    recent.get(postKey(platform, postId)) ?? options.lookupAuthor?.(platform, postId);
  const assess: typeof assessImpersonation = (platform, handle, name, reg) => {
    const key = `${platform}\u0000${handle}\u0000${name ?? ""}`;
    const cached = identities.get(key);
    if (cached !== undefined) return cached;
    const result = assessImpersonation(platform, handle, name, reg);
    identities.set(key, result);
    return result;
  };

  return {
    name: "accounts",
    get remembered() {
      return recent.size;
    },
    remember(platform, postId, author) {
      recent.set(postKey(platform, postId), author);
    },
    tag(batch) {
      const reg = current();
      if (reg !== cachedFor) {
        // A reloaded registry changes what resembles what.
        identities.clear();
        cachedFor = reg;
      }
      for (const item of batch) {
        const { mention } = item;
        const classification = classifyAccount(mention, reg, { lookupAuthor, threshold: options.threshold, assess });
        if (classification.role === "official") {
          recent.set(postKey(mention.platform, mention.id), { handle: mention.author.handle, id: mention.author.id });
        }
        options.onClassified(item, classification);
      }
    },
  };
}
