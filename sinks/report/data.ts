/**
 * What a report shows, read with the named queries of docs/analysts.md
 * (runtime/storage/analyst-queries.ts) for the period and for the period of the same length before
 * it. Nothing is computed here that the page's SQL does not give, apart from sums over the rows of
 * one query (the mentions of every platform, the page views of every site) and the change between
 * the two periods.
 */
import type { AnalystQueryName, PeriodParams } from "../../runtime/storage/analyst-queries.js";
import { type Period, previousPeriod } from "./period.js";

/** Runs a named query with the agency and the days [from, to). */
export type QueryRunner = (name: AnalystQueryName, params: PeriodParams) => Promise<Record<string, unknown>[]>;

export type Row = Record<string, unknown>;

/** A number of the report, with the query and field it comes from (kept in the HTML as data-* attributes). */
export interface Figure {
  query: AnalystQueryName;
  /**
   * The result column (of the first row, or of row `row`), `sum(column)` over the rows, `last(column)`
   * of the last row, `count()` rows or `count(column)` rows where it is not NULL.
   */
  field: string;
  /** Which row of the result, for a table's cell. */
  row?: number;
  /** Only the rows whose `column` is `value` ("audience=authors"). */
  where?: string;
  value: number | null;
}

export type MeasureKey = "reach" | "frequency" | "influence" | "conversation" | "sustainability";

export interface Indicator {
  /** Key of the indicator's label (labels.ts). */
  key: string;
  /** counts change in percent; ratios and indices in points. */
  kind: "count" | "ratio" | "index";
  current: Figure;
  previous: Figure;
}

export interface ReportData {
  agency: string;
  agencyName: string;
  period: Period;
  previous: Period;
  measures: Record<MeasureKey, Indicator[]>;
  persepsiDaily: Row[];
  direction: Row | null;
  sentimentByPlatform: Row[];
  frequency: Row[];
  web: Row[];
  sustainability: Row[];
  topPosts: Row[];
  topVoices: Row[];
  segments: Row[];
  responsiveness: Row;
  oldestUnanswered: Row[];
  alerts: Row[];
  /** Whether anything at all was recorded about the agency in the period. */
  hasData: boolean;
}

/** A result value as a number (64-bit integers may come quoted); null stays null. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

const QUERIES_PER_PERIOD: AnalystQueryName[] = [
  "reach-month",
  "frequency-month",
  "web-traffic-month",
  "influence-month",
  "conversation-month",
  "sustainability-month",
  "responsiveness-month",
];
const QUERIES_CURRENT_ONLY: AnalystQueryName[] = [
  "persepsi-daily",
  "persepsi-direction-end",
  "sentiment-by-platform",
  "top-posts-period",
  "top-voices-period",
  "segments-period",
  "oldest-unanswered-period",
  "alerts-period",
];

type Results = Map<AnalystQueryName, Row[]>;

async function runAll(run: QueryRunner, names: AnalystQueryName[], params: PeriodParams): Promise<Results> {
  const results = new Map<AnalystQueryName, Row[]>();
  // One at a time: embedded ClickHouse serialises them anyway, and a server is spared 20 agencies at once.
  for (const name of names) results.set(name, await run(name, params));
  return results;
}

/** The rows of `query`, those matching `where` ("column=value") when given. */
function rowsOf(results: Results, query: AnalystQueryName, where?: string): Row[] {
  const rows = results.get(query) ?? [];
  if (!where) return rows;
  const [column, value] = where.split("=") as [string, string];
  return rows.filter((row) => String(row[column]) === value);
}

/** The figure `field` of `query` (see Figure.field). */
export function figureOf(rows: readonly Row[], field: string): number | null {
  const sum = /^sum\((\w+)\)$/.exec(field)?.[1];
  if (sum) return rows.length === 0 ? null : rows.reduce((total, row) => total + (num(row[sum]) ?? 0), 0);
  const last = /^last\((\w+)\)$/.exec(field)?.[1];
  if (last) return num(rows.at(-1)?.[last]);
  const count = /^count\((\w*)\)$/.exec(field);
  if (count) return rows.filter((row) => !count[1] || (row[count[1]] !== null && row[count[1]] !== undefined)).length;
  return num(rows[0]?.[field]);
}

