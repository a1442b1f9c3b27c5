/**
 * `simak report --agency <id> --from <day> --to <day> [--lang id|en] [--zone <tz>] --out <file.pdf|file.html>`:
 * the evaluation report of sinks/report for one agency and period (both days included).
 *
 * Exit status: 0 written; 64 bad input (unknown agency, a date that is not one, the end before the
 * start, a period beyond the retention, an --out that is neither .pdf nor .html), nothing written;
 * 65 written, but the period holds no data (the report says so). Embedded ClickHouse is read
 * through the running process when one runs (like `simak sql`), else its data folder directly.
 */
import { Command, Option } from "commander";
import { loadConfig, type SimakConfig } from "../../runtime/config.js";
import { isTimeZone } from "../../runtime/local-time.js";
import { createStorage, type Storage } from "../../runtime/storage/clickhouse.js";
import { formatPeriod, type Lang, ReportInputError, ReportPrinter, reportPeriod } from "../../sinks/report/index.js";
import {
  agencyZone,
  endpointSql,
  formatOf,
  makeReport,
  resolveAgency,
  type SqlRunner,
  storageSql,
  writeWhole,
} from "../stages/reports.js";
import { queryRunningProcess } from "./sql-endpoint.js";

/** Bad input: nothing was written. */
const EXIT_BAD_INPUT = 64;
/** The report was written and says there is no data. */
const EXIT_NO_DATA = 65;

export class ReportExit extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The running process's /api/sql when one answers (embedded), else the storage opened here. */
async function openSql(config: SimakConfig): Promise<{ sql: SqlRunner; close: () => Promise<void> }> {
  if (!config.clickhouse.url) {
    const post = async (query: string) => {
      const answer = await queryRunningProcess(config, query, "JSONEachRow");
      if (answer === undefined) throw new Error("the running Simak process stopped answering");
      return answer;
    };
    const probe = await queryRunningProcess(config, "SELECT 1 AS ok", "JSONEachRow").catch(() => undefined);
    if (probe !== undefined) return { sql: endpointSql(post, config.clickhouse.database), close: async () => {} };
  }
  const storage: Storage = createStorage(config.clickhouse, config.sql);
  return { sql: storageSql(storage), close: () => storage.close() };
}

interface ReportOptions {
  agency: string;
  from: string;
  to: string;
  lang: Lang;
  zone?: string;
  out: string;
}

async function runReport(config: SimakConfig, options: ReportOptions): Promise<void> {
  const format = formatOf(options.out);
  const period = reportPeriod(options.from, options.to, config.retention.rawDays);
  if (options.zone !== undefined && !isTimeZone(options.zone)) {
    throw new ReportInputError(`--zone ${options.zone}: expected an IANA time zone, e.g. Asia/Jakarta`);
  }
  const { sql, close } = await openSql(config);
  let printer: ReportPrinter | undefined;
  try {
    const agency = await resolveAgency(config, sql, options.agency);
    const zone = options.zone ?? agencyZone(config, agency.id);
    if (format === "pdf") printer = await ReportPrinter.open(config.report.chromiumPath);
    const { report, bytes } = await makeReport(sql, { agency, period, lang: options.lang, zone, format }, printer);
    await writeWhole(options.out, bytes);
    const what = `${agency.name}, ${formatPeriod(period, options.lang)}`;
    if (!report.data.hasData) {
      throw new ReportExit(`no data for ${what}; ${options.out} says so`, EXIT_NO_DATA);
    }
    process.stdout.write(`${options.out}: ${what} (${bytes.length} bytes)\n`);
  } finally {
    await printer?.close();
    await close();
  }
}

/** The command; `config` is read when it runs (tests pass their own). */
export function reportCommand(config: () => SimakConfig = () => loadConfig()): Command {
  return new Command("report")
    .description("the evaluation report of one agency for a period, as PDF or HTML")
    .requiredOption("--agency <id>", "agency id (or name) of the accounts or queries file")
    .requiredOption("--from <day>", "first day of the period, YYYY-MM-DD")
    .requiredOption("--to <day>", "last day of the period (included), YYYY-MM-DD")
    .addOption(new Option("--lang <lang>", "language of the report").choices(["id", "en"]).default("id"))
    .option("--zone <zone>", "time zone of the times shown (default: the agency's, else SIMAK_RESPONSIVENESS_TIMEZONE)")
    .requiredOption("--out <file>", "file.pdf or file.html")
    .action(async (options: ReportOptions) => {
      try {
        await runReport(config(), options);
      } catch (error) {
        if (error instanceof ReportInputError) throw new ReportExit(error.message, EXIT_BAD_INPUT);
        throw error;
      }
    });
}
