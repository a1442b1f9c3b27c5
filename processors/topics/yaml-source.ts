/**
 * A YAML config file read with positions: parse errors and validation problems are reported as
 * `file:line:column: reason`, and a string value can map an offset inside it back to the file
 * (so a query's syntax error points at the character in the file, whatever the scalar style).
 * Used by the query and the account registries.
 */
import { isMap, isScalar, LineCounter, type Node, parseDocument, type Scalar, type YAMLMap } from "yaml";

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
