/**
 * The report as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched):
 * what `--out file.html` writes and what Chromium prints to PDF. Every number is written with the
 * query and field it comes from (`data-query`, `data-field`, `data-value`: the raw value), so a test
 * can hold each against docs/analysts.md's SQL.
 */
import type { Figure, Indicator, MeasureKey, ReportData, Row } from "./data.js";
import { num } from "./data.js";
import { LABELS, type Labels, type Lang } from "./labels.js";
import { lastDay, type Period } from "./period.js";
import { dailyChart, escapeXml as esc, stackedBars } from "./svg.js";

export interface RenderOptions {
  lang: Lang;
  /** IANA zone of the times shown (alerts, questions, the generation time). */
  zone: string;
  generatedAt: number;
}

const ZONE_NAMES: Record<string, string> = { "Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };

/** A count as the language writes it: 250.200 / 250,200. */
export function formatCount(value: number, lang: Lang): string {
  return new Intl.NumberFormat(LABELS[lang].locale, { maximumFractionDigits: 0 }).format(value);
}

/** A ratio (0-1) as a percentage with up to two decimals: 0,04% / 0.04%. */
export function formatRatio(value: number, lang: Lang): string {
  return new Intl.NumberFormat(LABELS[lang].locale, { style: "percent", maximumFractionDigits: 2 }).format(value);
}

/** An index (-100..100) with one decimal: -4,9 / -4.9. */
export function formatIndex(value: number, lang: Lang): string {
  return new Intl.NumberFormat(LABELS[lang].locale, { maximumFractionDigits: 1 }).format(value);
}

/** Seconds as "2 jam 0 menit" / "2 h 0 min", days beyond a day. */
export function formatDuration(seconds: number, lang: Lang): string {
  const l = LABELS[lang];
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} ${l.minutes}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} ${l.hours} ${minutes % 60} ${l.minutes}`;
  return `${Math.floor(hours / 24)} ${l.days} ${hours % 24} ${l.hours}`;
}

export type FigureKind = Indicator["kind"] | "duration";

export function formatFigure(value: number | null, kind: FigureKind, lang: Lang): string {
  if (value === null) return "–";
  switch (kind) {
    case "count":
      return formatCount(value, lang);
    case "ratio":
      return formatRatio(value, lang);
    case "index":
      return formatIndex(value, lang);
    case "duration":
      return formatDuration(value, lang);
  }
}

/** A day (YYYY-MM-DD) as "1 November 2026". */
export function formatDay(day: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LABELS[lang].locale, {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${day}T00:00:00Z`));
}

/** The period as written on every page: "1 November 2026 – 30 November 2026". */
export function formatPeriod(period: Period, lang: Lang): string {
  return `${formatDay(period.from, lang)} – ${formatDay(lastDay(period), lang)}`;
}

