/**
 * Making evaluation reports (sinks/report) in the pipeline's terms: which agencies exist (the
 * accounts file, the queries file, the data), the queries run on a Storage or through a running
 * process's /api/sql, the zone of an agency, and the file written. Used by `simak report` and by
 * the scheduled reports of the alert stage (report-schedule.ts).
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { loadAccountFile } from "../../processors/accounts/index.js";
import { parseQueryFile } from "../../processors/topics/index.js";
import type { SimakConfig } from "../../runtime/config.js";
import { ANALYST_QUERIES, type AnalystQueryName } from "../../runtime/storage/analyst-queries.js";
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import {
  type BuiltReport,
  buildReport,
  type Lang,
  type Period,
  printReport,
  type QueryRunner,
  ReportInputError,
  type ReportPrinter,
} from "../../sinks/report/index.js";

/** Runs SQL with `{name:Type}` parameters and returns its rows. */
export type SqlRunner = (query: string, params: Record<string, string>) => Promise<Record<string, unknown>[]>;

export function storageSql(storage: Storage): SqlRunner {
  return (query, params) => queryRows(storage, query, params, { inDatabase: true });
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The parameters written into the query as literals, for an endpoint that takes SQL text only
 * (/api/sql): strings quoted and escaped, dates checked to be YYYY-MM-DD.
 */
export function inlineParams(query: string, params: Record<string, string>): string {
  return query.replace(/\{(\w+):(String|Date)\}/g, (whole, name: string, type: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for the query parameter ${whole}`);
    if (type === "Date") {
      if (!DAY.test(value)) throw new Error(`${name} is not a date: ${value}`);
      return `toDate('${value}')`;
    }
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  });
}

/** SQL sent to a running process's /api/sql (a function posting it, sql-endpoint.ts), rows from JSONEachRow. */
export function endpointSql(post: (query: string) => Promise<string>, database: string): SqlRunner {
  return async (query, params) => {
    const text = await post(inlineParams(query.replaceAll("simak.", `\`${database}\`.`), params));
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
}

export function analystRunner(sql: SqlRunner): QueryRunner {
  return (name: AnalystQueryName, params) => sql(ANALYST_QUERIES[name], { ...params });
}

/** Whether anything about `agency` was ever stored: rollups, questions, site traffic or alerts. */
const AGENCY_IN_DATA = `SELECT count() AS found FROM (
  (SELECT 1 FROM simak.mention_windows_1d WHERE scope_kind = 'agency' AND scope = {agency:String} LIMIT 1)
  UNION ALL (SELECT 1 FROM simak.responsiveness_items WHERE agency = {agency:String} LIMIT 1)
  UNION ALL (SELECT 1 FROM simak.web_events WHERE agency = {agency:String} LIMIT 1)
  UNION ALL (SELECT 1 FROM simak.alerts WHERE agency = {agency:String} LIMIT 1))`;

export interface AgencyRef {
  id: string;
  name: string;
}

/** The agencies the accounts and queries files name, by id, with their names where the accounts file has one. */
async function agenciesOfFiles(config: SimakConfig): Promise<Map<string, string>> {
  const agencies = new Map<string, string>();
  const registry = await loadAccountFile(config.process.accountsFile).catch(() => undefined);
  for (const agency of registry?.agencies ?? []) agencies.set(agency.id, agency.name);
  const queries = await readFile(config.process.queriesFile, "utf8")
    .then((text) => parseQueryFile(text, config.process.queriesFile))
    .catch(() => []);
  for (const query of queries)
    if (query.agency && !agencies.has(query.agency)) agencies.set(query.agency, query.agency);
  return agencies;
}

/**
 * The agency `text` names: an id or a name of the accounts or queries file (any case), or an id
 * found in the data. Unknown: a ReportInputError listing the known ids.
 */
export async function resolveAgency(config: SimakConfig, sql: SqlRunner, text: string): Promise<AgencyRef> {
  const files = await agenciesOfFiles(config);
  const byId = files.get(text);
  if (byId) return { id: text, name: byId };
  let rows: Record<string, unknown>[];
  try {
    rows = await sql(AGENCY_IN_DATA, { agency: text });
  } catch (error) {
    throw new ReportInputError(
      `cannot read Simak's data to look the agency up (${(error as Error).message.split("\n")[0]}); run simak migrate or simak start first`,
    );
  }
  // An id the data holds comes before a name of the files: the report reads the data by id.
  if (Number(rows[0]?.found ?? 0) > 0) return { id: text, name: text };
  const lower = text.toLowerCase();
  for (const [id, name] of files) if (id.toLowerCase() === lower || name.toLowerCase() === lower) return { id, name };
  const known = [...files.keys()].sort();
  throw new ReportInputError(
    `unknown agency "${text}": not in ${config.process.accountsFile} or ${config.process.queriesFile}, and nothing stored about it${
      known.length ? `; known agencies: ${known.join(", ")}` : ""
    }`,
  );
}

/** The agency's zone: its own in `responsiveness.agencyTimezones`, else `responsiveness.timezone`. */
export function agencyZone(config: SimakConfig, agency: string): string {
  return config.responsiveness.agencyTimezones[agency] ?? config.responsiveness.timezone;
}

export type ReportFormat = "pdf" | "html";

export function formatOf(file: string): ReportFormat {
  if (/\.pdf$/i.test(file)) return "pdf";
  if (/\.html?$/i.test(file)) return "html";
  throw new ReportInputError(`--out ${file}: expected a file ending in .pdf or .html`);
}

export interface MadeReport {
  report: BuiltReport;
  bytes: Buffer;
}

/** The report of `agency` over `period` in `format` (a printer is needed for PDF). */
export async function makeReport(
  sql: SqlRunner,
  request: { agency: AgencyRef; period: Period; lang: Lang; zone: string; format: ReportFormat },
  printer?: ReportPrinter,
): Promise<MadeReport> {
  const report = await buildReport(analystRunner(sql), {
    agency: request.agency.id,
    agencyName: request.agency.name,
    period: request.period,
    lang: request.lang,
    zone: request.zone,
  });
  if (request.format === "html") return { report, bytes: Buffer.from(report.html) };
  if (!printer) throw new Error("a PDF needs a printer");
  return { report, bytes: await printReport(printer, report, request.lang) };
}

/** Writes `bytes` to `file` whole or not at all (a temporary file renamed), never a half-written PDF. */
export async function writeWhole(file: string, bytes: Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, file);
}
