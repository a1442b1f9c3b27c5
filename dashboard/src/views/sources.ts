/**
 * "Sumber": each source of the sources file with its health (status, last success, items per
 * hour, lag, rate-limit waits, errors), worst first, from what the ingest stage stores of it.
 */
import { SOURCE_STATES, type SourceHealth, type SourceState, type SourcesAnswer } from "../../shared/types.js";
import { getJson } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, formatNumber } from "../format.js";
import { type LabelKey, t } from "../i18n.js";
import type { View } from "./view.js";

const STATE_LABELS: Record<SourceState, LabelKey> = {
  silent: "stateSilent",
  rateLimited: "stateRateLimited",
  errors: "stateErrors",
  ok: "stateOk",
  waiting: "stateWaiting",
};

/** A span of time: seconds below two minutes, minutes below two hours, else hours. */
export function span(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${formatNumber(seconds)} ${t("secondsShort")}`;
  if (seconds < 7200) return `${formatNumber(Math.round(seconds / 60))} ${t("minutesShort")}`;
  return `${formatNumber(Math.round(seconds / 360) / 10)} ${t("hoursShort")}`;
}

function row(source: SourceHealth): HTMLElement {
  const waits = [
    source.rateLimitedSecondsLastHour > 0 ? span(source.rateLimitedSecondsLastHour * 1000) : "–",
    source.rateLimitedUntil ? ` (${t("until")} ${formatDateTime(source.rateLimitedUntil)})` : "",
  ].join("");
  const errors = [
    `${formatNumber(source.deadLettersLastHour)} ${t("deadLettersShort")}`,
    `${formatNumber(source.requestErrorsLastHour)} ${t("requestErrorsShort")}`,
  ].join(" · ");
  return h(
    "tr",
    { class: `source-row source-${source.state}`, "data-source": source.id, "data-state": source.state },
    h("th", { scope: "row" }, source.id),
    h("td", {}, source.type),
    h(
      "td",
      { class: "source-state" },
      h("strong", {}, t(STATE_LABELS[source.state])),
      source.silentForMs === null ? "" : ` · ${t("silentFor")} ${span(source.silentForMs)}`,
    ),
    h("td", {}, source.lastSuccessAt ? formatDateTime(source.lastSuccessAt) : "–"),
    h("td", { class: "num items" }, formatNumber(source.itemsLastHour)),
    h("td", { class: "num lag" }, source.lagSeconds === null ? "–" : span(source.lagSeconds * 1000)),
    h("td", { class: "waits" }, waits),
    h(
      "td",
      { class: "errors" },
      errors,
      source.lastError ? h("div", { class: "muted last-error" }, source.lastError) : "",
    ),
  );
}

export function sourcesView(): View {
  const rows = h("tbody");
  const note = h("p", { class: "muted" });
  const root = h(
    "section",
    { class: "panel wide sources-page" },
    h("h2", {}, t("sourcesTitle")),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t("sourceId")),
          h("th", { scope: "col" }, t("sourceType")),
          h("th", { scope: "col" }, t("sourceState")),
          h("th", { scope: "col" }, t("lastSuccess")),
          h("th", { scope: "col", class: "num" }, t("itemsPerHour")),
          h("th", { scope: "col", class: "num" }, t("lag")),
          h("th", { scope: "col" }, t("rateLimitWaits")),
          h("th", { scope: "col" }, t("sourceErrors")),
        ),
      ),
      rows,
    ),
    note,
  );
  return {
    root,
    refresh: async () => {
      const data = await getJson<SourcesAnswer>("sources");
      note.textContent = data.configured ? "" : t("noSourcesFile");
      const sorted = [...data.sources].sort(
        (a, b) => SOURCE_STATES.indexOf(a.state) - SOURCE_STATES.indexOf(b.state) || a.id.localeCompare(b.id),
      );
      rows.replaceChildren(...sorted.map(row));
    },
    destroy: () => {},
  };
}
