/**
 * What a tagged mention or an engagement snapshot tells about authors, as AuthorSignals keyed by
 * the author they are about. Pure: signals whose author is the author of another post (a reply's
 * or share's parent, a snapshot's post) come back as `awaiting` that post, for the plumbing to
 * resolve through the post -> author map (which may have to wait for the post to arrive).
 */
import { postKey } from "../../schemas/topics.js";
import type { AuthorSignal, EngagementEvent, TaggedMention } from "../../schemas/types.generated.js";
import { authorKey, handleKey, mentionedAccounts } from "../influence/index.js";

/** A signal about the author of `post` (`postKey`), who is not known from the signal's source. */
export interface AwaitingSignal {
  post: string;
  /** The signal with an empty authorKey. */
  signal: AuthorSignal;
}

export interface RoutedSignals {
  signals: AuthorSignal[];
  awaiting: AwaitingSignal[];
}

const EMPTY = { authored: null, engagement: null, amplified: null } as const;

/**
 * A mention gives: `authored` to its author; `amplified` to each account it names
 * (`mentionedAccounts`, keyed by handle: the @handle is all the mention knows), and, for a share,
 * reply or comment, `amplified` awaiting its parent's author.
 */
export function routeMention({ mention, tags }: TaggedMention): RoutedSignals {
  const { platform } = mention;
  const from = authorKey(platform, mention.author.id);
  const at = mention.eventTime;
  const amplified = {
    ...EMPTY,
    kind: "amplified",
    at,
    amplified: { by: from, byFollowers: mention.author.followers, itemId: mention.id },
  } as const;
  const signals: AuthorSignal[] = [
    {
      ...EMPTY,
      authorKey: from,
      kind: "authored",
      at,
      authored: {
        id: mention.id,
        platform,
        kind: mention.kind,
        parentId: mention.parentId,
        rootId: mention.rootId,
        followers: mention.author.followers,
        ingestTime: mention.ingestTime,
        likes: mention.engagement.likes,
        shares: mention.engagement.shares,
        replies: mention.engagement.replies,
        sentiment: tags.sentiment?.label ?? null,
      },
    },
    ...mentionedAccounts(mention).map((handle) => ({ ...amplified, authorKey: handleKey(platform, handle) })),
  ];
  const awaiting: AwaitingSignal[] = [];
  if (mention.parentId !== null && mention.kind !== "post" && mention.kind !== "article") {
    awaiting.push({ post: postKey(platform, mention.parentId), signal: { ...amplified, authorKey: "" } });
  }
  return { signals, awaiting };
}

/** A snapshot gives `engagement` awaiting its post's author. */
export function routeSnapshot(snapshot: EngagementEvent): AwaitingSignal {
  return {
    post: postKey(snapshot.platform, snapshot.postId),
    signal: {
      ...EMPTY,
      authorKey: "",
      kind: "engagement",
      at: snapshot.eventTime,
      engagement: {
        postId: snapshot.postId,
        likes: snapshot.likes,
        shares: snapshot.shares,
        replies: snapshot.replies,
      },
    },
  };
}