const INDICATORS: Record<
  MeasureKey,
  { key: string; kind: Indicator["kind"]; query: AnalystQueryName; field: string; where?: string }[]
> = {
  reach: [
    { key: "distinctAuthors", kind: "count", query: "reach-month", field: "distinct_authors" },
    { key: "distinctAuthorReach", kind: "count", query: "reach-month", field: "distinct_author_reach" },
  ],
  frequency: [
    { key: "mentions", kind: "count", query: "frequency-month", field: "sum(mentions_total)" },
    { key: "pageViews", kind: "count", query: "web-traffic-month", field: "sum(page_view_total)" },
    { key: "visitors", kind: "count", query: "web-traffic-month", field: "sum(distinct_visitors)" },
  ],
  influence: [
    { key: "likes", kind: "count", query: "influence-month", field: "likes_total" },
    { key: "shares", kind: "count", query: "influence-month", field: "shares_total" },
    { key: "replies", kind: "count", query: "influence-month", field: "replies_total" },
    { key: "highInfluence", kind: "ratio", query: "influence-month", field: "high_influence_ratio" },
    { key: "viral", kind: "count", query: "influence-month", field: "viral_total" },
  ],
  conversation: [
    { key: "engagementRatio", kind: "ratio", query: "conversation-month", field: "engagement_ratio" },
    { key: "netSentiment", kind: "index", query: "conversation-month", field: "net_sentiment_index" },
    { key: "clicks", kind: "count", query: "web-traffic-month", field: "sum(click_total)" },
    { key: "downloads", kind: "count", query: "web-traffic-month", field: "sum(download_total)" },
  ],
  sustainability: [
    {
      key: "returningAuthors",
      kind: "count",
      query: "sustainability-month",
      field: "sum(returning_count)",
      where: "audience=authors",
    },
    {
      key: "loyalAuthors",
      kind: "count",
      query: "sustainability-month",
      field: "last(loyal_count)",
      where: "audience=authors",
    },
  ],
};

export async function gatherReport(
  run: QueryRunner,
  request: { agency: string; agencyName: string; period: Period },
): Promise<ReportData> {
  const { agency, period } = request;
  const previous = previousPeriod(period);
  const params = { agency, from: period.from, to: period.end };
  const current = await runAll(run, [...QUERIES_PER_PERIOD, ...QUERIES_CURRENT_ONLY], params);
  const before = await runAll(run, QUERIES_PER_PERIOD, { agency, from: previous.from, to: previous.end });
  const figure = (results: Results, query: AnalystQueryName, field: string, where?: string): Figure => ({
    query,
    field,
    ...(where ? { where } : {}),
    value: figureOf(rowsOf(results, query, where), field),
  });
  const measures = Object.fromEntries(
    Object.entries(INDICATORS).map(([measure, indicators]) => [
      measure,
      indicators.map(({ key, kind, query, field, where }) => ({
        key,
        kind,
        current: figure(current, query, field, where),
        previous: figure(before, query, field, where),
      })),
    ]),
  ) as Record<MeasureKey, Indicator[]>;
  const rows = (name: AnalystQueryName) => current.get(name) ?? [];
  const responsiveness = rows("responsiveness-month")[0] ?? {};
  const hasData =
    (num(rows("reach-month")[0]?.mention_count) ?? 0) > 0 ||
    rows("web-traffic-month").length > 0 ||
    (num(responsiveness.asked) ?? 0) > 0 ||
    rows("alerts-period").length > 0;
  return {
    agency,
    agencyName: request.agencyName,
    period,
    previous,
    measures,
    persepsiDaily: rows("persepsi-daily"),
    direction: rows("persepsi-direction-end")[0] ?? null,
    sentimentByPlatform: rows("sentiment-by-platform"),
    frequency: rows("frequency-month"),
    web: rows("web-traffic-month"),
    sustainability: rows("sustainability-month"),
    topPosts: rows("top-posts-period"),
    topVoices: rows("top-voices-period"),
    segments: rows("segments-period"),
    responsiveness,
    oldestUnanswered: rows("oldest-unanswered-period"),
    alerts: rows("alerts-period"),
    hasData,
  };
}
