/**
 * "Isu": an agency's rising issues (the issues stage's rising_issues) as a panel of the agency view,
 * each with its volume over the last windows as a sparkline and its sentiment split, linking to
 * the issue's page, which lists its posts and draws who shared or replied to them.
 */
import type { IssueAnswer, IssueNetwork, RisingIssue } from "../../shared/types.js";
import { getJson } from "../api.js";
import { SENTIMENT_COLOURS } from "../charts.js";
import { h } from "../dom.js";
import { formatDateTime, formatNumber } from "../format.js";
import { t } from "../i18n.js";
import { networkPanel } from "./network.js";
import { sentimentBar } from "./overview.js";
import { postItem } from "./post-item.js";
import type { View } from "./view.js";

const SVG = "http://www.w3.org/2000/svg";

export function issueHref(agency: string, key: string): string {
  return `#/issue/${encodeURIComponent(agency)}/${encodeURIComponent(key)}`;
}

/** Volumes as a line, the latest at the right; the numbers are in its label for screen readers. */
function sparkline(values: readonly number[]): SVGSVGElement {
  const width = 120;
  const height = 28;
  const top = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${t("lastWindows")}: ${values.join(", ")}`);
  svg.setAttribute("data-points", String(values.length));
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute(
    "points",
    values
      .map((value, i) => `${(i * step).toFixed(1)},${(height - 2 - (value / top) * (height - 4)).toFixed(1)}`)
      .join(" "),
  );
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", SENTIMENT_COLOURS.negative);
  line.setAttribute("stroke-width", "2");
  svg.append(line);
  return svg;
}

function split(issue: RisingIssue): HTMLElement {
  return sentimentBar({
    mentions: issue.negative + issue.neutral + issue.positive,
    sentiment: { negative: issue.negative, neutral: issue.neutral, positive: issue.positive, unknown: 0 },
  });
}

/** The agency view's "Isu" panel. */
export function issuesPanel(agency: string) {
  const list = h("ol", { class: "issue-list" });
  const root = h("section", { class: "panel wide issues-panel" }, h("h2", {}, t("issues")), list);
  return {
    root,
    update(issues: readonly RisingIssue[]) {
      list.replaceChildren(
        ...(issues.length
          ? issues.map((issue) =>
              h(
                "li",
                { class: "issue", "data-issue": issue.key },
                h("a", { href: issueHref(agency, issue.key), class: "issue-label" }, issue.label),
                sparkline(issue.sparkline),
                h(
                  "span",
                  { class: "issue-numbers" },
                  `${formatNumber(issue.volume)} ${t("mentions").toLowerCase()} · ${t("growth")} ×${formatNumber(Math.round(issue.growth))} · ${t("firstSeen")} ${formatDateTime(issue.firstSeen)}`,
                ),
                split(issue),
              ),
            )
          : [h("li", { class: "muted" }, t("noIssues"))]),
      );
    },
  };
}

/** #/issue/<agency>/<key>: the issue, its posts of the last day and their amplification network. */
export function issueView(agency: string, key: string): View {
  const heading = h("h1", {}, key);
  const summary = h("div", { class: "issue-summary" });
  const posts = h("ol", { class: "stream issue-posts" });
  const network = networkPanel("issue/posts", { agency, key });
  const root = h(
    "div",
    { class: "issue-view", "data-agency": agency, "data-issue": key },
    h("p", {}, h("a", { href: `#/agency/${encodeURIComponent(agency)}` }, `← ${agency}`)),
    heading,
    summary,
    h("section", { class: "panel wide" }, h("h2", {}, t("issuePosts")), posts),
    network.root,
  );
  return {
    root,
    refresh: async () => {
      const [data, graph] = await Promise.all([
        getJson<IssueAnswer>("issue", { agency, key }),
        // No network before the issues stage evaluated a window (404): the page shows the rest.
        getJson<IssueNetwork>("issue/network", { agency, key }).catch(() => null),
      ]);
      const back = root.querySelector("p a");
      if (back) back.textContent = `← ${data.name}`;
      heading.textContent = `${t("issue")}: ${data.issue?.label ?? key}`;
      summary.replaceChildren(
        ...(data.issue
          ? [
              sparkline(data.issue.sparkline),
              h(
                "p",
                {},
                `${formatNumber(data.issue.volume)} ${t("mentions").toLowerCase()} · ${t("growth")} ×${formatNumber(Math.round(data.issue.growth))} · ${t("firstSeen")} ${formatDateTime(data.issue.firstSeen)}`,
              ),
              split(data.issue),
            ]
          : [h("p", { class: "muted" }, t("issueGone"))]),
      );
      posts.replaceChildren(...data.posts.map(postItem));
      network.update(graph);
    },
    destroy: () => {},
  };
}
