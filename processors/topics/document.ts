/**
 * A mention prepared once for matching: its words in order (normalised, and folded), word ->
 * positions indexes, and the hashtags, handles, author, platform, kind and language the field
 * filters look at. Every query evaluated on the mention reads this; nothing is re-tokenised.
 */
import type { Mention } from "../../schemas/types.generated.js";
import { type Fold, matchableText, normaliseText, textEntities, words } from "./text.js";

export interface PreparedMention {
  /** Words of the text (URLs removed), case- and accent-normalised, in order. */
  readonly tokens: readonly string[];
  /** `tokens` through the fold (slang folded), same positions. */
  readonly folded: readonly string[];
  /** Normalised word -> ascending positions. */
  readonly tokenPositions: ReadonlyMap<string, readonly number[]>;
  /** Folded word -> ascending positions. */
  readonly foldedPositions: ReadonlyMap<string, readonly number[]>;
  /** The mention's hashtags plus those written in the text, normalised, without "#". */
  readonly hashtags: ReadonlySet<string>;
  /** The handles it mentions (field and text), normalised, without "@". */
  readonly handles: ReadonlySet<string>;
  /** The author's handle and id, normalised. */
  readonly authors: readonly string[];
  readonly platform: string;
  readonly kind: string;
  /** The language code and its primary subtag ("id-id" -> ["id-id", "id"]); empty when unknown. */
  readonly langs: readonly string[];
  /** Positions of words starting with a prefix, filled on first use by wildcard queries. */
  readonly prefixCache: Map<string, readonly number[]>;
}

const EMPTY: readonly number[] = [];

function positionsOf(words: readonly string[]): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const list = positions.get(word);
    if (list) list.push(i);
    else positions.set(word, [i]);
  }
  return positions;
}

export function prepareMention(mention: Mention, fold: Fold): PreparedMention {
  const text = matchableText(mention.text);
  const tokens = words(text);
  const folded = tokens.map((token) => fold(token) || token);
  const entities = textEntities(text);
  const hashtags = new Set(entities.hashtags);
  for (const tag of mention.hashtags) hashtags.add(normaliseText(tag.replace(/^#+/, "")));
  const handles = new Set(entities.handles);
  for (const handle of mention.mentionedHandles) handles.add(normaliseText(handle.replace(/^@+/, "")));
  const lang = mention.lang === null ? "" : normaliseText(mention.lang.trim()).replace(/_/g, "-");
  const primary = lang.split("-")[0] as string;
  return {
    tokens,
    folded,
    tokenPositions: positionsOf(tokens),
    foldedPositions: positionsOf(folded),
    hashtags,
    handles,
    authors: [normaliseText(mention.author.handle.replace(/^@+/, "")), normaliseText(mention.author.id)],
    platform: mention.platform,
    kind: mention.kind,
    langs: lang === "" ? [] : primary === lang ? [lang] : [lang, primary],
    prefixCache: new Map(),
  };
}

/** Ascending positions of the words that start with `prefix` (normalised, not folded). */
export function prefixPositions(doc: PreparedMention, prefix: string): readonly number[] {
  const cached = doc.prefixCache.get(prefix);
  if (cached) return cached;
  let found: number[] | null = null;
  let sorted = true;
  for (const [word, positions] of doc.tokenPositions) {
    if (!word.startsWith(prefix)) continue;
    if (found === null) {
      found = positions.slice();
    } else {
      found.push(...positions);
      sorted = false;
    }
  }
  const result = found === null ? EMPTY : sorted ? found : found.sort((a, b) => a - b);
  doc.prefixCache.set(prefix, result);
  return result;
}
