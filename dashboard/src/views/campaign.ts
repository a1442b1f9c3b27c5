/**
 * #/campaign/<id>: a coordinated campaign (the coordination stage's campaigns) — why it was
 * flagged, its numbers and time — and its amplification network, a click on an account listing
 * its posts in the campaign's time.
 */
import type { CampaignNetwork } from "../../shared/types.js";
import { getJson } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, formatNumber } from "../format.js";
import { nameOf, t } from "../i18n.js";
import { networkPanel } from "./network.js";
import type { View } from "./view.js";

/** `names`: the agencies' names by id (settings). */
export function campaignView(id: string, names: Record<string, string>): View {
  const back = h("a", { href: "#/" }, `← ${t("overview")}`);
  const heading = h("h1", {}, `${t("campaign")}: ${id}`);
  const summary = h("div", { class: "campaign-summary" });
  const network = networkPanel("campaign/posts", { id });
  const root = h(
    "div",
    { class: "campaign-view", "data-campaign": id },
    h("p", {}, back),
    heading,
    summary,
    network.root,
  );
  return {
    root,
    refresh: async () => {
      const data = await getJson<CampaignNetwork>("campaign/network", { id }).catch((error: Error) => {
        // Retired by the coordination stage, expired, or never there.
        if (!error.message.endsWith(": 404")) throw error;
        return null;
      });
      const campaign = data?.campaign;
      if (!data || !campaign) {
        summary.replaceChildren(h("p", { class: "muted" }, t("campaignGone")));
        network.update(null);
        return;
      }
      const agency = campaign.agencies[0];
      if (agency) {
        back.setAttribute("href", `#/agency/${encodeURIComponent(agency)}`);
        back.textContent = `← ${names[agency] ?? agency}`;
      }
      summary.replaceChildren(
        h("blockquote", { class: "campaign-text" }, campaign.text),
        h(
          "p",
          {},
          `${nameOf("platform", campaign.platform)} · ${formatNumber(campaign.accounts)} ${t("networkAccounts")} · ${formatNumber(campaign.posts)} ${t("networkPosts")} · ${t("score")} ${formatNumber(campaign.score)} · ${formatDateTime(campaign.firstSeen)} – ${formatDateTime(campaign.lastSeen)}`,
        ),
        h("ul", { class: "campaign-reasons" }, ...campaign.reasons.map((reason) => h("li", {}, reason))),
      );
      network.update(data);
    },
    destroy: () => {},
  };
}
