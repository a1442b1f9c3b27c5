/**
 * What an analyst's query (`simak sql`, POST /api/sql) may be, decided by ClickHouse's own parser
 * on the engine that will run it (chdb or a server), never by keyword patterns:
 * 1. `formatQuerySingleLine('<query>')` parses the text as data: a syntax error or a second
 *    statement is refused, and what comes back is the one statement in canonical form. That form
 *    is what is checked and what runs, so the check and the run cannot read the text differently.
 * 2. `EXPLAIN AST <canonical>` (parsed, never executed) gives the tree, walked here:
 *    - the statement is a SELECT (WITH ... SELECT, UNION, INTERSECT), SHOW, DESCRIBE, EXISTS or
 *      an EXPLAIN of one of those;
 *    - no SETTINGS anywhere (a Set node): nothing may loosen the limits set before readonly;
 *    - no INTO OUTFILE (a string literal hanging off the statement itself), which clickhouse-local
 *      writes on the client side, outside readonly;
 *    - no function that reaches the host's files, processes or network (HOST_FUNCTIONS).
 * 3. `<canonical> FORMAT Null` must parse (formatQuery again): the parser takes one FORMAT clause,
 *    so it fails exactly when the statement carries its own. The format comes from the request,
 *    checked against OUTPUT_FORMATS.
 * docs/security.md explains what else holds a query in (readonly, the limits).
 */

/** An analyst's query refused before it ran; the message says why. */
export class RefusedQuery extends Error {
  readonly code = "SQL_REFUSED";
}

/** Output formats `simak sql` and /api/sql render: text for people and data formats for tools. */
export const OUTPUT_FORMATS = new Set([
  "PrettyCompactMonoBlock",
  "PrettyCompact",
  "Pretty",
  "PrettySpace",
  "Vertical",
  "Markdown",
  "TabSeparated",
  "TabSeparatedWithNames",
  "TSV",
  "TSVWithNames",
  "TSVRaw",
  "CSV",
  "CSVWithNames",
  "JSON",
  "JSONCompact",
  "JSONEachRow",
  "JSONCompactEachRow",
  "Values",
  "Parquet",
  "Arrow",
]);

export function checkFormat(format: string): string {
  if (!/^[A-Za-z0-9]+$/.test(format) || !OUTPUT_FORMATS.has(format)) {
    throw new RefusedQuery(`unknown output format ${JSON.stringify(format)}; one of ${[...OUTPUT_FORMATS].join(", ")}`);
  }
  return format;
}

/**
 * Table and scalar functions that read or write outside the database: local files, programs,
 * other servers and object stores. Compared in lower case (ClickHouse accepts `FILE()` too), by
 * exact name or by prefix (every `s3...`, `remote...`, `iceberg...` variant, the `...Cluster` ones).
 */
const HOST_FUNCTIONS = [
  "file",
  "filecluster",
  "url",
  "urlcluster",
  "input",
  "executable",
  "executablepool",
  "catboostevaluate",
  "jdbc",
  "odbc",
  "mysql",
  "postgresql",
  "mongodb",
  "redis",
  "sqlite",
  "hive",
  "deltalake",
  "hudi",
  "ytsaurus",
  "arrowflight",
  "prometheusquery",
];
const HOST_FUNCTION_PREFIXES = [
  "s3",
  "gcs",
  "oss",
  "cos",
  "hdfs",
  "azureblobstorage",
  "remote",
  "cluster",
  "iceberg",
  "deltalake",
  "hudi",
  "paimon",
  "mysql",
  "postgresql",
];

