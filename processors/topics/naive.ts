/**
 * The reference semantics: a query's resolved AST interpreted directly on a prepared mention, by
 * linear scans of its word arrays, with no index and no precomputed lookups. Written separately
 * from the compiled matcher on purpose: tests check that both agree, and the benchmark uses it as
 * the baseline (every query evaluated on every mention).
 */
import type { Resolved, ResolvedWord } from "./compile.js";
import type { PreparedMention } from "./document.js";

function wordMatches(word: ResolvedWord, doc: PreparedMention, position: number): boolean {
  switch (word.mode) {
    case "folded":
      return doc.folded[position] === word.value;
    case "exact":
      return doc.tokens[position] === word.value;
    case "prefix":
      return (doc.tokens[position] ?? "").startsWith(word.value);
  }
}

function some(values: Iterable<string>, test: (value: string) => boolean): boolean {
  for (const value of values) if (test(value)) return true;
  return false;
}

/** Every [start, end] (inclusive word positions) where a positional node matches. */
export function naiveSpans(node: Resolved, doc: PreparedMention): Array<[number, number]> {
  switch (node.type) {
    case "seq": {
      const spans: Array<[number, number]> = [];
      const length = node.words.length;
      for (let start = 0; start + length <= doc.tokens.length; start++) {
        if (node.words.every((word, i) => wordMatches(word, doc, start + i))) spans.push([start, start + length - 1]);
      }
      return spans;
    }
    case "or":
      return node.children.flatMap((child) => naiveSpans(child, doc));
    case "near": {
      const spans: Array<[number, number]> = [];
      for (const [aStart, aEnd] of naiveSpans(node.left, doc)) {
        for (const [bStart, bEnd] of naiveSpans(node.right, doc)) {
          const gap = bStart > aEnd ? bStart - aEnd - 1 : aStart > bEnd && !node.ordered ? aStart - bEnd - 1 : -1;
          if (gap >= 0 && gap <= node.distance) spans.push([Math.min(aStart, bStart), Math.max(aEnd, bEnd)]);
        }
      }
      return spans;
    }
    default:
      throw new Error(`no word positions for a '${node.type}' node`);
  }
}

export function naiveEvaluate(node: Resolved, doc: PreparedMention): boolean {
  switch (node.type) {
    case "seq":
    case "near":
      return naiveSpans(node, doc).length > 0;
    case "set": {
      const matches = (candidate: string) =>
        node.prefix ? candidate.startsWith(node.value) : candidate === node.value;
      switch (node.field) {
        case "hashtag":
          return some(doc.hashtags, matches);
        case "handle":
          return some(doc.handles, matches);
        case "author":
          return doc.authors.some(matches);
        case "platform":
          return doc.platform === node.value;
        case "kind":
          return doc.kind === node.value;
        case "lang":
          return doc.langs.includes(node.value);
      }
      return false;
    }
    case "and":
      return node.children.every((child) => naiveEvaluate(child, doc));
    case "or":
      return node.children.some((child) => naiveEvaluate(child, doc));
    case "not":
      return !naiveEvaluate(node.child, doc);
  }
}
