/**
 * The monitoring query language: a Brandwatch/Talkwalker-style Boolean syntax parsed into an AST.
 * Grammar, semantics and examples: README.md. Parsing does not depend on slang folding (that is
 * applied when compiling), so one AST serves every fold.
 *
 * Errors are `QuerySyntaxError`s carrying the character offset in the query text; the loader maps
 * it to a line and column of the file the query was written in.
 */
import type { MentionKind, Platform } from "../../schemas/types.generated.js";
import { normaliseText, words } from "./text.js";

export type FieldName = "platform" | "lang" | "kind" | "author";

/** One word of a term or phrase: normalised (case, accents), not folded. */
export interface TermWord {
  text: string;
  /** Written with a trailing `*`: matches any word starting with `text`. */
  prefix: boolean;
}

interface Located {
  /** Offset of the node's first character in the query text. */
  start: number;
  /** Offset just after its last character. */
  end: number;
}

export type QueryNode =
  | (Located & {
      /** A word (one entry) or an "exact phrase"; a bare word that normalises to several words is a phrase too. */
      type: "terms";
      words: TermWord[];
      /** Written in quotes: matched without slang folding. */
      exact: boolean;
    })
  | (Located & { type: "hashtag" | "handle"; value: string; prefix: boolean })
  | (Located & { type: "field"; field: FieldName; value: string; prefix: boolean })
  | (Located & { type: "and"; children: QueryNode[] })
  | (Located & { type: "or"; children: QueryNode[] })
  | (Located & { type: "not"; child: QueryNode })
  | (Located & { type: "near"; left: QueryNode; right: QueryNode; distance: number; ordered: boolean });

export const PLATFORMS: readonly Platform[] = [
  "x",
  "facebook",
  "instagram",
  "youtube",
  "tiktok",
  "news",
  "forum",
  "blog",
  "web",
  "other",
];
const PLATFORM_ALIASES: Readonly<Record<string, Platform>> = { twitter: "x", fb: "facebook", ig: "instagram" };
export const KINDS: readonly MentionKind[] = ["post", "reply", "share", "comment", "article"];
export const FIELDS: readonly FieldName[] = ["author", "kind", "lang", "platform"];
export const MAX_NEAR_DISTANCE = 100;
/** Characters required before a trailing `*`. */
export const MIN_WILDCARD_PREFIX = 2;

/** A query that does not parse; `offset` is where in the query text, `describe` builds the reason. */
export class QuerySyntaxError extends Error {
  constructor(
    readonly offset: number,
    /** The reason, given a function that names a position (other offsets may be referred to, e.g. an opening parenthesis). */
    readonly describe: (at: (offset: number) => string) => string,
    query: string,
  ) {
    const at = (offset: number) => {
      const { line, column } = positionIn(query, offset);
      return `${line}:${column}`;
    };
    super(`${at(offset)}: ${describe(at)}`);
    this.name = "QuerySyntaxError";
  }
}

/** 1-based line and column of an offset in a text. */
export function positionIn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

type Token =
  | { kind: "(" | ")" | "AND" | "OR" | "NOT"; start: number; end: number; raw: string }
  | { kind: "NEAR"; start: number; end: number; raw: string; distance: number; ordered: boolean }
  | { kind: "phrase"; start: number; end: number; raw: string; text: string }
  | { kind: "word"; start: number; end: number; raw: string };

