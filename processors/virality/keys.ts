/**
 * Where virality state lives in the state store. The enrich stage writes it; the process stage's
 * virality tagger reads it. `prefix` isolates deployments sharing one store (the topic prefix).
 */
/**
 * How long a root's state, its cascade members and their depths stay after their last write. Nothing
 * in a state moves once its hour of engagement history and of cascade arrivals has passed
 * (docs/virality.md, TTLs), so a quiet post is let go after a few hours; a reply or snapshot after
 * that starts it afresh. Days of it would hold every cascade item of every post (issue 12).
 */
export const VIRALITY_TTL_SECONDS = 6 * 3600;

export function viralityKeys(prefix: string) {
  const ns = `${prefix}simak:virality:`;
  return {
    /** The root post's PostVirality JSON; `postKey` is `platform:postId`. */
    post: (postKey: string) => `${ns}post:${postKey}`,
    /** The set of cascade member ids the root's state already counts. */
    members: (postKey: string) => `${ns}members:${postKey}`,
    /** A cascade item's depth below its root. */
    depth: (platform: string, itemId: string) => `${ns}depth:${platform}:${itemId}`,
  };
}
