/**
 * Words of a text as the place matcher needs them: lower case, with what the context says about
 * each (written with a capital, first of a sentence, part of a hashtag). Links and @handles are
 * skipped: "jakarta.go.id" and "@pemkot_bandung" name an account or a site, not where something
 * happens. One pass over the text.
 */

export interface Token {
  /** Lower case letters and digits. */
  word: string;
  /** Written with a capital first letter and a lower case second ("Malang", not "MALANG" or "malang"). */
  capital: boolean;
  /** First word of the text or of a sentence (after . ! ? or a line break). */
  sentenceStart: boolean;
  /** Right after a '#'. */
  hashtag: boolean;
}

const OTHER_WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Character tests take the code unit and read the character only beyond ASCII: `text[i]` of a
 * two-byte string (any text with an emoji) allocates a string per character.
 */
function isWordChar(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  return OTHER_WORD_CHAR.test(text[i] as string);
}

function isUpper(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 128) return code >= 65 && code <= 90;
  const char = text[i] as string;
  return char !== char.toLowerCase();
}

const AT = 64;
const HASH = 35;
const LOWER_H = 104;
const LOWER_W = 119;
/** . ! ? and line feed end a sentence. */
const SENTENCE_ENDS = new Set([46, 33, 63, 10]);
/** Space, tab, line feed, carriage return: where a link or handle ends. */
const LINK_ENDS = new Set([32, 9, 10, 13]);

/** Index after the link or @handle starting at `i` (up to the next white space), or `i` if none starts there. */
function skipLinkOrHandle(text: string, i: number): number {
  const code = text.charCodeAt(i);
  // Only "@", "h" (http) and "w" (www) can start one: the common case costs one comparison.
  if (code !== AT && code !== LOWER_H && code !== LOWER_W) return i;
  const starts =
    code === AT || text.startsWith("http://", i) || text.startsWith("https://", i) || text.startsWith("www.", i);
  if (!starts) return i;
  let end = i + 1;
  while (end < text.length && !LINK_ENDS.has(text.charCodeAt(end))) end++;
  return end;
}

export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  let sentenceStart = true;
  let i = 0;
  while (i < text.length) {
    const skipped = skipLinkOrHandle(text, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (!isWordChar(text, i)) {
      if (SENTENCE_ENDS.has(text.charCodeAt(i))) sentenceStart = true;
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isWordChar(text, i)) i++;
    tokens.push({
      word: text.slice(start, i).toLowerCase(),
      capital: i - start > 1 && isUpper(text, start) && !isUpper(text, start + 1),
      sentenceStart,
      hashtag: start > 0 && text.charCodeAt(start - 1) === HASH,
    });
    sentenceStart = false;
  }
  return tokens;
}
