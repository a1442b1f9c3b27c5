/**
 * "Kampanye terkoordinasi": an agency's coordinated campaigns of the range (the coordination
 * stage's campaigns) as a panel of the agency view, each linking to its network page
 * (#/campaign/<id>); and persepsi with and without the campaigns' accounts, shown as two numbers
 * when they differ by more than PERSEPSI_GAP_POINTS (dashboard/shared/coordination.ts).
 */
import { CAMPAIGN_GRACE_MS, type PersepsiPair, showsOrganic } from "../../shared/coordination.js";
import type { CampaignSummary } from "../../shared/types.js";
import { h } from "../dom.js";
import { formatDateTime, formatNumber, formatPercent } from "../format.js";
import { type LabelKey, t } from "../i18n.js";

export function campaignHref(id: string): string {
  return `#/campaign/${encodeURIComponent(id)}`;
}

/** An index with its sign ("+40", "-30"), "–" when there is none. */
export function signed(value: number | null): string {
  if (value === null) return "–";
  return `${value > 0 ? "+" : ""}${formatNumber(value)}`;
}

/** `single` (the index with everyone), or both numbers when they differ beyond the gap. */
export function persepsiText(pair: PersepsiPair, single: number | null): string {
  if (!showsOrganic(pair)) return signed(single);
  return `${signed(pair.index)} · ${t("withoutFlagged")} ${signed(pair.organicIndex)}`;
}

/** The detector's reason codes (processors/coordination) in words; shares 0..1 read as percentages. */
const REASONS: Record<string, { label: LabelKey; share: boolean }> = {
  copies: { label: "reasonCopies", share: false },
  amplification: { label: "reasonAmplification", share: false },
  ties: { label: "reasonTies", share: true },
  "new-accounts": { label: "reasonNewAccounts", share: true },
  handles: { label: "reasonHandles", share: true },
  followers: { label: "reasonFollowers", share: false },
  shares: { label: "reasonShares", share: true },
  rate: { label: "reasonRate", share: false },
};

function reasonText(campaign: CampaignSummary): string[] {
  return campaign.reasonCodes.map(({ kind, value }, i) => {
    const known = REASONS[kind];
    if (!known) return campaign.reasons[i] ?? kind;
    return t(known.label).replace("{n}", known.share ? formatPercent(value) : formatNumber(value));
  });
}

function campaignRow(campaign: CampaignSummary, now: number): HTMLElement {
  const active = now - campaign.lastSeen <= CAMPAIGN_GRACE_MS;
  const message = [
    campaign.text && `“${campaign.text}”`,
    campaign.target && `${t("campaignTarget")} ${campaign.target}`,
  ]
    .filter(Boolean)
    .join(" · ");
  return h(
    "tr",
    { class: "campaign-row", "data-campaign": campaign.id },
    h(
      "td",
      {},
      h(
        "span",
        { class: `badge campaign-${active ? "active" : "ended"}` },
        t(active ? "campaignActive" : "campaignEnded"),
      ),
    ),
    h("td", { class: "num" }, formatNumber(campaign.accounts)),
    h("td", { class: "num" }, formatNumber(campaign.posts)),
    h("td", {}, `${formatDateTime(campaign.firstSeen)} – ${formatDateTime(campaign.lastSeen)}`),
    h("td", {}, h("a", { href: campaignHref(campaign.id), class: "campaign-link" }, message || campaign.id)),
    h(
      "td",
      {},
      h("strong", {}, formatNumber(campaign.score)),
      h("span", { class: "muted" }, ` · ${reasonText(campaign).join(" · ")}`),
    ),
  );
}

/** The agency view's "Kampanye terkoordinasi" panel. */
export function campaignsPanel() {
  const rows = h("tbody");
  const empty = h("p", { class: "muted empty" });
  const columns: LabelKey[] = [
    "campaignState",
    "campaignAccounts",
    "campaignPosts",
    "campaignSpan",
    "campaignMessage",
    "campaignScore",
  ];
  const root = h(
    "section",
    { class: "panel wide campaigns-panel" },
    h("h2", {}, t("campaigns")),
    h("table", {}, h("thead", {}, h("tr", {}, ...columns.map((key) => h("th", { scope: "col" }, t(key))))), rows),
    empty,
  );
  return {
    root,
    update(campaigns: readonly CampaignSummary[]) {
      const now = Date.now();
      rows.replaceChildren(...campaigns.map((campaign) => campaignRow(campaign, now)));
      empty.textContent = campaigns.length ? "" : t("noCampaigns");
    },
  };
}
