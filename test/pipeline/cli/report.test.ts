/**
 * `simak report` as a head of humas runs it, on the seed of docs/analysts.md: a PDF for an agency
 * and period, the report that says there is no data, and bad input refused with a message and
 * status 64, nothing written. The command runs in this process on the seeded data folder (or
 * database): a `simak` process takes 10-15 s to start on a loaded CI machine. pipeline/cli/main.ts
 * prints the message and exits with the command's status.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportExit, reportCommand } from "../../../pipeline/cli/report.js";
import { endpointSql, inlineParams, makeReport, storageSql } from "../../../pipeline/stages/reports.js";
import { loadConfig } from "../../../runtime/config.js";
import type { Storage } from "../../../runtime/storage/clickhouse.js";
import { formatPeriod, reportPeriod } from "../../../sinks/report/index.js";
import { A, BPJS, closeSeeded, DAY, date, seededStorage, WEEK } from "../../fixtures/analytics.js";
import { tempDir } from "../../support/services.js";

const OUT = join("test-artifacts", "report-cli");
const FROM = date(A - 3 * WEEK);
const TO = date(A + WEEK - DAY);

describe("simak report", () => {
  let storage: Storage;
  let env: Record<string, string>;

  beforeAll(async () => {
    const dataDir = tempDir("report-cli");
    storage = await seededStorage("report-cli", dataDir);
    env = {
      // No process answers on port 1: the command opens the data folder (or the server) itself.
      SIMAK_HTTP_PORT: "1",
      SIMAK_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: storage.database,
      ...(process.env.CLICKHOUSE_URL ? { CLICKHOUSE_URL: process.env.CLICKHOUSE_URL } : {}),
    };
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(() => closeSeeded(storage));

  /** Runs the command here; its exit status (0, or the ReportExit's) and message. */
  const run = async (...args: string[]): Promise<{ status: number; message: string }> => {
    try {
      await reportCommand(() => loadConfig(env)).parseAsync(args, { from: "user" });
      return { status: 0, message: "" };
    } catch (error) {
      if (error instanceof ReportExit) return { status: error.exitCode, message: error.message };
      throw error;
    }
  };
  const pdfText = (file: string) => execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });

  it("writes the PDF of an agency's period: agency, period and the measures' values", async () => {
    const out = join(OUT, "bpjs.pdf");
    expect(await run("--agency", BPJS, "--from", FROM, "--to", TO, "--out", out)).toEqual({ status: 0, message: "" });
    const text = pdfText(out);
    expect(text).toContain(BPJS);
    expect(text).toContain(`Periode: ${formatPeriod(reportPeriod(FROM, TO, 90), "id")}`);
    // reach-month, frequency-month, influence-month, conversation-month, sustainability-month (docs test values).
    for (const value of ["226.700", "56", "61", "75", "-4,9", "4,92%", "75%"]) expect(text).toContain(value);
  });

  it("writes an English HTML report on request", async () => {
    const out = join(OUT, "bpjs.html");
    expect(await run("--agency", BPJS, "--from", FROM, "--to", TO, "--lang", "en", "--out", out)).toEqual({
      status: 0,
      message: "",
    });
    const html = readFileSync(out, "utf8");
    expect(html).toContain("Social Media Evaluation Report");
    expect(html).toContain(formatPeriod(reportPeriod(FROM, TO, 90), "en"));
    expect(html).toContain('data-field="distinct_author_reach" data-period="current" data-value="226700">226,700<');
  });

  it("reads the same numbers through a running process's /api/sql (parameters written in, the analysts' guard)", async () => {
    expect(inlineParams("a = {agency:String} AND d >= {from:Date}", { agency: "x'\\", from: "2026-11-01" })).toBe(
      "a = 'x\\'\\\\' AND d >= toDate('2026-11-01')",
    );
    const request = {
      agency: { id: BPJS, name: BPJS },
      period: reportPeriod(FROM, TO, 90),
      lang: "id" as const,
      zone: "Asia/Jakarta",
      format: "html" as const,
    };
    const figures = (html: string) =>
      [...html.matchAll(/data-query="[^"]*" data-field="[^"]*"[^>]*data-value="[^"]*"/g)].map(String);
    const direct = await makeReport(storageSql(storage), request);
    // Storage.queryText is what /api/sql runs: the guard, read-only, the limits.
    const guarded = await makeReport(
      endpointSql((query) => storage.queryText(query, "JSONEachRow"), storage.database),
      request,
    );
    expect(figures(guarded.report.html)).toEqual(figures(direct.report.html));
    expect(figures(direct.report.html).length).toBeGreaterThan(80);
  });

  it("says plainly when the period holds no data, with status 65", async () => {
    const out = join(OUT, "empty.pdf");
    const from = date(A - 8 * WEEK);
    const result = await run("--agency", BPJS, "--from", from, "--to", date(A - 7 * WEEK), "--out", out);
    expect(result.status).toBe(65);
    expect(result.message).toContain(`no data for ${BPJS}`);
    expect(pdfText(out).replace(/\s+/g, " ")).toContain("Tidak ada data untuk instansi ini pada periode tersebut");
  });

  it.each([
    [["--agency", "bpjs-palsu"], 'unknown agency "bpjs-palsu"'],
    [["--agency", BPJS, "--from", TO, "--to", FROM], "before it starts"],
    [["--agency", BPJS, "--from", "2020-01-01", "--to", "2020-01-31"], "before the oldest day Simak still holds"],
    [["--agency", BPJS, "--from", "2026-02-30"], '--from "2026-02-30" is not a date'],
    [["--agency", BPJS, "--out", join(OUT, "bad.docx")], "expected a file ending in .pdf or .html"],
  ])("refuses %j with status 64 and writes nothing", async (args, message) => {
    const defaults = { "--from": FROM, "--to": TO, "--out": join(OUT, "refused.pdf") };
    const given = new Map<string, string>(Object.entries(defaults));
    for (let i = 0; i < args.length; i += 2) given.set(args[i] as string, args[i + 1] as string);
    const result = await run(...[...given].flat());
    expect(result.status).toBe(64);
    expect(result.message).toContain(message);
    expect(existsSync(join(OUT, "refused.pdf"))).toBe(false);
  });
});
