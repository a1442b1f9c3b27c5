/**
 * The evaluation report on the seed of docs/analysts.md (test/fixtures/analytics.ts): every number
 * it shows, found through its data-* attributes, equals what the page's own ```sql block of that
 * name gives for the period (or the period before), read from docs/analysts.md here; and the shown
 * text is that value formatted. Then its PDF: agency, period and the five measures in pdftotext's
 * text, every page rendered to PNG under test-artifacts/report/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../../../runtime/storage/clickhouse.js";
import { figureOf } from "../../../sinks/report/data.js";
import {
  buildReport,
  formatFigure,
  formatPeriod,
  type Period,
  printReport,
  ReportPrinter,
  reportPeriod,
  storageRunner,
} from "../../../sinks/report/index.js";
import { A, BPJS, closeSeeded, DAY, date, seededStorage, WEEK } from "../../fixtures/analytics.js";

/** The fixture's four weeks: --from A-3W --to the Sunday after A. */
const PERIOD: Period = reportPeriod(date(A - 3 * WEEK), date(A + WEEK - DAY), 90);
const PREVIOUS = { from: date(A - 7 * WEEK), to: date(A - 3 * WEEK) };
const ARTIFACTS = join("test-artifacts", "report");

function docBlocks(): Map<string, string> {
  const page = readFileSync(new URL("../../../docs/analysts.md", import.meta.url), "utf8");
  const blocks = new Map<string, string>();
  for (const [, body] of page.matchAll(/```sql\n([\s\S]*?)```/g)) {
    const name = /^-- ([\w-]+)\n/.exec(body as string)?.[1];
    if (name) blocks.set(name, body as string);
  }
  return blocks;
}

interface Shown {
  query: string;
  field: string;
  row?: number;
  where?: string;
  period: string;
  value: string;
  text: string;
}

function figuresOf(html: string): Shown[] {
  return [...html.matchAll(/<span class="fig" ([^>]*)>([^<]*)<\/span>/g)].map(([, attributes, text]) => {
    const attr = (name: string) => new RegExp(`data-${name}="([^"]*)"`).exec(attributes as string)?.[1];
    const row = attr("row");
    return {
      query: attr("query") as string,
      field: (attr("field") as string).replaceAll("&quot;", '"'),
      ...(row === undefined ? {} : { row: Number(row) }),
      ...(attr("where") ? { where: attr("where") } : {}),
      period: attr("period") as string,
      value: attr("value") as string,
      text: (text as string).replaceAll("&amp;", "&"),
    };
  });
}

