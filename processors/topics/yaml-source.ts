/**
 * A YAML config file read with positions: parse errors and validation problems are reported as
 * `file:line:column: reason`, and a string value can map an offset inside it back to the file
 * (so a query's syntax error points at the character in the file, whatever the scalar style).
 * Used by the query and the account registries, the alert rules and the sources file.
 */
import { isCollection, isMap, isScalar, LineCounter, type Node, parseDocument, type Scalar, type YAMLMap } from "yaml";
import type { z } from "zod";

export interface SourceIssue {
  file: string;
  line: number;
  column: number;
  reason: string;
}

export function formatSourceIssue(issue: SourceIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.reason}`;
}

export class YamlSource {
  readonly lineCounter = new LineCounter();
  readonly issues: SourceIssue[] = [];
  /** The document's root, or null when the YAML itself does not parse (see `issues`). */
  readonly root: Node | null;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    const doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    for (const error of doc.errors)
      this.issues.push(this.issueAtOffset(error.pos[0], `invalid YAML: ${firstLine(error.message)}`));
    this.root = doc.errors.length > 0 ? null : (doc.contents as Node | null);
  }

  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    // Before the first newline LineCounter may answer line 0.
    return line === 0 ? { line: 1, column: offset + 1 } : { line, column: col };
  }

  issueAtOffset(offset: number, reason: string): SourceIssue {
    return { file: this.file, ...this.position(offset), reason };
  }

  /** Records a problem at a node (at the start of the file when the node has no range). */
  report(node: Node | null | undefined, reason: string): void {
    this.issues.push(this.issueAtOffset(node?.range?.[0] ?? 0, reason));
  }

  /** The node as a map, or null after reporting `expected` at it. */
  expectMap(node: Node | null | undefined, what: string): YAMLMap<Scalar, Node | null> | null {
    if (isMap(node)) return node as YAMLMap<Scalar, Node | null>;
    this.report(node, `${what} must be a mapping (key: value lines)`);
    return null;
  }

  /** The node's string value, or null after reporting it. */
  expectString(node: Node | null | undefined, what: string, keyNode?: Node | null): string | null {
    if (isScalar(node) && typeof node.value === "string") return node.value;
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
      this.report(keyNode ?? node, `${what} is missing or empty`);
    } else {
      this.report(node, `${what} must be a string`);
    }
    return null;
  }

  /**
   * Maps offsets in a string scalar's value to offsets in the file. Plain, quoted and block
   * scalars differ from their value (quotes, escapes, folded lines, indentation); value characters
   * are aligned greedily with the source characters, whitespace matching any whitespace.
   */
  valueOffsets(node: Scalar): (offset: number) => number {
    const value = String(node.value);
    const [start, end] = node.range ?? [0, 0];
    let p = start;
    if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") p++;
    if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
      const newline = this.text.indexOf("\n", p);
      p = newline === -1 ? end : newline + 1;
    }
    const map = new Array<number>(value.length + 1);
    for (let i = 0; i < value.length; i++) {
      const c = value[i] as string;
      const space = /\s/.test(c);
      let q = p;
      while (q < end && this.text[q] !== c && !(space && /\s/.test(this.text[q] as string))) q++;
      if (q >= end) {
        map[i] = Math.min(p, end);
        continue;
      }
      map[i] = q;
      p = q + 1;
    }
    map[value.length] = Math.min(p, end);
    return (offset) => map[Math.max(0, Math.min(offset, value.length))] as number;
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0] as string;
}

export type YamlPath = readonly PropertyKey[];

/** The deepest node of `path` that exists (the root when none does), with its key when in a mapping. */
function walk(root: Node, path: YamlPath): { node: Node; keyNode: Node | null } {
  let node = root;
  let keyNode: Node | null = null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = (node as YAMLMap<Scalar, Node | null>).items.find((item) => String(item.key?.value) === String(key));
      if (!pair?.value) break;
      node = pair.value;
      keyNode = pair.key;
    } else {
      const item = isCollection(node) ? (node.get(key, true) as Node | undefined) : undefined;
      if (item === undefined || item === null) break;
      node = item;
      keyNode = null;
    }
  }
  return { node, keyNode };
}

/** Where a problem at `path` is reported: a mapping or list by its key (its range starts at its first entry). */
function nodeAt(root: Node, path: YamlPath): Node {
  const { node, keyNode } = walk(root, path);
  return isCollection(node) && keyNode !== null ? keyNode : node;
}

/** The key node of `key` in the map at `path`: where an unknown key is reported. */
export function keyNodeAt(root: Node, path: YamlPath, key: string): Node {
  const map = walk(root, path).node;
  if (isMap(map)) {
    const pair = (map as YAMLMap<Scalar, Node>).items.find((item) => String(item.key?.value) === key);
    if (pair?.key) return pair.key;
  }
  return map;
}

/** Reports problems at a path of a YAML document: a zod failure, or a reason, at the node the path names. */
export class YamlReporter {
  constructor(
    private readonly source: YamlSource,
    private readonly root: Node,
  ) {}

  at(path: YamlPath, reason: string): void {
    this.source.report(nodeAt(this.root, path), reason);
  }

  /** Reports a zod failure of the value at `base`, prefixed with what the value is (`rule 'x'`). */
  zod(base: YamlPath, what: string, error: z.ZodError): void {
    for (const issue of error.issues) {
      const field = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys)
          this.source.report(
            keyNodeAt(this.root, [...base, ...issue.path], key),
            `${what}: ${field}unknown key '${key}'`,
          );
        continue;
      }
      this.at([...base, ...issue.path], `${what}: ${field}${issue.message}`);
    }
  }
}
