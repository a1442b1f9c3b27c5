/**
 * One author's enrichment state: influence (processors/influence) and behaviour for the audience
 * segment (processors/segments), kept together so one read and one atomic write per author cover
 * both. Plain JSON; updates return a new state.
 */
import type { AuthorSignal } from "../../schemas/types.generated.js";
import {
  applyAmplification,
  applyAuthored,
  applyEngagement,
  type InfluenceState,
  newAuthorState,
} from "../influence/index.js";
import { applyMention, type Behaviour, newBehaviour } from "../segments/index.js";

export interface AuthorState {
  v: 1;
  influence: InfluenceState;
  behaviour: Behaviour;
}

export function emptyAuthor(authorKey: string): AuthorState {
  return { v: 1, influence: newAuthorState(authorKey), behaviour: newBehaviour() };
}

/**
 * The id under which a signal is recorded as applied (null: applying it twice changes nothing by
 * itself, as a snapshot replaces the previous one).
 */
export function appliedItemId(signal: AuthorSignal): string | null {
  if (signal.authored) return `m:${signal.authored.id}`;
  if (signal.amplified) return `a:${signal.amplified.itemId}`;
  return null;
}

/** Applies one signal; `isNew` is false when its appliedItemId was already applied. */
export function applyAuthorSignal(state: AuthorState, signal: AuthorSignal, isNew: boolean): AuthorState {
  if (signal.authored) {
    const { likes, shares, replies, followers, sentiment, ...item } = signal.authored;
    const mention = { ...item, eventTime: signal.at, author: { followers }, engagement: { likes, shares, replies } };
    return {
      ...state,
      influence: applyAuthored(state.influence, mention, isNew),
      behaviour: applyMention(state.behaviour, mention, sentiment, isNew),
    };
  }
  if (signal.engagement) {
    const { postId, likes, shares, replies } = signal.engagement;
    return {
      ...state,
      influence: applyEngagement(state.influence, postId, { likes, shares, replies, eventTime: signal.at }),
    };
  }
  if (signal.amplified) {
    const { by, byFollowers, itemId } = signal.amplified;
    return {
      ...state,
      influence: applyAmplification(state.influence, { by, byFollowers, itemId, at: signal.at }, isNew),
    };
  }
  return state;
}