/** A stored UTC time ("2026-11-26 04:00:00.000") in the zone: "26/11/2026 11.00 WIB". */
export function formatTime(value: unknown, lang: Lang, zone: string): string {
  if (value === null || value === undefined) return "–";
  const ms = typeof value === "number" ? value : Date.parse(`${String(value).replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) return String(value);
  const text = new Intl.DateTimeFormat(LABELS[lang].locale, {
    timeZone: zone,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);
  return `${text} ${ZONE_NAMES[zone] ?? zone}`;
}

function fig(figure: Figure, kind: FigureKind, lang: Lang, period: "current" | "previous" = "current"): string {
  const value = figure.value === null ? "" : String(figure.value);
  const row = figure.row === undefined ? "" : ` data-row="${figure.row}"`;
  const where = figure.where === undefined ? "" : ` data-where="${esc(figure.where)}"`;
  return `<span class="fig" data-query="${figure.query}" data-field="${esc(figure.field)}"${row}${where} data-period="${period}" data-value="${value}">${esc(formatFigure(figure.value, kind, lang))}</span>`;
}

/** Field `field` of row `index` of `rows`, the result of `query`, as a table cell. */
function cell(
  query: Figure["query"],
  rows: readonly Row[],
  index: number,
  field: string,
  kind: FigureKind,
  lang: Lang,
): string {
  return `<td class="num">${fig({ query, field, row: index, value: num(rows[index]?.[field]) }, kind, lang)}</td>`;
}

function change(indicator: Indicator, l: Labels, lang: Lang): string {
  const { current, previous } = indicator;
  if (current.value === null || previous.value === null) return "–";
  const sign = (n: number) => (n > 0 ? "+" : "");
  if (indicator.kind === "count") {
    if (previous.value === 0) return current.value === 0 ? "0%" : "–";
    const pct = (current.value - previous.value) / previous.value;
    return `${sign(pct)}${formatRatio(pct, lang)}`;
  }
  const diff = indicator.kind === "ratio" ? (current.value - previous.value) * 100 : current.value - previous.value;
  return `${sign(diff)}${formatIndex(diff, lang)} ${l.points}`;
}

const MEASURES: MeasureKey[] = ["reach", "frequency", "influence", "conversation", "sustainability"];

function measuresTable(data: ReportData, l: Labels, lang: Lang): string {
  const rows = MEASURES.flatMap((measure) =>
    data.measures[measure].map(
      (
        indicator,
        i,
      ) => `<tr>${i === 0 ? `<th class="measure" rowspan="${data.measures[measure].length}">${l[measure]}</th>` : ""}
        <td>${l[indicator.key as keyof Labels]}</td>
        <td class="num">${fig(indicator.current, indicator.kind, lang)}</td>
        <td class="num">${fig(indicator.previous, indicator.kind, lang, "previous")}</td>
        <td class="num">${change(indicator, l, lang)}</td></tr>`,
    ),
  );
  return `<table class="measures"><thead><tr><th>${l.measure}</th><th>${l.indicator}</th><th>${l.thisPeriod}</th>
    <th>${l.lastPeriod}<br><small>${esc(formatPeriod(data.previous, lang))}</small></th><th>${l.change}</th></tr></thead>
    <tbody>${rows.join("")}</tbody></table>`;
}

function indicator(data: ReportData, measure: MeasureKey, key: string): Indicator {
  const found = data.measures[measure].find((i) => i.key === key);
  if (!found) throw new Error(`no indicator ${measure}.${key}`);
  return found;
}

function directionText(data: ReportData, l: Labels): string {
  const direction = data.direction?.direction;
  return typeof direction === "string" && direction in l ? l[direction as keyof Labels] : l.insufficient;
}

function summaryTable(data: ReportData, l: Labels, lang: Lang): string {
  const r = data.responsiveness;
  const resp = (field: string): Figure => ({ query: "responsiveness-month", field, value: num(r[field]) });
  const negative: Figure = {
    query: "sentiment-by-platform",
    field: "sum(negative_total)",
    value: data.sentimentByPlatform.reduce((total, row) => total + (num(row.negative_total) ?? 0), 0),
  };
  const acknowledged: Figure = {
    query: "alerts-period",
    field: "count(acknowledged_at)",
    value: data.alerts.filter((row) => row.acknowledged_at !== null).length,
  };
  const alerts: Figure = { query: "alerts-period", field: "count()", value: data.alerts.length };
  const current = (measure: MeasureKey, key: string) => indicator(data, measure, key);
  const show = (i: Indicator) => fig(i.current, i.kind, lang);
  const stages: [string, [string, string][]][] = [
    [
      l.input,
      [
        [l.mentions, show(current("frequency", "mentions"))],
        [l.distinctAuthors, show(current("reach", "distinctAuthors"))],
        [l.questionsAsked, fig(resp("asked"), "count", lang)],
        [l.negativeMentions, fig(negative, "count", lang)],
      ],
    ],
    [
      l.output,
      [
        [l.answersGiven, fig(resp("answered"), "count", lang)],
        [l.answerRate, fig(resp("answer_rate"), "ratio", lang)],
        [l.medianAnswer, fig(resp("median_seconds_to_answer"), "duration", lang)],
        [l.alertsHandled, `${fig(acknowledged, "count", lang)} / ${fig(alerts, "count", lang)}`],
      ],
    ],
    [
      l.outcome,
      [
        [l.distinctAuthorReach, show(current("reach", "distinctAuthorReach"))],
        [l.engagementRatio, show(current("conversation", "engagementRatio"))],
        [l.netSentiment, show(current("conversation", "netSentiment"))],
        [l.direction, esc(directionText(data, l))],
      ],
    ],
    [
      l.benefit,
      [
        [l.returningAuthors, show(current("sustainability", "returningAuthors"))],
        [l.loyalAuthors, show(current("sustainability", "loyalAuthors"))],
        [l.clicks, show(current("conversation", "clicks"))],
        [l.downloads, show(current("conversation", "downloads"))],
      ],
    ],
  ];
  const rows = stages.flatMap(([stage, items]) =>
    items.map(
      ([what, value], i) =>
        `<tr>${i === 0 ? `<th rowspan="${items.length}">${stage}</th>` : ""}<td>${what}</td><td class="num">${value}</td></tr>`,
    ),
  );
  return `<table class="summary"><thead><tr><th>${l.stage}</th><th>${l.what}</th><th>${l.value}</th></tr></thead>
    <tbody>${rows.join("")}</tbody></table>`;
}

/** Every day of the period, with the day's mentions and index (zero and none on days without a row). */
function persepsiChart(data: ReportData, l: Labels, lang: Lang): string {
  const byDay = new Map(data.persepsiDaily.map((row) => [String(row.day), row]));
  const points = [];
  for (
    let t = Date.parse(`${data.period.from}T00:00:00Z`);
    t < Date.parse(`${data.period.end}T00:00:00Z`);
    t += 86_400_000
  ) {
    const day = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(day);
    points.push({
      label: new Intl.DateTimeFormat(LABELS[lang].locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(
        t,
      ),
      bar: num(row?.mention_total) ?? 0,
      line: num(row?.net_sentiment_index),
    });
  }
  return dailyChart(points, { bar: l.chartBar, line: l.chartLine });
}

function table(query: Figure["query"], head: string[], body: string[], l: Labels): string {
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${body.join("")}</tbody></table>
    <p class="source">${l.source}: <code>${query}</code></p>`;
}

const text = (value: unknown, fallback = "–") => esc(value === null || value === undefined ? fallback : String(value));

const SENTIMENT_COLORS = ["#2e8b57", "#b0b0b0", "#c0392b"];

function body(data: ReportData, options: RenderOptions): string {
  const { lang, zone } = options;
  const l = LABELS[lang];
  const sections: string[] = [];
  sections.push(`<h2>${l.summary}</h2><p class="note">${l.summaryNote}</p>${summaryTable(data, l, lang)}`);
  sections.push(`<h2>${l.measures}</h2>${measuresTable(data, l, lang)}`);
  sections.push(
    `<h2 class="break">${l.persepsi}</h2>${persepsiChart(data, l, lang)}<p class="note">${l.persepsiNote}</p>
     <p>${l.direction}: <strong>${esc(directionText(data, l))}</strong>${
       data.direction
         ? ` (${fig({ query: "persepsi-direction-end", field: "rolling_net_sentiment", value: num(data.direction.rolling_net_sentiment) }, "index", lang)} / ${fig({ query: "persepsi-direction-end", field: "previous_net_sentiment", value: num(data.direction.previous_net_sentiment) }, "index", lang)})`
         : ""
     }</p><p class="source">${l.source}: <code>persepsi-daily</code>, <code>persepsi-direction-end</code></p>`,
  );
  sections.push(
    `<h2>${l.sentimentByPlatform}</h2>${stackedBars(
      data.sentimentByPlatform.map((row) => ({
        label: String(row.platform),
        values: [num(row.positive_total) ?? 0, num(row.neutral_total) ?? 0, num(row.negative_total) ?? 0],
      })),
      SENTIMENT_COLORS,
      [l.positive, l.neutral, l.negative],
    )}${table(
      "sentiment-by-platform",
      [l.platform, l.total, l.positive, l.neutral, l.negative],
      data.sentimentByPlatform.map(
        (row, i) =>
          `<tr><td>${text(row.platform)}</td>${["mention_total", "positive_total", "neutral_total", "negative_total"]
            .map((f) => cell("sentiment-by-platform", data.sentimentByPlatform, i, f, "count", lang))
            .join("")}</tr>`,
      ),
      l,
    )}`,
  );
  sections.push(
    `<h3>${l.frequencyByPlatform}</h3>${table(
      "frequency-month",
      [l.platform, l.mentions, l.activeHours, l.peakHour],
      data.frequency.map(
        (row, i) =>
          `<tr><td>${text(row.platform)}</td>${["mentions_total", "active_hours", "peak_hour_mentions"]
            .map((f) => cell("frequency-month", data.frequency, i, f, "count", lang))
            .join("")}</tr>`,
      ),
      l,
    )}`,
  );
  const link = (row: Row, label: string) =>
    typeof row.url === "string" && /^https?:\/\//.test(row.url)
      ? `<a href="${esc(row.url)}">${esc(label)}</a>`
      : esc(label);
  sections.push(
    `<h2 class="break">${l.topPosts}</h2>${table(
      "top-posts-period",
      [l.platform, l.author, l.sentiment, l.engagement, l.followers, l.excerpt],
      data.topPosts.map(
        (row, i) =>
          `<tr><td>${text(row.platform)}</td><td>${link(row, `@${row.author_handle ?? ""}`)}</td><td>${text(
            row.sentiment_label ? l[row.sentiment_label as "positive"] : null,
          )}</td>${cell("top-posts-period", data.topPosts, i, "engagement", "count", lang)}${cell(
            "top-posts-period",
            data.topPosts,
            i,
            "followers",
            "count",
            lang,
          )}<td class="excerpt">${text(row.excerpt)}</td></tr>`,
      ),
      l,
    )}`,
  );
  sections.push(
    `<h2>${l.topVoices}</h2>${table(
      "top-voices-period",
      [l.platform, l.author, l.mentions, l.followers, l.engagement, l.negativeCount],
      data.topVoices.map(
        (row, i) =>
          `<tr><td>${text(row.author_platform)}</td><td>@${text(row.handle)}</td>${[
            "mention_count",
            "followers",
            "engagement_received",
            "negative_count",
          ]
            .map((f) => cell("top-voices-period", data.topVoices, i, f, "count", lang))
            .join("")}</tr>`,
      ),
      l,
    )}`,
  );
  sections.push(
    `<h2>${l.segments}</h2>${table(
      "segments-period",
      [l.segment, l.authors, l.mentions],
      data.segments.map(
        (row, i) =>
          `<tr><td>${text(row.audience_segment === "unknown" ? l.unknown : row.audience_segment)}</td>${cell(
            "segments-period",
            data.segments,
            i,
            "author_count",
            "count",
            lang,
          )}${cell("segments-period", data.segments, i, "mention_count", "count", lang)}</tr>`,
      ),
      l,
    )}`,
  );
  const r = data.responsiveness;
  sections.push(
    `<h2 class="break">${l.responsiveness}</h2>${table(
      "responsiveness-month",
      [l.asked, l.answered, l.overdue, l.answerRate, l.medianAnswer, l.p90Answer],
      [
        `<tr>${cell("responsiveness-month", [r], 0, "asked", "count", lang)}${cell("responsiveness-month", [r], 0, "answered", "count", lang)}${cell(
          "responsiveness-month",
          [r],
          0,
          "overdue",
          "count",
          lang,
        )}${cell("responsiveness-month", [r], 0, "answer_rate", "ratio", lang)}${cell(
          "responsiveness-month",
          [r],
          0,
          "median_seconds_to_answer",
          "duration",
          lang,
        )}${cell("responsiveness-month", [r], 0, "p90_seconds_to_answer", "duration", lang)}</tr>`,
      ],
      l,
    )}<h3>${l.oldestUnanswered}</h3>${
      data.oldestUnanswered.length === 0
        ? `<p>${l.noneWaiting}</p>`
        : table(
            "oldest-unanswered-period",
            [l.platform, l.author, l.askedAt, l.dueAt, l.status],
            data.oldestUnanswered.map(
              (row) =>
                `<tr><td>${text(row.platform)}</td><td>${link(row, `@${row.author_handle ?? ""}`)}</td><td>${esc(
                  formatTime(row.asked_at, lang, zone),
                )}</td><td>${esc(formatTime(row.due_at, lang, zone))}</td><td>${text(
                  row.status === "overdue" ? l.overdue : row.status,
                )}</td></tr>`,
            ),
            l,
          )
    }`,
  );
  sections.push(
    `<h2>${l.alerts}</h2>${
      data.alerts.length === 0
        ? `<p>${l.noAlerts}</p>`
        : table(
            "alerts-period",
            [l.rule, l.firedAt, l.acknowledged, l.resolved],
            data.alerts.map(
              (row) =>
                `<tr><td>${text(row.rule_id)}<br><small>${text(row.message)}</small></td><td>${esc(
                  formatTime(row.fired_at, lang, zone),
                )}</td><td>${
                  row.acknowledged_at === null
                    ? l.notAcknowledged
                    : `${esc(formatTime(row.acknowledged_at, lang, zone))}<br><small>${text(row.acknowledged_by)}</small>`
                }</td><td>${row.resolved_at === null ? l.notResolved : esc(formatTime(row.resolved_at, lang, zone))}</td></tr>`,
            ),
            l,
          )
    }`,
  );
  sections.push(
    `<h2 class="break">${l.weeks}</h2>${table(
      "sustainability-month",
      [l.audience, l.weekStart, l.active, l.returning, l.loyal],
      data.sustainability.map(
        (row, i) =>
          `<tr><td>${text(row.audience)}</td><td>${esc(formatDay(String(row.week_start), lang))}</td>${[
            "active_count",
            "returning_count",
            "loyal_count",
          ]
            .map((f) => cell("sustainability-month", data.sustainability, i, f, "count", lang))
            .join("")}</tr>`,
      ),
      l,
    )}<h3>${l.webSites}</h3>${table(
      "web-traffic-month",
      [l.site, l.pageViews, l.visitors, l.clicks, l.downloads],
      data.web.map(
        (row, i) =>
          `<tr><td>${text(row.site)}</td>${["page_view_total", "distinct_visitors", "click_total", "download_total"]
            .map((f) => cell("web-traffic-month", data.web, i, f, "count", lang))
            .join("")}</tr>`,
      ),
      l,
    )}<p class="note">${l.method}</p>`,
  );
  return sections.join("\n");
}

const STYLE = `
  @page { size: A4; margin: 22mm 14mm 18mm 14mm; }
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; color: #222; margin: 0; }
  h1 { font-size: 18pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 16pt 0 6pt; color: #1f3b63; }
  h3 { font-size: 11pt; margin: 10pt 0 4pt; } .break { break-before: page; }
  table { border-collapse: collapse; width: 100%; margin: 4pt 0; break-inside: auto; }
  th, td { border: 1px solid #ccc; padding: 3pt 5pt; text-align: left; vertical-align: top; }
  thead th { background: #eef2f7; } tr { break-inside: avoid; }
  td.num { text-align: right; white-space: nowrap; } th.measure { white-space: nowrap; } td.excerpt { font-size: 9pt; }
  .note, .source { font-size: 8.5pt; color: #555; } .lead { color: #444; }
  .nodata { border: 2px solid #c0392b; padding: 10pt; font-size: 12pt; margin-top: 14pt; }
  svg { max-width: 100%; height: auto; }`;

/** The whole page. */
export function renderReportHtml(data: ReportData, options: RenderOptions): string {
  const { lang, zone, generatedAt } = options;
  const l = LABELS[lang];
  const period = formatPeriod(data.period, lang);
  const name = data.agencyName === data.agency ? data.agency : `${data.agencyName} (${data.agency})`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(`${l.title}: ${name}, ${period}`)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${l.title}</h1>
<p class="lead"><strong>${esc(name)}</strong><br>${l.period}: <strong>${esc(period)}</strong>, ${l.previousPeriod} ${esc(
    formatPeriod(data.previous, lang),
  )}<br>${l.generated}: ${esc(formatTime(generatedAt, lang, zone))}</p>
<p class="note">${l.basis}</p>
${data.hasData ? body(data, options) : `<p class="nodata">${l.noData}</p>`}
</body></html>
`;
}

/** The header and footer Chromium prints on every page: agency and period; page x of y. */
export function pageTemplates(data: ReportData, lang: Lang): { header: string; footer: string } {
  const l = LABELS[lang];
  const style = `font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8pt; color: #555; width: 100%; padding: 0 14mm;`;
  return {
    header: `<div style="${style} display: flex; justify-content: space-between;"><span>${esc(data.agencyName)}</span><span>${esc(
      `${l.period}: ${formatPeriod(data.period, lang)}`,
    )}</span></div>`,
    footer: `<div style="${style} display: flex; justify-content: space-between;"><span>Simak · ${esc(l.title)}</span><span>${l.page} <span class="pageNumber"></span> ${l.of} <span class="totalPages"></span></span></div>`,
  };
}
