/**
 * An in-memory stand-in for the virality plumbing: a map of post states; root mentions create
 * them, engagement events are snapshots, shares / replies / comments are cascade members of their
 * rootId's state, with the depth from the parent chain and `isNew` from a member set (as Redis
 * SADD would answer). Every event that touches a post is followed by an assessment at the time
 * the pipeline sees the event (a mention's ingestTime, a snapshot's eventTime).
 */
import {
  type AssessOptions,
  applyCascade,
  applyRoot,
  applySnapshot,
  assessVirality,
  emptyPostState,
  newPostState,
  type PostVirality,
  type ViralityAssessment,
} from "../../../processors/virality/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import type { Mention } from "../../../schemas/types.generated.js";

export interface Assessed {
  key: string;
  now: number;
  assessment: ViralityAssessment;
}

export class ViralityDriver {
  readonly states = new Map<string, PostVirality>();
  /** Depth of every item seen (0 for a root), keyed platform:id. */
  private readonly depths = new Map<string, number>();
  /** Cascade member ids per root, the SADD set. */
  private readonly members = new Map<string, Set<string>>();

  constructor(
    private readonly onAssessed: (assessed: Assessed) => void = () => {},
    private readonly options: AssessOptions = {},
  ) {}

  handle(event: SourceEvent): void {
    if (event.type === "mention") this.mention(event.mention);
    else if (event.type === "engagement") {
      const e = event.engagement;
      const key = `${e.platform}:${e.postId}`;
      const state = this.states.get(key) ?? emptyPostState(e.platform, e.postId);
      this.states.set(key, applySnapshot(state, e));
      this.assess(key, e.eventTime);
    }
  }

  mention(m: Mention): void {
    const itemKey = `${m.platform}:${m.id}`;
    if (m.rootId === null) {
      const existing = this.states.get(itemKey);
      this.states.set(itemKey, existing ? applyRoot(existing, m) : newPostState(m));
      this.depths.set(itemKey, 0);
      this.assess(itemKey, m.ingestTime);
      return;
    }
    const rootKey = `${m.platform}:${m.rootId}`;
    const parentDepth =
      m.parentId === null ? 0 : (this.depths.get(`${m.platform}:${m.parentId}`) ?? (m.parentId === m.rootId ? 0 : 1));
    const depth = parentDepth + 1;
    this.depths.set(itemKey, depth);
    let members = this.members.get(rootKey);
    if (members === undefined) {
      members = new Set();
      this.members.set(rootKey, members);
    }
    const isNew = !members.has(m.id);
    members.add(m.id);
    const state = this.states.get(rootKey) ?? emptyPostState(m.platform, m.rootId);
    this.states.set(
      rootKey,
      applyCascade(state, { itemId: m.id, depth, at: m.eventTime, authorFollowers: m.author.followers, isNew }),
    );
    this.assess(rootKey, m.ingestTime);
  }

  private assess(key: string, now: number): void {
    const state = this.states.get(key) as PostVirality;
    this.onAssessed({ key, now, assessment: assessVirality(state, now, this.options) });
  }
}
