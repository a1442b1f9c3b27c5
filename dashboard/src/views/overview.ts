/** Overview: every agency's persepsi index, its direction, volume and sentiment split; recent alerts. */
import {
  type AgencySummary,
  type OverviewAnswer,
  type RisingIssue,
  SENTIMENTS,
  type Settings,
} from "../../shared/types.js";
import { getJson } from "../api.js";
import { SENTIMENT_COLOURS, SENTIMENT_LABELS } from "../charts.js";
import { h } from "../dom.js";
import { formatNumber, formatPercent } from "../format.js";
import { t } from "../i18n.js";
import { agencyLink, alertFeedItem } from "./alert-list.js";
import { persepsiText } from "./campaigns.js";
import { provinceMap } from "./province-map.js";
import { span } from "./sources.js";
import type { RangeParams, View } from "./view.js";

const ARROWS = { rising: "▲", falling: "▼", steady: "▶", insufficient: "·" } as const;

/** The split as a bar of labelled segments; the label is in the title and the visible percentages. */
export function sentimentBar(agency: Pick<AgencySummary, "mentions" | "sentiment">): HTMLElement {
  const total = agency.mentions || 1;
  const bar = h("div", { class: "split-bar", role: "img" });
  const described: string[] = [];
  for (const sentiment of SENTIMENTS) {
    const share = agency.sentiment[sentiment] / total;
    const label = `${t(SENTIMENT_LABELS[sentiment])} ${formatPercent(share)}`;
    described.push(label);
    if (share > 0) {
      bar.append(
        h("span", { style: `width:${share * 100}%;background:${SENTIMENT_COLOURS[sentiment]}`, title: label }),
      );
    }
  }
  bar.setAttribute("aria-label", described.join(", "));
  const text = h(
    "div",
    { class: "split-text" },
    `${t("positive")} ${formatPercent(agency.sentiment.positive / total)} · ${t("negative")} ${formatPercent(agency.sentiment.negative / total)}`,
  );
  return h("div", {}, bar, text);
}

/** Items of the agency past their answer time, linking to its "Perlu dijawab" list. */
function overdueCell(agency: AgencySummary, waiting: OverviewAnswer["needsAnswer"]): HTMLElement {
  const overdue = waiting[agency.id]?.overdue ?? 0;
  const link = h(
    "a",
    { href: `#/answers/${encodeURIComponent(agency.id)}`, onclick: (event: Event) => event.stopPropagation() },
    formatNumber(overdue),
  );
  return h("td", { class: `num overdue${overdue > 0 ? " has-overdue" : ""}` }, link);
}

/** The agency's top rising issue, linking to its page. */
function topIssueCell(agency: AgencySummary, issue: RisingIssue | undefined): HTMLElement {
  if (!issue) return h("td", { class: "top-issue muted" }, "–");
  const href = `#/issue/${encodeURIComponent(agency.id)}/${encodeURIComponent(issue.key)}`;
  return h(
    "td",
    { class: "top-issue" },
    h("a", { href, onclick: (event: Event) => event.stopPropagation() }, issue.label),
  );
}

function agencyRow(
  agency: AgencySummary,
  open: (id: string) => void,
  waiting: OverviewAnswer["needsAnswer"],
  issues: OverviewAnswer["topIssues"],
  persepsi: OverviewAnswer["persepsi"],
): HTMLElement {
  const pair = persepsi[agency.id] ?? { index: agency.index, organicIndex: agency.index };
  return h(
    "tr",
    { class: "agency-row", "data-agency": agency.id, tabindex: 0, onclick: () => open(agency.id) },
    h("th", { scope: "row" }, agencyLink(agency.id, { [agency.id]: agency.name })),
    h("td", { class: "num index" }, persepsiText(pair, agency.index)),
    h("td", { class: `direction direction-${agency.direction}` }, `${ARROWS[agency.direction]} ${t(agency.direction)}`),
    h("td", { class: "num mentions" }, formatNumber(agency.mentions)),
    h("td", {}, sentimentBar(agency)),
    overdueCell(agency, waiting),
    topIssueCell(agency, issues[agency.id]),
  );
}

export function overviewView(settings: Settings, range: () => RangeParams): View {
  const rows = h("tbody");
  const feed = h("ol", { class: "alert-feed", "aria-live": "polite" });
  const empty = h("p", { class: "muted empty" });
  const map = provinceMap();
  // Sources silent longer than expected: a mention count that looks calm may only be a source down.
  const silent = h("section", { class: "panel wide silent-sources", role: "alert", hidden: true });
  const open = (id: string) => {
    const province = range().province;
    location.hash = `#/agency/${encodeURIComponent(id)}${province ? `?${new URLSearchParams({ province })}` : ""}`;
  };
  const root = h(
    "div",
    { class: "overview" },
    silent,
    h(
      "section",
      { class: "panel agencies" },
      h("h2", {}, t("overview")),
      h(
        "table",
        { class: "agency-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("agency")),
            h("th", { scope: "col", class: "num" }, t("persepsi")),
            h("th", { scope: "col" }, t("direction")),
            h("th", { scope: "col", class: "num" }, t("mentions")),
            h("th", { scope: "col" }, t("sentimentSplit")),
            h("th", { scope: "col", class: "num" }, t("overdueCount")),
            h("th", { scope: "col" }, t("topIssue")),
          ),
        ),
        rows,
      ),
      empty,
    ),
    map.root,
    h("section", { class: "panel alerts-panel" }, h("h2", {}, t("recentAlerts")), feed),
  );
  return {
    root,
    refresh: async () => {
      const data = await getJson<OverviewAnswer>("overview", range());
      map.update(data.map, data.province);
      silent.hidden = data.silentSources.length === 0;
      silent.replaceChildren(
        h("strong", {}, t("silentWarning")),
        " ",
        ...data.silentSources.flatMap((source, i) => [
          i > 0 ? ", " : "",
          h("a", { href: "#/sources", "data-source": source.id }, source.id),
          ` (${t("silentFor")} ${span(source.silentForMs)})`,
        ]),
      );
      rows.replaceChildren(
        ...data.agencies.map((agency) =>
          agencyRow(agency, open, data.needsAnswer, data.topIssues ?? {}, data.persepsi),
        ),
      );
      empty.textContent = data.agencies.length ? "" : t("noData");
      feed.replaceChildren(
        ...(data.alerts.length
          ? data.alerts.map((alert) => alertFeedItem(alert, settings.agencies))
          : [h("li", { class: "muted" }, t("noAlerts"))]),
      );
      // Browsers share an overview for a few seconds: the header shows when it was computed.
      return data.asOf;
    },
    destroy: () => {},
  };
}