function reachesHost(name: string): boolean {
  const lower = name.toLowerCase();
  return HOST_FUNCTIONS.includes(lower) || HOST_FUNCTION_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** Root nodes of the statements an analyst may run (EXPLAIN AST names them so). */
const ALLOWED_STATEMENTS = /^(SelectWithUnionQuery|Show\w*|Describe\w*|Exists\w*)$/;

interface AstNode {
  label: string;
  children: AstNode[];
}

/** The indented lines of `EXPLAIN AST` as a tree (one space per level). */
export function parseAstDump(dump: string): AstNode[] {
  const roots: AstNode[] = [];
  const path: AstNode[] = [];
  for (const line of dump.split("\n")) {
    if (line.trim() === "") continue;
    const depth = line.length - line.trimStart().length;
    const node = { label: line.trim(), children: [] };
    path.length = depth;
    const parent = path[depth - 1];
    if (parent) parent.children.push(node);
    else roots.push(node);
    path[depth] = node;
  }
  return roots;
}

const kindOf = (node: AstNode) => node.label.split(" ")[0] as string;

/** Why the statement whose `EXPLAIN AST` is `dump` may not run, or undefined when it may. */
export function refusalOf(dump: string): string | undefined {
  const roots = parseAstDump(dump);
  if (roots.length !== 1) return "exactly one statement, please";
  const root = roots[0] as AstNode;
  let statement = root;
  if (kindOf(root) === "Explain") {
    // EXPLAIN's own options (`EXPLAIN indexes = 1 ...`) are a Set directly under it; they are not query settings.
    const explained = statement.children.filter((child) => kindOf(child) !== "Set");
    if (explained.length !== 1) return "EXPLAIN of one statement, please";
    statement = explained[0] as AstNode;
  }
  if (!ALLOWED_STATEMENTS.test(kindOf(statement))) {
    return `only SELECT, WITH, SHOW, DESCRIBE, EXISTS and EXPLAIN are allowed, not ${statement.label.replace(/ \(children \d+\)$/, "")}`;
  }
  // The output file is the one string literal that hangs off a statement node itself.
  if ([root, statement].some((node) => node.children.some((child) => kindOf(child) === "Literal"))) {
    return "INTO OUTFILE is not allowed";
  }
  const explainOptions = statement === root ? [] : root.children.filter((child) => kindOf(child) === "Set");
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop() as AstNode;
    const kind = kindOf(node);
    if (kind === "Set" && !explainOptions.includes(node)) {
      return "SETTINGS are not allowed (the limits of analyst queries are fixed)";
    }
    if (kind === "Function") {
      const name = node.label.split(" ")[1] ?? "";
      if (reachesHost(name)) return `function ${name} is not allowed: it reaches files, programs or other servers`;
    }
    pending.push(...node.children);
  }
  return undefined;
}

/** A ClickHouse string literal: backslash and quote escaped, everything else as is. */
export function sqlString(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Runs a statement on the reader and returns its output as text (TabSeparatedRaw). */
export type RunText = (statement: string) => Promise<string>;

/**
 * The analyst's query in canonical form when it may run; throws RefusedQuery saying why otherwise.
 * Every statement run here only parses (formatQuery, EXPLAIN AST); the reader's readonly and its
 * limits apply to them too, so a SETTINGS clause that changes a value is refused by the engine first.
 */
export async function guardAnalystQuery(run: RunText, query: string): Promise<string> {
  const canonicalOf = (text: string) => run(`SELECT formatQuerySingleLine(${sqlString(text)})`);
  let canonical: string;
  try {
    canonical = (await canonicalOf(query)).trim();
  } catch (error) {
    throw new RefusedQuery(`not one valid statement: ${firstLine(error)}`);
  }
  // The parser takes one FORMAT clause: a second one parses only when the statement has none.
  const formatFree = await canonicalOf(`${canonical} FORMAT Null`).then(
    () => true,
    () => false,
  );
  const formatInQuery = new RefusedQuery("FORMAT in the query is not allowed: give the format as the format parameter");
  const dump = await run(`EXPLAIN AST ${canonical}`).catch((error) => {
    // chdb cannot explain a statement that carries its own FORMAT.
    throw formatFree ? new RefusedQuery(firstLine(error)) : formatInQuery;
  });
  const refusal = refusalOf(dump);
  if (refusal) throw new RefusedQuery(refusal);
  if (!formatFree) throw formatInQuery;
  return canonical;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0] as string;
}
