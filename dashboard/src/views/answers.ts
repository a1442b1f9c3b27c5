/**
 * "Perlu dijawab": questions, complaints and requests to an agency that wait for its answer,
 * oldest first (responsiveness_queue), with filters by agency, platform and status, a link to each
 * post, and closing an item that needs no answer (stored with who and when).
 */
import { ANSWER_STATUSES, type AnswersAnswer, type QueueItem, type Settings } from "../../shared/types.js";
import { getJson, postJson } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, formatNumber } from "../format.js";
import { nameOf, t } from "../i18n.js";
import { agencyLink } from "./alert-list.js";
import type { View } from "./view.js";

const PLATFORMS = ["x", "facebook", "instagram", "youtube", "tiktok", "forum"];
/** The status filter's choices: what waits (the default), each status, everything. */
const statusChoices = (): [string, string][] => [
  ["open,overdue", t("waiting")],
  ...ANSWER_STATUSES.map((status): [string, string] => [status, t(status)]),
  [ANSWER_STATUSES.join(","), t("everything")],
];

/** A time to answer: minutes below an hour, else hours to one decimal. */
function duration(seconds: number): string {
  return seconds < 3600
    ? `${formatNumber(Math.round(seconds / 60))} ${t("minutesShort")}`
    : `${formatNumber(Math.round(seconds / 360) / 10)} ${t("hoursShort")}`;
}

export function answersView(settings: Settings, agency: string | undefined): View {
  const rows = h("tbody");
  const empty = h("p", { class: "muted" });
  const select = (name: string, label: string, choices: [string, string][], selected = "") =>
    h(
      "select",
      { name, "aria-label": label },
      ...choices.map(([value, text]) => h("option", { value, selected: value === selected }, text)),
    );
  const agencies = select(
    "agency",
    t("agency"),
    [["", t("allAgencies")], ...Object.entries(settings.agencies)],
    agency ?? "",
  );
  const platforms = select("platform", "Platform", [
    ["", t("allPlatforms")],
    ...PLATFORMS.map((p): [string, string] => [p, nameOf("platform", p)]),
  ]);
  const statuses = select("status", t("status"), statusChoices(), "open,overdue");
  let view: View;

  const answer = (item: QueueItem): Node | string => {
    if (item.status === "answered" && item.secondsToAnswer !== null) {
      return `${duration(item.secondsToAnswer)}, ${t("answeredBy")} @${item.answeringAccount}`;
    }
    if (item.status === "closed") return `${t("closedBy")} ${item.closedBy} · ${formatDateTime(item.closedAt ?? 0)}`;
    const button = h("button", { type: "button", class: "close-item" }, t("closeItem"));
    button.addEventListener("click", async () => {
      button.disabled = true;
      await postJson("answers/close", { agency: item.agency, platform: item.platform, itemId: item.itemId });
      await view.refresh();
    });
    return button;
  };

  const root = h(
    "section",
    { class: "panel wide answers-page" },
    h("h2", {}, t("needsAnswer")),
    h("div", { class: "filters" }, agencies, " ", platforms, " ", statuses),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("askedAt")),
          h("th", {}, t("agency")),
          h("th", {}, "Platform"),
          h("th", {}, t("question")),
          h("th", {}, t("status")),
          h("th", {}, t("dueAt")),
          h("th", {}, t("answer")),
        ),
      ),
      rows,
    ),
    empty,
  );
  view = {
    root,
    refresh: async () => {
      const params: Record<string, string> = { status: statuses.value };
      if (agencies.value) params.agency = agencies.value;
      if (platforms.value) params.platform = platforms.value;
      const data = await getJson<AnswersAnswer>("answers", params);
      empty.textContent = data.items.length ? "" : t("nothingWaiting");
      rows.replaceChildren(
        ...data.items.map((item) =>
          h(
            "tr",
            { "data-item-id": item.itemId, "data-status": item.status, class: `answer-${item.status}` },
            h("td", {}, formatDateTime(item.askedAt)),
            h("td", {}, agencyLink(item.agency, settings.agencies)),
            h("td", {}, nameOf("platform", item.platform)),
            h(
              "td",
              {},
              item.url ? h("a", { href: item.url, target: "_blank", rel: "noopener" }, item.text) : item.text,
              h("br"),
              h("span", { class: "muted" }, `@${item.authorHandle}`),
            ),
            h("td", {}, h("strong", {}, t(item.status))),
            h("td", {}, formatDateTime(item.dueAt)),
            h("td", {}, answer(item)),
          ),
        ),
      );
    },
    destroy: () => {},
  };
  for (const control of [agencies, platforms, statuses]) control.addEventListener("change", () => void view.refresh());
  return view;
}
