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

function isWordChar(code: number, char: string): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  return OTHER_WORD_CHAR.test(char);
}

/** Index after the link or @handle starting at `i` (up to the next white space), or `i` if none starts there. */
function skipLinkOrHandle(text: string, i: number): number {
  const startsLink = text.startsWith("http://", i) || text.startsWith("https://", i) || text.startsWith("www.", i);
  if (!startsLink && text[i] !== "@") return i;
  let end = i + 1;
  while (end < text.length && !/\s/.test(text[end] as string)) end++;
  return end;
}

function isUpper(char: string): boolean {
  return char !== char.toLowerCase();
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
    const code = text.charCodeAt(i);
    const char = text[i] as string;
    if (!isWordChar(code, char)) {
      if (char === "." || char === "!" || char === "?" || char === "\n") sentenceStart = true;
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isWordChar(text.charCodeAt(i), text[i] as string)) i++;
    const raw = text.slice(start, i);
    const second = raw[1];
    tokens.push({
      word: raw.toLowerCase(),
      capital: isUpper(raw[0] as string) && second !== undefined && !isUpper(second),
      sentenceStart,
      hashtag: start > 0 && text[start - 1] === "#",
    });
    sentenceStart = false;
  }
  return tokens;
}
