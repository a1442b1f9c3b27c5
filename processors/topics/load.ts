/**
 * The query file (YAML): queries grouped by agency, plus `general` queries that no agency owns.
 *
 *   agencies:
 *     kemenkes:                                   # agency id, reported as TopicMatch.agency
 *       vaksin: (vaksin* OR imunisasi) AND (kemenkes OR menkes)   # id "kemenkes/vaksin"
 *       antrean-rs:                               # or with details
 *         query: '"rumah sakit" NEAR/5 antre*'
 *         description: Keluhan antrean rumah sakit
 *         enabled: true
 *   general:
 *     judi-online: '"judi online" OR judol OR #BerantasJudol'      # id "judi-online", agency null
 *
 * Every problem (YAML, structure, query syntax) is reported with the file, line and column.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, type Node, type Scalar } from "yaml";
import {
  type CompileOptions,
  compileQueries,
  QueryConfigError,
  type QueryDefinition,
  type QueryIssue,
  type QuerySet,
} from "./compile.js";
import { YamlSource } from "./yaml-source.js";

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const TOP_KEYS = ["agencies", "general"];
const QUERY_KEYS = ["query", "description", "enabled"];

function sourceIssues(source: YamlSource): QueryIssue[] {
  return source.issues.map((issue) => ({ ...issue, queryId: null }));
}

/** Reads the query definitions of a file's text; throws QueryConfigError on YAML or structure problems. */
export function parseQueryFile(text: string, file: string): QueryDefinition[] {
  const source = new YamlSource(file, text);
  const definitions = readDefinitions(source);
  if (source.issues.length > 0) throw new QueryConfigError(sourceIssues(source));
  return definitions;
}

function readDefinitions(source: YamlSource): QueryDefinition[] {
  const definitions: QueryDefinition[] = [];
  if (source.issues.length > 0) return definitions;
  if (source.root === null || (isScalar(source.root) && source.root.value === null)) {
    source.report(null, "the file defines no queries (expected 'agencies:' and/or 'general:')");
    return definitions;
  }
  const root = source.expectMap(source.root, "the file");
  if (!root) return definitions;
  for (const pair of root.items) {
    const key = String(pair.key?.value);
    if (!TOP_KEYS.includes(key)) {
      source.report(pair.key, `unknown key '${key}'; expected ${TOP_KEYS.map((k) => `'${k}'`).join(" or ")}`);
      continue;
    }
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
    if (key === "general") {
      readQueries(source, pair.value, null, definitions);
      continue;
    }
    const agencies = source.expectMap(pair.value, "'agencies'");
    if (!agencies) continue;
    for (const agencyPair of agencies.items) {
      const agency = String(agencyPair.key?.value);
      if (!ID.test(agency)) {
        source.report(agencyPair.key, `invalid agency id '${agency}': use letters, digits, '-', '_' and '.'`);
        continue;
      }
      if (agencyPair.value === null || (isScalar(agencyPair.value) && agencyPair.value.value === null)) {
        source.report(agencyPair.key, `agency '${agency}' has no queries`);
        continue;
      }
      readQueries(source, agencyPair.value, agency, definitions);
    }
  }
  return definitions;
}

function readQueries(source: YamlSource, node: Node, agency: string | null, into: QueryDefinition[]): void {
  const queries = source.expectMap(node, agency === null ? "'general'" : `the queries of '${agency}'`);
  if (!queries) return;
  for (const pair of queries.items) {
    const key = String(pair.key?.value);
    if (!ID.test(key)) {
      source.report(pair.key, `invalid query id '${key}': use letters, digits, '-', '_' and '.'`);
      continue;
    }
    const id = agency === null ? key : `${agency}/${key}`;
    let queryNode: Node | null = pair.value;
    let description: string | undefined;
    if (isMap(pair.value)) {
      const details = pair.value as typeof queries;
      queryNode = null;
      let enabled = true;
      let valid = true;
      for (const detail of details.items) {
        const name = String(detail.key?.value);
        if (!QUERY_KEYS.includes(name)) {
          source.report(detail.key, `unknown key '${name}' in query '${id}'; expected one of ${QUERY_KEYS.join(", ")}`);
          valid = false;
        } else if (name === "query") {
          queryNode = detail.value ?? detail.key;
        } else if (name === "description") {
          const text = source.expectString(detail.value, `the description of '${id}'`, detail.key);
          if (text === null) valid = false;
          else description = text;
        } else if (isScalar(detail.value) && typeof detail.value.value === "boolean") {
          enabled = detail.value.value;
        } else {
          source.report(detail.value ?? detail.key, `'enabled' of '${id}' must be true or false`);
          valid = false;
        }
      }
      if (queryNode === null) {
        source.report(pair.key, `query '${id}' has no 'query:'`);
        continue;
      }
      if (!valid || !enabled) continue;
    }
    const text = source.expectString(queryNode, `query '${id}'`, pair.key);
    if (text === null) continue;
    const swallowed = swallowedHashtag(source, queryNode as Scalar);
    if (swallowed !== null) {
      source.issues.push(
        source.issueAtOffset(
          swallowed.offset,
          `'${swallowed.text}' is read as a YAML comment, not as part of query '${id}': quote the whole query ('...') or write it as a block (>-)`,
        ),
      );
      continue;
    }
    const offsets = source.valueOffsets(queryNode as Scalar);
    into.push({
      id,
      agency,
      query: text,
      ...(description === undefined ? {} : { description }),
      origin: { file: source.file, position: (offset) => source.position(offsets(offset)) },
    });
  }
}

/**
 * An unquoted query followed on its line by " #Tag": YAML takes that for a comment, silently
 * cutting the hashtag (and everything after it) from the query.
 */
function swallowedHashtag(source: YamlSource, node: Scalar): { offset: number; text: string } | null {
  if (node.type !== "PLAIN" || !node.range) return null;
  const end = node.range[1];
  const lineEnd = source.text.indexOf("\n", end);
  const rest = source.text.slice(end, lineEnd === -1 ? undefined : lineEnd);
  const match = /^(\s+)(#[\p{L}\p{N}_]+)/u.exec(rest);
  return match ? { offset: end + (match[1] as string).length, text: match[2] as string } : null;
}

/**
 * Parses and compiles a query file's text. Throws QueryConfigError with every problem, in file
 * order: YAML and structure problems, then each query that does not compile.
 */
export function compileQueryFile(text: string, file: string, options: CompileOptions = {}): QuerySet {
  const source = new YamlSource(file, text);
  const definitions = readDefinitions(source);
  const issues = sourceIssues(source);
  try {
    const set = compileQueries(definitions, options);
    if (issues.length === 0) return set;
  } catch (error) {
    if (!(error instanceof QueryConfigError)) throw error;
    issues.push(...error.issues);
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new QueryConfigError(issues);
}

/** Reads and compiles a query file. Throws QueryConfigError, or the read error (e.g. ENOENT). */
export async function loadQueryFile(path: string, options: CompileOptions = {}): Promise<QuerySet> {
  return compileQueryFile(await readFile(path, "utf8"), path, options);
}
