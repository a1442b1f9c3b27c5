/**
 * The terms of a post an issue can be made of: content words (unigrams), pairs of adjacent content
 * words (bigrams) and hashtags, each once per post. Words come from processors/sentiment's
 * normalisation (URLs and @mentions dropped, elongations and slang folded, hashtags split into
 * words), so "antriannya lamaaa bgt" and "antrean lama banget" give the same terms. Stop words,
 * punctuation, emoji, numbers, laughter and words of fewer than 3 letters are not terms and break
 * bigrams (a bigram is two content words written next to each other).
 */
import { normalise } from "../sentiment/text.js";
import { STOP_WORDS } from "./stopwords.js";

/** At most this many terms are kept per post (the first ones): a 64 KiB text gives no more. */
export const MAX_TERMS_PER_POST = 64;
const CONTENT_WORD = /^\p{L}[\p{L}\p{N}-]*$/u;
const HASHTAG = /^[\p{L}\p{N}_]{2,}$/u;

function isContentWord(token: string): boolean {
  return token.length >= 3 && token !== "haha" && CONTENT_WORD.test(token) && !STOP_WORDS.has(token);
}

/**
 * The distinct terms of a post: hashtags as "#tag" (lower case), then unigrams and bigrams
 * ("kenaikan iuran") in text order. Pure; linear in the text's length.
 */
export function postTerms(text: string, hashtags: readonly string[] = []): string[] {
  const terms = new Set<string>();
  for (const tag of hashtags) {
    const body = tag.replace(/^#+/, "").toLowerCase();
    if (HASHTAG.test(body)) terms.add(`#${body}`);
  }
  const { tokens } = normalise(text);
  let previous: string | null = null;
  for (const token of tokens) {
    if (terms.size >= MAX_TERMS_PER_POST) break;
    if (!isContentWord(token)) {
      previous = null;
      continue;
    }
    terms.add(token);
    if (previous !== null && previous !== token) terms.add(`${previous} ${token}`);
    previous = token;
  }
  return [...terms].slice(0, MAX_TERMS_PER_POST);
}
