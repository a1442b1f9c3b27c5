/**
 * What a copy-paste campaign's copies have in common once a buzzer's noise is gone: the words.
 * Links, @mentions, hashtags, emoji and punctuation go, slang and elongations fold the way the
 * sentiment model reads them (processors/sentiment's normalisation), and the words are shingled
 * into overlapping word pairs for MinHash (minhash.ts).
 */
import { normalise } from "../sentiment/text.js";

/** A plain retweet's prefix: its text is the original's, not its author's. */
const RETWEET_PREFIX = /^RT @[\p{L}\p{N}_.]+:\s*/u;
const HASHTAG = /#[\p{L}\p{N}_]+/gu;
const WORD = /^[\p{L}\p{N}]/u;

/**
 * Fewer words than this (after dropping links, mentions, hashtags and emoji) and two texts being
 * equal says nothing: "mantap", "setuju bgt", a bare link or a row of hashtags are written alike
 * by thousands of people who never met. Such texts take part in amplification only.
 */
export const MIN_COPY_WORDS = 5;

export function isPlainRetweet(text: string): boolean {
  return RETWEET_PREFIX.test(text);
}

/** The words of a text that copies share, normalised; empty for a plain retweet. */
export function copyWords(text: string): string[] {
  if (isPlainRetweet(text)) return [];
  return normalise(text.replace(HASHTAG, " ")).tokens.filter((token) => WORD.test(token));
}
