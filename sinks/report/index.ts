/**
 * The evaluation report a head of humas presents (sinks/report/README.md): gather the numbers with
 * docs/analysts.md's named queries, render HTML with SVG charts, print it to PDF with Chromium.
 */

import { runAnalystQuery } from "../../runtime/storage/analyst-queries.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { gatherReport, type QueryRunner, type ReportData } from "./data.js";
import { pageTemplates, type RenderOptions, renderReportHtml } from "./html.js";
import type { Lang } from "./labels.js";
import type { ReportPrinter } from "./pdf.js";
import type { Period } from "./period.js";

export { type Figure, gatherReport, num, type QueryRunner, type ReportData } from "./data.js";
export { formatCount, formatFigure, formatIndex, formatPeriod, formatRatio, renderReportHtml } from "./html.js";
export { LABELS, type Lang } from "./labels.js";
export { ReportPrinter } from "./pdf.js";
export {
  type Cadence,
  lastCompletePeriod,
  lastDay,
  type Period,
  parseDay,
  previousPeriod,
  ReportInputError,
  reportPeriod,
} from "./period.js";
export { reportSummary } from "./summary.js";

/** The named queries run on `storage` directly. */
export function storageRunner(storage: Storage): QueryRunner {
  return (name, params) => runAnalystQuery(storage, name, params);
}

export interface ReportRequest {
  agency: string;
  /** Shown on the report; the id when the agency has no name in the accounts file. */
  agencyName: string;
  period: Period;
  lang: Lang;
  zone: string;
  generatedAt?: number;
}

export interface BuiltReport {
  data: ReportData;
  html: string;
}

export async function buildReport(run: QueryRunner, request: ReportRequest): Promise<BuiltReport> {
  const data = await gatherReport(run, request);
  const options: RenderOptions = {
    lang: request.lang,
    zone: request.zone,
    generatedAt: request.generatedAt ?? Date.now(),
  };
  return { data, html: renderReportHtml(data, options) };
}

/** The report as PDF bytes. */
export function printReport(printer: ReportPrinter, report: BuiltReport, lang: Lang): Promise<Buffer> {
  return printer.print(report.html, pageTemplates(report.data, lang));
}
