/**
 * Where virality state lives in the state store. The enrich stage writes it; the process stage's
 * virality tagger reads it. `prefix` isolates deployments sharing one store (the topic prefix).
 */
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