const OPEN_QUOTES = new Set(['"', "\u201C", "\u201D"]);
const CLOSE_QUOTES = OPEN_QUOTES;
const isSpace = (c: string) => /\s/u.test(c);
const isBreak = (c: string) => isSpace(c) || c === "(" || c === ")" || OPEN_QUOTES.has(c);
const NEAR = /^NEAR\/(\d+)(f?)$/;
const WORD_CHARS = /^[\p{L}\p{N}_]+$/u;
const HANDLE_CHARS = /^[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*$/u;
const LANG_CODE = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/;

class Parser {
  private readonly tokens: Token[] = [];
  private index = 0;
  /** Where "end of query" is reported: just after the last non-space character. */
  private readonly endOffset: number;

  constructor(private readonly text: string) {
    this.endOffset = text.trimEnd().length;
    this.lex();
  }

  fail(offset: number, describe: string | ((at: (offset: number) => string) => string)): never {
    throw new QuerySyntaxError(offset, typeof describe === "string" ? () => describe : describe, this.text);
  }

  private lex(): void {
    const { text } = this;
    let i = 0;
    while (i < text.length) {
      const c = text[i] as string;
      if (isSpace(c)) {
        i++;
      } else if (c === "(" || c === ")") {
        this.tokens.push({ kind: c, start: i, end: i + 1, raw: c });
        i++;
      } else if (OPEN_QUOTES.has(c)) {
        let close = i + 1;
        while (close < text.length && !CLOSE_QUOTES.has(text[close] as string)) close++;
        if (close >= text.length) this.fail(i, `unterminated phrase: the quote opened here has no closing '"'`);
        this.tokens.push({
          kind: "phrase",
          start: i,
          end: close + 1,
          raw: text.slice(i, close + 1),
          text: text.slice(i + 1, close),
        });
        i = close + 1;
      } else {
        let end = i;
        while (end < text.length && !isBreak(text[end] as string)) end++;
        const raw = text.slice(i, end);
        if (raw === "AND" || raw === "OR" || raw === "NOT") {
          this.tokens.push({ kind: raw, start: i, end, raw });
        } else if (raw === "NEAR" || raw.startsWith("NEAR/")) {
          const near = NEAR.exec(raw);
          if (!near)
            this.fail(
              i,
              `'${raw}' is not a proximity operator: write NEAR/n or NEAR/nf with a number of words, e.g. NEAR/3`,
            );
          const distance = Number(near[1]);
          if (distance > MAX_NEAR_DISTANCE)
            this.fail(i, `NEAR distance ${distance} is too large (at most ${MAX_NEAR_DISTANCE})`);
          this.tokens.push({ kind: "NEAR", start: i, end, raw, distance, ordered: near[2] === "f" });
        } else {
          this.tokens.push({ kind: "word", start: i, end, raw });
        }
        i = end;
      }
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private describeNext(): string {
    const token = this.peek();
    return token ? `'${token.raw}'` : "end of query";
  }

  private nextOffset(): number {
    return this.peek()?.start ?? this.endOffset;
  }

  private startsTerm(token: Token | undefined): boolean {
    return (
      token !== undefined &&
      (token.kind === "word" || token.kind === "phrase" || token.kind === "(" || token.kind === "NOT")
    );
  }

  parse(): QueryNode {
    if (this.tokens.length === 0) this.fail(0, "query is empty");
    const node = this.parseOr();
    const extra = this.peek();
    if (extra) {
      // parseOr stops only at ')' here: every other token continues an expression.
      this.fail(extra.start, "unexpected ')' with no matching '('");
    }
    return node;
  }

  private expectTermAfter(operator: Token): void {
    const next = this.peek();
    if (this.startsTerm(next)) return;
    this.fail(this.nextOffset(), `expected a term after '${operator.raw}', found ${this.describeNext()}`);
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    for (let token = this.peek(); token?.kind === "OR"; token = this.peek()) {
      this.index++;
      this.expectTermAfter(token);
      children.push(this.parseAnd());
    }
    return group("or", children);
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      const token = this.peek();
      if (token?.kind === "AND") {
        this.index++;
        this.expectTermAfter(token);
      } else if (!this.startsTerm(token)) {
        break;
      }
      // Adjacent terms without an operator: implicit AND.
      children.push(this.parseUnary());
    }
    return group("and", children);
  }

  private parseUnary(): QueryNode {
    const token = this.peek();
    if (token?.kind === "NOT") {
      this.index++;
      this.expectTermAfter(token);
      const child = this.parseUnary();
      return { type: "not", child, start: token.start, end: child.end };
    }
    return this.parseNear();
  }

  private parseNear(): QueryNode {
    let left = this.parsePrimary();
    for (let token = this.peek(); token?.kind === "NEAR"; token = this.peek()) {
      this.index++;
      const next = this.peek();
      if (next?.kind === "NOT") this.fail(next.start, nearOperandReason("NOT"));
      this.expectTermAfter(token);
      const right = this.parsePrimary();
      for (const operand of [left, right]) {
        const found = nonPositional(operand, this.text);
        if (found) this.fail(found.node.start, nearOperandReason(found.what));
      }
      left = {
        type: "near",
        left,
        right,
        distance: token.distance,
        ordered: token.ordered,
        start: left.start,
        end: right.end,
      };
    }
    return left;
  }

  private parsePrimary(): QueryNode {
    const token = this.peek();
    if (!token) this.fail(this.endOffset, "expected a term, found end of query");
    switch (token.kind) {
      case "(": {
        this.index++;
        if (this.peek()?.kind === ")") this.fail(token.start, "empty parentheses '()'");
        if (this.peek() === undefined) this.fail(this.endOffset, "expected a term after '(', found end of query");
        const inner = this.parseOr();
        const close = this.peek();
        if (close?.kind !== ")") {
          this.fail(this.nextOffset(), (at) => `expected ')' to close '(' opened at ${at(token.start)}`);
        }
        this.index++;
        return { ...inner, start: token.start, end: close.end };
      }
      case ")":
        return this.fail(token.start, "unexpected ')' with no matching '('");
      case "phrase":
        this.index++;
        return this.phrase(token);
      case "word":
        this.index++;
        return this.word(token);
      default:
        // AND, OR, NEAR/n (NOT never gets here: parseUnary takes it).
        return this.fail(token.start, `'${token.raw}' needs a term before it`);
    }
  }

  private phrase(token: Token & { kind: "phrase" }): QueryNode {
    const parts: TermWord[] = [];
    let offset = token.start + 1;
    for (const piece of token.text.split(/(\s+)/u)) {
      // Punctuation between the words of a phrase is ignored, as in the text ("antre - bpjs").
      const wordy = /[\p{L}\p{N}*]/u.test(piece);
      if (piece && wordy && !isSpace(piece[0] as string)) parts.push(...this.termWords(piece, offset));
      offset += piece.length;
    }
    if (parts.length === 0) this.fail(token.start, `phrase ${token.raw} has no letters or digits to match`);
    return { type: "terms", words: parts, exact: true, start: token.start, end: token.end };
  }

  private word(token: Token & { kind: "word" }): QueryNode {
    const { raw, start, end } = token;
    const first = raw[0] as string;
    if (first === "#" || first === "@")
      return this.entity(first === "#" ? "hashtag" : "handle", raw.slice(1), start, end);
    const field = /^([A-Za-z]+):(.*)$/su.exec(raw);
    if (field) return this.field(field[1] as string, field[2] as string, start, end);
    if (first === "-" && raw.length > 1 && /[\p{L}\p{N}]/u.test(raw[1] as string)) {
      this.fail(start, `'-' is not an operator here: to exclude a term write NOT ${raw.slice(1)}`);
    }
    return { type: "terms", words: this.termWords(raw, start), exact: false, start, end };
  }

  /** The words of one whitespace-free piece of a term or phrase, with its wildcard checked. */
  private termWords(raw: string, start: number): TermWord[] {
    const star = raw.indexOf("*");
    const prefix = star !== -1;
    if (prefix && star !== raw.length - 1) {
      this.fail(start + star, "wildcard '*' is only allowed at the end of a word");
    }
    const question = /[\p{L}\p{N}]\?[\p{L}\p{N}]/u.exec(raw);
    if (question) {
      this.fail(
        start + question.index + 1,
        "the single-character wildcard '?' is not supported; use '*' at the end of a word",
      );
    }
    const body = prefix ? raw.slice(0, -1) : raw;
    const parts = words(normaliseText(body));
    if (parts.length === 0) {
      this.fail(
        start,
        prefix ? "wildcard '*' needs letters or digits before it" : `'${raw}' has no letters or digits to match`,
      );
    }
    const last = parts[parts.length - 1] as string;
    if (prefix && (!WORD_CHARS.test(body.slice(-1)) || last.length < MIN_WILDCARD_PREFIX)) {
      this.fail(start + star, `wildcard '*' needs at least ${MIN_WILDCARD_PREFIX} letters or digits right before it`);
    }
    return parts.map((text, i) => ({ text, prefix: prefix && i === parts.length - 1 }));
  }

  private entity(type: "hashtag" | "handle", rawValue: string, start: number, end: number): QueryNode {
    const sign = type === "hashtag" ? "#" : "@";
    const prefix = rawValue.endsWith("*");
    const body = normaliseText(prefix ? rawValue.slice(0, -1) : rawValue);
    if (body === "" && !prefix)
      this.fail(
        start,
        `'${sign}' must be followed by a ${type}, e.g. ${sign}${type === "hashtag" ? "BPJSKesehatan" : "KemenkesRI"}`,
      );
    const valid = type === "hashtag" ? WORD_CHARS : HANDLE_CHARS;
    if (!valid.test(body)) {
      const star = rawValue.indexOf("*");
      if (star !== -1 && star !== rawValue.length - 1)
        this.fail(start + 1 + star, "wildcard '*' is only allowed at the end of a word");
      this.fail(
        start,
        `invalid ${type} '${sign}${rawValue}': only letters, digits and '_'${type === "handle" ? " (and '.' between them)" : ""} are allowed`,
      );
    }
    if (prefix && body.length < MIN_WILDCARD_PREFIX) {
      this.fail(end - 1, `wildcard '*' needs at least ${MIN_WILDCARD_PREFIX} letters or digits right before it`);
    }
    return { type, value: body, prefix, start, end };
  }

  private field(name: string, rawValue: string, start: number, end: number): QueryNode {
    const field = name.toLowerCase() as FieldName;
    if (!FIELDS.includes(field))
      this.fail(start, `unknown field '${name}:'; expected one of ${FIELDS.map((f) => `${f}:`).join(", ")}`);
    const valueStart = start + name.length + 1;
    if (rawValue === "") this.fail(valueStart, `field '${field}:' needs a value, e.g. ${fieldExample(field)}`);
    const prefix = rawValue.endsWith("*");
    if (prefix && field !== "author")
      this.fail(valueStart + rawValue.length - 1, `wildcards are not allowed in '${field}:'`);
    let value = normaliseText(prefix ? rawValue.slice(0, -1) : rawValue);
    switch (field) {
      case "platform": {
        const platform = PLATFORM_ALIASES[value] ?? (PLATFORMS as readonly string[]).find((p) => p === value);
        if (!platform) this.fail(valueStart, `unknown platform '${rawValue}'; expected one of ${PLATFORMS.join(", ")}`);
        value = platform;
        break;
      }
      case "kind":
        if (!(KINDS as readonly string[]).includes(value))
          this.fail(valueStart, `unknown kind '${rawValue}'; expected one of ${KINDS.join(", ")}`);
        break;
      case "lang":
        if (!LANG_CODE.test(value))
          this.fail(valueStart, `invalid language code '${rawValue}'; expected a BCP 47 code such as id, en or jv`);
        break;
      case "author":
        value = value.replace(/^@/, "");
        if (!HANDLE_CHARS.test(value))
          this.fail(valueStart, `invalid author '${rawValue}': expected a handle or an account id`);
        if (prefix && value.length < MIN_WILDCARD_PREFIX) {
          this.fail(end - 1, `wildcard '*' needs at least ${MIN_WILDCARD_PREFIX} letters or digits right before it`);
        }
        break;
    }
    return { type: "field", field, value, prefix, start, end };
  }
}

function fieldExample(field: FieldName): string {
  return { platform: "platform:x", lang: "lang:id", kind: "kind:reply", author: "author:KemenkesRI" }[field];
}

function group(type: "and" | "or", children: QueryNode[]): QueryNode {
  if (children.length === 1) return children[0] as QueryNode;
  // Flatten nested groups of the same operator: (a AND b) AND c == a AND b AND c.
  const flat = children.flatMap((child) =>
    (child.type === "and" || child.type === "or") && child.type === type ? child.children : [child],
  );
  return {
    type,
    children: flat,
    start: (children[0] as QueryNode).start,
    end: (children[children.length - 1] as QueryNode).end,
  };
}

function nearOperandReason(found: string): string {
  return `NEAR operands must be words, phrases or wildcards, or an OR of them; found ${found}`;
}

/**
 * NEAR needs word positions: words, phrases, wildcards, ORs of them and nested NEARs have them.
 * Returns the first node without positions and what it is, or null.
 */
function nonPositional(node: QueryNode, text: string): { node: QueryNode; what: string } | null {
  switch (node.type) {
    case "terms":
    case "near":
      return null;
    case "or":
      for (const child of node.children) {
        const found = nonPositional(child, text);
        if (found) return found;
      }
      return null;
    case "hashtag":
      return {
        node,
        what: `the hashtag '${text.slice(node.start, node.end)}' (hashtags have no position in the text)`,
      };
    case "handle":
      return { node, what: `the handle '${text.slice(node.start, node.end)}' (handles have no position in the text)` };
    case "field":
      return { node, what: `the field filter '${node.field}:'` };
    case "and":
      return { node, what: "an AND group" };
    case "not":
      return { node, what: "NOT" };
  }
}

/** Parses one query; throws QuerySyntaxError. */
export function parseQuery(text: string): QueryNode {
  return new Parser(text).parse();
}