describe("simak report's numbers", () => {
  let storage: Storage;
  const blocks = docBlocks();

  beforeAll(async () => {
    storage = await seededStorage("report");
  });
  afterAll(() => closeSeeded(storage));

  /** The docs block `name` run on the seed for [from, to), once per block and period. */
  const ran = new Map<string, Promise<Record<string, unknown>[]>>();
  const docRows = (name: string, from: string, to: string) => {
    const key = `${name} ${from} ${to}`;
    if (!ran.has(key)) ran.set(key, runBlock(name, from, to));
    return ran.get(key) as Promise<Record<string, unknown>[]>;
  };
  const runBlock = async (name: string, from: string, to: string) => {
    const block = blocks.get(name);
    if (!block) throw new Error(`docs/analysts.md has no block ${name}`);
    const result = await storage.client.query({
      query: block.replaceAll("simak.", `\`${storage.database}\`.`),
      query_params: { agency: BPJS, from, to },
      format: "JSONEachRow",
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return result.json<Record<string, unknown>>();
  };

  it("shows each number as docs/analysts.md's SQL gives it, for the period and the one before", async () => {
    const { html, data } = await buildReport(storageRunner(storage), {
      agency: BPJS,
      agencyName: BPJS,
      period: PERIOD,
      lang: "id",
      zone: "Asia/Jakarta",
    });
    expect(data.hasData).toBe(true);
    const shown = figuresOf(html);
    // Every query of the report shows at least one number.
    expect(new Set(shown.map((s) => s.query))).toEqual(
      new Set([
        "reach-month",
        "frequency-month",
        "web-traffic-month",
        "influence-month",
        "conversation-month",
        "sustainability-month",
        "responsiveness-month",
        "persepsi-direction-end",
        "sentiment-by-platform",
        "top-posts-period",
        "top-voices-period",
        "segments-period",
        "alerts-period",
      ]),
    );
    for (const figure of shown) {
      const [from, to] = figure.period === "previous" ? [PREVIOUS.from, PREVIOUS.to] : [PERIOD.from, PERIOD.end];
      let rows = await docRows(figure.query, from, to);
      if (figure.where) {
        const [column, value] = figure.where.split("=") as [string, string];
        rows = rows.filter((row) => String(row[column]) === value);
      }
      const expected =
        figure.row === undefined ? figureOf(rows, figure.field) : figureOf([rows[figure.row] ?? {}], figure.field);
      const where = `${figure.query} ${figure.field} row ${figure.row ?? "-"} (${figure.period})`;
      expect(figure.value, where).toBe(expected === null ? "" : String(expected));
    }
    // A few by hand (docs test: 56 distinct authors, 226 700 reach, net sentiment -4.9, 3 of 5 answered).
    const value = (query: string, field: string) =>
      shown.find((s) => s.query === query && s.field === field && s.period === "current" && s.row === undefined)?.text;
    expect(value("reach-month", "distinct_authors")).toBe("56");
    expect(value("reach-month", "distinct_author_reach")).toBe("226.700");
    expect(value("conversation-month", "net_sentiment_index")).toBe("-4,9");
    expect(value("responsiveness-month", "answer_rate")).toBe("75%");
    expect(value("responsiveness-month", "median_seconds_to_answer")).toBe("2 jam 0 menit");
    expect(value("alerts-period", "count(acknowledged_at)")).toBe("1");
    // The text shown is the value formatted; the previous period (weeks before the seed) holds nothing.
    expect(shown.filter((s) => s.period === "previous" && s.value !== "" && s.value !== "0")).toEqual([]);
    expect(html).toContain("rina");
    expect(html).toContain("<svg");
  });

  it("prints a PDF whose text holds the agency, the period and the five measures, and renders its pages", async () => {
    const { html, data } = await buildReport(storageRunner(storage), {
      agency: BPJS,
      agencyName: BPJS,
      period: PERIOD,
      lang: "id",
      zone: "Asia/Jakarta",
    });
    const printer = await ReportPrinter.open("/usr/bin/chromium");
    let pdf: Buffer;
    try {
      pdf = await printReport(printer, { html, data }, "id");
    } finally {
      await printer.close();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, "bpjs-kesehatan.pdf");
    writeFileSync(file, pdf);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    const pages = text.split("\f").filter((page) => page.trim() !== "");
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const period = formatPeriod(PERIOD, "id");
    pages.forEach((page, i) => {
      // Header and footer on every page.
      expect(page).toContain(BPJS);
      expect(page).toContain(period);
      expect(page).toContain(`Halaman ${i + 1} dari ${pages.length}`);
    });
    for (const measure of [
      "Jangkauan",
      "Frekuensi dan lalu-lintas",
      "Pengaruh",
      "Percakapan dan keberhasilan",
      "Keberlanjutan",
    ]) {
      expect(text).toContain(measure);
    }
    for (const indicator of Object.values(data.measures).flat()) {
      expect(text).toContain(formatFigure(indicator.current.value, indicator.kind, "id"));
    }
    // The measures' values as the SQL gives them: 56 authors, 226 700 reach, 61 mentions, 75 likes, -4,9.
    for (const shown of ["226.700", "61", "75", "-4,9", "4,92%"]) expect(text).toContain(shown);
    execFileSync("pdftoppm", ["-png", "-r", "60", file, join(ARTIFACTS, "page")]);
  });
});
