/**
 * The monitoring room: a header (pages, time range, language, wall mode, connection), and the
 * page of the address's hash: #/ overview, #/agency/<id>, #/issue/<agency id>/<issue key>,
 * #/campaign/<id> (a coordinated campaign and its amplification network), #/alerts,
 * #/answers[/<agency id>] (needs an answer), #/sources (source health), #/wall (large type, rotating
 * through the agencies). Pages refresh when the server says new data landed.
 */
import "./style.css";
import type { OverviewAnswer, Settings } from "../shared/types.js";
import { getJson, listenForChanges } from "./api.js";
import { h } from "./dom.js";
import { formatDateTime, setTimeZone, wallTimeToIso, zoneName } from "./format.js";
import { initialLanguage, type LabelKey, type Language, setLanguage, t } from "./i18n.js";
import { agencyView } from "./views/agency.js";
import { alertsView } from "./views/alerts.js";
import { answersView } from "./views/answers.js";
import { campaignView } from "./views/campaign.js";
import { issueView } from "./views/issues.js";
import { overviewView } from "./views/overview.js";
import { provinceInHash } from "./views/province-map.js";
import { sourcesView } from "./views/sources.js";
import type { RangeParams, View } from "./views/view.js";

const RANGES: [string, LabelKey][] = [
  ["1h", "range1h"],
  ["24h", "range24h"],
  ["7d", "range7d"],
  ["custom", "rangeCustom"],
];
/** Changes arrive up to every second; changes this close together make one refresh. */
const REFRESH_DEBOUNCE_MS = 250;

const app = document.getElementById("app") as HTMLElement;
const settings = await getJson<Settings>("settings");
setTimeZone(settings.timezone);
setLanguage(initialLanguage(settings.language), false);

let range: RangeParams = { range: "24h" };
/** What the data API is asked for: the range, and the province filter of the address. */
const params = (): RangeParams => {
  const province = provinceInHash();
  return province ? { ...range, province } : range;
};
let view: View | undefined;
let connected = false;
let updatedAt: number | undefined;
let wallTimer: number | undefined;

/**
 * One refresh at a time; one asked for meanwhile runs once it is done. Run side by side, a slow
 * answer for what was shown before (the last range) could land after the answer for what was
 * chosen since, and stay on the screen until the next change: the province map kept the 24-hour
 * range's zeros after a custom range was applied (test/dashboard/province-map.test.ts under load).
 */
let refreshing = false;
let refreshAgain = false;
async function refresh(): Promise<void> {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  do {
    refreshAgain = false;
    if (!view) break;
    try {
      const asOf = await view.refresh();
      updatedAt = typeof asOf === "number" ? asOf : Date.now();
      document.body.dataset.loaded = "true";
    } catch (error) {
      console.error(error);
    }
    renderStatus();
  } while (refreshAgain);
  refreshing = false;
}

let refreshTimer: number | undefined;
function refreshSoon(): void {
  window.clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(() => void refresh(), REFRESH_DEBOUNCE_MS);
}

const status = h("span", { class: "status", role: "status" });
function renderStatus(): void {
  status.className = `status ${connected ? "online" : "offline"}`;
  status.textContent = `${connected ? `● ${t("live")}` : `○ ${t("offline")}`}${
    updatedAt ? ` · ${t("updated")} ${formatDateTime(updatedAt)}` : ""
  }`;
}

function rangeControl(): HTMLElement {
  const from = h("input", { type: "datetime-local", "aria-label": t("from"), name: "from" });
  const to = h("input", { type: "datetime-local", "aria-label": t("to"), name: "to" });
  const custom = h(
    "span",
    { class: "custom-range", hidden: range.range !== "custom" },
    h("label", {}, `${t("from")} `, from),
    h("label", {}, ` ${t("to")} `, to),
    ` ${zoneName()} `,
    h(
      "button",
      {
        type: "button",
        onclick: () => {
          if (!from.value || !to.value) return;
          range = { range: "custom", from: wallTimeToIso(from.value), to: wallTimeToIso(to.value) };
          void refresh();
        },
      },
      t("apply"),
    ),
  );
  const select = h(
    "select",
    { "aria-label": t("range"), name: "range" },
    ...RANGES.map(([key, label]) => h("option", { value: key, selected: range.range === key }, t(label))),
  );
  select.addEventListener("change", () => {
    custom.hidden = select.value !== "custom";
    if (select.value === "custom") return;
    range = { range: select.value };
    void refresh();
  });
  return h("span", { class: "range" }, select, custom);
}

function header(route: string): HTMLElement {
  const nav = (href: string, label: LabelKey, active: boolean) =>
    h("a", { href, class: active ? "active" : undefined, "aria-current": active ? "page" : undefined }, t(label));
  const other: Language = document.documentElement.lang === "en" ? "id" : "en";
  return h(
    "header",
    {},
    h("strong", { class: "brand" }, "Simak"),
    h(
      "nav",
      {},
      nav("#/", "overview", route === "overview"),
      nav("#/alerts", "alerts", route === "alerts"),
      nav("#/answers", "needsAnswer", route === "answers"),
      nav("#/sources", "sources", route === "sources"),
      nav(route === "wall" ? "#/" : "#/wall", route === "wall" ? "exitWall" : "wall", false),
    ),
    rangeControl(),
    h(
      "button",
      {
        type: "button",
        class: "language",
        "aria-label": t("language"),
        onclick: () => {
          setLanguage(other, true);
          show();
        },
      },
      other === "en" ? "English" : "Bahasa Indonesia",
    ),
    status,
  );
}

/** Wall mode: each agency in turn (busiest first), for settings.rotateSeconds each. */
async function startWall(page: HTMLElement): Promise<void> {
  const overview = await getJson<OverviewAnswer>("overview", params());
  const agencies = overview.agencies.map((agency) => agency.id);
  let next = 0;
  const rotate = () => {
    view?.destroy();
    const id = agencies[next % Math.max(agencies.length, 1)];
    next++;
    view = id ? agencyView(id, params) : overviewView(settings, params);
    page.replaceChildren(view.root);
    void refresh();
  };
  rotate();
  wallTimer = window.setInterval(rotate, settings.rotateSeconds * 1000);
}

function show(): void {
  const [, route = "", argument, detail] = (location.hash.split("?")[0] as string).split("/");
  view?.destroy();
  view = undefined;
  window.clearInterval(wallTimer);
  document.body.classList.toggle("wall", route === "wall");
  const page = h("main", {});
  const pages = ["alerts", "answers", "sources", "wall"];
  const name =
    route === "agency" && argument
      ? "agency"
      : route === "issue" && argument && detail
        ? "issue"
        : route === "campaign" && argument
          ? "campaign"
          : pages.includes(route)
            ? route
            : "overview";
  app.replaceChildren(header(name), page);
  renderStatus();
  if (name === "wall") {
    void startWall(page);
    return;
  }
  if (name === "agency") view = agencyView(decodeURIComponent(argument as string), params);
  else if (name === "issue")
    view = issueView(decodeURIComponent(argument as string), decodeURIComponent(detail as string));
  else if (name === "campaign") view = campaignView(decodeURIComponent(argument as string), settings.agencies);
  else if (name === "alerts") view = alertsView(settings, () => range);
  else if (name === "answers") view = answersView(settings, argument ? decodeURIComponent(argument) : undefined);
  else if (name === "sources") view = sourcesView();
  else view = overviewView(settings, params);
  page.append(view.root);
  void refresh();
}

window.addEventListener("hashchange", show);
listenForChanges(refreshSoon, (isConnected) => {
  connected = isConnected;
  renderStatus();
});
show();
