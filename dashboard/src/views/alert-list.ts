/** Alert rows, shared by the overview's feed and the alerts page. */
import type { AlertRow } from "../../shared/types.js";
import { h } from "../dom.js";
import { formatDateTime, formatNumber } from "../format.js";
import { nameOf, t } from "../i18n.js";

export function agencyLink(id: string | null, names: Record<string, string>): Node | string {
  if (!id) return "–";
  return h("a", { href: `#/agency/${encodeURIComponent(id)}` }, names[id] ?? id);
}

/** Why the alert fired, from the evidence it carries. */
export function alertReason(alert: AlertRow): string {
  const parts = [
    `${alert.signal}: ${t("observed")} ${formatNumber(alert.observed)}`,
    `${t("baseline")} ${formatNumber(alert.baseline)}${alert.baselineMethod ? ` (${alert.baselineMethod})` : ""}`,
    `${t("threshold")} ${formatNumber(alert.threshold)}`,
  ];
  if (alert.z !== null) parts.push(`z = ${formatNumber(alert.z)}`);
  return parts.join(" · ");
}

export function severityBadge(alert: AlertRow): HTMLElement {
  return h("span", { class: `badge severity-${alert.severity}` }, nameOf("severity", alert.severity));
}

export function alertFeedItem(alert: AlertRow, names: Record<string, string>): HTMLElement {
  return h(
    "li",
    { class: `alert-item status-${alert.status}`, "data-alert-id": alert.id },
    h("time", {}, formatDateTime(alert.firedAt)),
    " ",
    severityBadge(alert),
    " ",
    agencyLink(alert.agency, names),
    h("p", {}, alert.message),
    h("p", { class: "muted" }, alertReason(alert)),
  );
}
