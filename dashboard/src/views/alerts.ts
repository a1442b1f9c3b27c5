/** Alert history: when and why each alert fired, and acknowledging it. */
import type { AlertRow, AlertsAnswer, Settings } from "../../shared/types.js";
import { getJson, postJson } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime } from "../format.js";
import { t } from "../i18n.js";
import { agencyLink, alertReason, severityBadge } from "./alert-list.js";
import type { RangeParams, View } from "./view.js";

export function alertsView(settings: Settings, range: () => RangeParams): View {
  const rows = h("tbody");
  const empty = h("p", { class: "muted" });
  let view: View;

  const acknowledgement = (alert: AlertRow): HTMLElement => {
    if (alert.acknowledgedAt) {
      return h("span", { class: "acknowledged" }, `✓ ${t("acknowledged")} ${formatDateTime(alert.acknowledgedAt)}`);
    }
    const button = h("button", { type: "button", class: "acknowledge" }, t("acknowledge"));
    button.addEventListener("click", async () => {
      button.disabled = true;
      await postJson("alerts/acknowledge", { id: alert.id });
      await view.refresh();
    });
    return button;
  };

  const root = h(
    "section",
    { class: "panel wide alerts-page" },
    h("h2", {}, t("alertHistory")),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("firedAt")),
          h("th", {}, t("agency")),
          h("th", {}, t("severity")),
          h("th", {}, t("status")),
          h("th", {}, t("why")),
          h("th", {}, ""),
        ),
      ),
      rows,
    ),
    empty,
  );
  view = {
    root,
    refresh: async () => {
      const data = await getJson<AlertsAnswer>("alerts", range());
      empty.textContent = data.alerts.length ? "" : t("noAlerts");
      rows.replaceChildren(
        ...data.alerts.map((alert) =>
          h(
            "tr",
            { "data-alert-id": alert.id },
            h("td", {}, formatDateTime(alert.firedAt)),
            h("td", {}, agencyLink(alert.agency, settings.agencies)),
            h("td", {}, severityBadge(alert)),
            h("td", {}, alert.status === "resolved" ? t("resolved") : t("firing")),
            h("td", {}, h("strong", {}, alert.message), h("br"), h("span", { class: "muted" }, alertReason(alert))),
            h("td", {}, acknowledgement(alert)),
          ),
        ),
      );
    },
    destroy: () => {},
  };
  return view;
}
