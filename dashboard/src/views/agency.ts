/**
 * One agency: persepsi (with and without coordinated accounts), its coordinated campaigns,
 * stacked sentiment over time, platforms, audience segments, the regulation's five
 * measures, the most viral posts, the top influencers, and the live mention stream.
 */
import type { AgencyAnswer, Measures } from "../../shared/types.js";
import { getJson } from "../api.js";
import { BarChart, SENTIMENT_COLOURS, SENTIMENT_LABELS, sentimentSeries } from "../charts.js";
import { h } from "../dom.js";
import { formatCompact, formatDateTime, formatNumber, formatPercent, formatTick } from "../format.js";
import { type LabelKey, nameOf, t } from "../i18n.js";
import { httpHref } from "../links.js";
import { campaignsPanel, persepsiText } from "./campaigns.js";
import { issuesPanel } from "./issues.js";
import { provinceMap } from "./province-map.js";
import type { RangeParams, View } from "./view.js";

const NEUTRAL_BAR = "#56B4E9";

function chartPanel(title: LabelKey, name: string, wide = false) {
  const canvas = h("canvas", { "data-chart": name, role: "img", "aria-label": t(title) });
  const panel = h(
    "section",
    { class: `panel chart${wide ? " wide" : ""}` },
    h("h2", {}, t(title)),
    h("div", { class: "chart-box" }, canvas),
  );
  return { panel, canvas };
}

function measureCards(measures: Measures): HTMLElement[] {
  const card = (title: LabelKey, lines: [number | string, LabelKey][]) =>
    h(
      "div",
      { class: "measure" },
      h("h3", {}, t(title)),
      ...lines.map(([value, label]) =>
        h("p", {}, h("strong", {}, typeof value === "number" ? formatCompact(value) : value), ` ${t(label)}`),
      ),
    );
  return [
    card("reach", [
      [measures.reach.authors, "authors"],
      [measures.reach.distinctAuthorReach, "followersReached"],
    ]),
    card("frequency", [
      [measures.frequency.mentions, "mentions"],
      [measures.frequency.views, "views"],
    ]),
    card("influence", [
      [measures.influence.shares, "shares"],
      [measures.influence.likes, "likes"],
    ]),
    card("conversation", [
      [measures.conversation.replies, "replies"],
      [measures.conversation.clicks, "clicks"],
    ]),
    card("sustainability", [
      [
        measures.sustainability.returningShare === null ? "–" : formatPercent(measures.sustainability.returningShare),
        "returningAuthors",
      ],
    ]),
  ];
}

function sentimentTag(sentiment: string | null): HTMLElement {
  const known = sentiment === "positive" || sentiment === "neutral" || sentiment === "negative" ? sentiment : "unknown";
  return h(
    "span",
    { class: `sentiment-tag sentiment-${known}`, style: `border-color:${SENTIMENT_COLOURS[known]}` },
    t(SENTIMENT_LABELS[known]),
  );
}

function postLink(url: string | null, text: string): Node | string {
  const href = httpHref(url);
  return href ? h("a", { href, target: "_blank", rel: "noopener noreferrer", title: t("openPost") }, text) : text;
}

export function agencyView(id: string, range: () => RangeParams): View {
  const heading = h("h1", {}, id);
  const measures = h("div", { class: "measures" });
  const overTime = chartPanel("sentimentOverTime", "sentiment", true);
  const platforms = chartPanel("platforms", "platforms");
  const segments = chartPanel("segments", "segments");
  const viral = h("tbody");
  const influencers = h("tbody");
  const stream = h("ol", { class: "stream", "aria-live": "off" });
  const map = provinceMap();
  const issues = issuesPanel(id);
  const persepsi = h("p", { class: "persepsi-line" });
  const campaigns = campaignsPanel();
  const charts = {
    overTime: new BarChart(overTime.canvas, { stacked: true, horizontal: false }),
    platforms: new BarChart(platforms.canvas, { stacked: false, horizontal: true }),
    segments: new BarChart(segments.canvas, { stacked: false, horizontal: true }),
  };
  const root = h(
    "div",
    { class: "agency-view", "data-agency": id },
    h("p", {}, h("a", { href: "#/" }, `← ${t("back")}`)),
    heading,
    persepsi,
    issues.root,
    campaigns.root,
    map.root,
    h("section", { class: "panel wide" }, h("h2", {}, t("measures")), measures),
    overTime.panel,
    platforms.panel,
    segments.panel,
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("viralPosts")),
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, t("score")), h("th", {}, t("cascade")))),
        viral,
      ),
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("influencers")),
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "@"),
            h("th", {}, t("tier")),
            h("th", {}, t("followers")),
            h("th", {}, t("mentions")),
          ),
        ),
        influencers,
      ),
    ),
    h("section", { class: "panel wide" }, h("h2", {}, t("stream")), stream),
  );
  return {
    root,
    refresh: async () => {
      const data = await getJson<AgencyAnswer>("agency", { ...range(), id });
      heading.textContent = data.name;
      issues.update(data.issues ?? []);
      persepsi.textContent = `${t("persepsiShort")} ${persepsiText(data.persepsi, data.persepsi.index)}`;
      campaigns.update(data.campaigns);
      map.update(data.map, data.province);
      measures.replaceChildren(...measureCards(data.measures));
      charts.overTime.update(
        data.series.map((point) => formatTick(point.t)),
        sentimentSeries(data.series),
      );
      charts.platforms.update(
        data.platforms.map((p) => nameOf("platform", p.platform)),
        [{ label: t("mentions"), values: data.platforms.map((p) => p.mentions), colour: NEUTRAL_BAR }],
      );
      charts.segments.update(
        data.segments.map((s) => nameOf("segment", s.segment)),
        [{ label: t("mentions"), values: data.segments.map((s) => s.mentions), colour: NEUTRAL_BAR }],
      );
      viral.replaceChildren(
        ...data.viralPosts.map((post) =>
          h(
            "tr",
            {},
            h(
              "td",
              {},
              `${nameOf("platform", post.platform)} · @${post.author} `,
              sentimentTag(post.sentiment),
              h("br"),
              postLink(post.url, post.text),
            ),
            h("td", { class: "num" }, formatNumber(post.score)),
            h("td", { class: "num" }, formatNumber(post.cascadeSize)),
          ),
        ),
      );
      influencers.replaceChildren(
        ...data.influencers.map((author) =>
          h(
            "tr",
            {},
            h("td", {}, `${nameOf("platform", author.platform)} · @${author.handle}`),
            h("td", {}, author.tier ? nameOf("tier", author.tier) : "–"),
            h("td", { class: "num" }, formatCompact(author.followers)),
            h("td", { class: "num" }, formatNumber(author.mentions)),
          ),
        ),
      );
      stream.replaceChildren(
        ...data.stream.map((mention) =>
          h(
            "li",
            { class: `stream-item sentiment-${mention.sentiment ?? "unknown"}` },
            sentimentTag(mention.sentiment),
            h("time", {}, formatDateTime(mention.time)),
            h("span", { class: "muted" }, ` ${nameOf("platform", mention.platform)} · @${mention.handle} `),
            h("p", {}, postLink(mention.url, mention.text)),
          ),
        ),
      );
    },
    destroy: () => {
      for (const chart of Object.values(charts)) chart.destroy();
    },
  };
}
