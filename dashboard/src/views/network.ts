/**
 * The amplification network panel (a campaign's page, an issue's page): the graph, how much of the
 * network it shows, a legend, and beside it the posts of the account last clicked, read from the
 * scope's posts route (campaign/posts, issue/posts) with the account.
 */
import type { NetworkGraph, NetworkNode, NetworkPost } from "../../shared/types.js";
import { getJson } from "../api.js";
import { SENTIMENT_COLOURS, SENTIMENT_LABELS } from "../charts.js";
import { h } from "../dom.js";
import { formatNumber } from "../format.js";
import { type LabelKey, t } from "../i18n.js";
import { MEMBER_RING, networkSvg } from "../network-graph.js";
import { postItem } from "./post-item.js";

/** A label with {name} placeholders filled in. */
function fill(key: LabelKey, values: Record<string, number>): string {
  return t(key).replace(/\{(\w+)\}/g, (_, name: string) => formatNumber(values[name] ?? 0));
}

function legend(): HTMLElement {
  const swatch = (style: string) => h("span", { class: "swatch round", style });
  return h(
    "ul",
    { class: "map-legend network-legend" },
    ...(["positive", "neutral", "negative", "unknown"] as const).map((sentiment) =>
      h("li", {}, swatch(`background:${SENTIMENT_COLOURS[sentiment]}`), t(SENTIMENT_LABELS[sentiment])),
    ),
    h("li", {}, swatch(`background:#fff;border:3px solid ${MEMBER_RING}`), t("networkMember")),
    h("li", {}, t("networkSize")),
    h("li", {}, h("span", { class: "line-sample" }), t("networkShare")),
    h("li", {}, h("span", { class: "line-sample dashed" }), t("networkReply")),
  );
}

export function networkPanel(postsPath: "campaign/posts" | "issue/posts", scope: Record<string, string>) {
  const figure = h("div", { class: "network-figure" });
  const caption = h("p", { class: "network-caption muted" });
  const postsHeading = h("h3", {}, t("accountPosts"));
  const posts = h("ol", { class: "stream account-posts" }, h("li", { class: "muted" }, t("pickAccount")));
  let selected: string | undefined;

  const select = async (node: NetworkNode) => {
    selected = node.id;
    for (const circle of figure.querySelectorAll(".network-node")) {
      circle.classList.toggle("selected", circle.getAttribute("data-account") === node.id);
    }
    postsHeading.textContent = `${t("accountPosts")}: @${node.handle}`;
    const answer = await getJson<{ posts: NetworkPost[] }>(postsPath, { ...scope, account: node.id });
    if (selected !== node.id) return;
    posts.dataset.account = node.id;
    posts.replaceChildren(
      ...(answer.posts.length ? answer.posts.map(postItem) : [h("li", { class: "muted" }, t("noData"))]),
    );
  };

  const root = h(
    "section",
    { class: "panel wide network-panel" },
    h("h2", {}, t("network")),
    caption,
    h("div", { class: "network-layout" }, figure, h("aside", { class: "network-posts" }, postsHeading, posts)),
    legend(),
  );
  return {
    root,
    update(graph: NetworkGraph | null) {
      if (!graph?.nodes.length) {
        caption.textContent = t("networkEmpty");
        figure.replaceChildren();
        return;
      }
      const counts = {
        nodes: graph.nodes.length,
        edges: graph.edges.length,
        totalNodes: graph.totalNodes,
        totalEdges: graph.totalEdges,
      };
      caption.textContent = fill(graph.truncated ? "networkShown" : "networkAll", counts);
      figure.replaceChildren(networkSvg(graph, (node) => void select(node)));
      figure.querySelector(`[data-account="${CSS.escape(selected ?? "")}"]`)?.classList.add("selected");
    },
  };
}
