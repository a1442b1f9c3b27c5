/**
 * A tile grid map of Indonesia's 38 provinces (one square each, placed roughly where the province
 * lies; no boundary data), coloured by persepsi index in five bins of a blue / orange diverging
 * scale that stays apart for every common colour-vision deficiency, with a legend, the numbers on
 * hover and in a table. Clicking a province filters the page to it (`?province=` in the address),
 * clicking it again or "clear" removes the filter.
 */
import type { ProvinceCell } from "../../shared/types.js";
import { h } from "../dom.js";
import { formatNumber, formatPercent } from "../format.js";
import { t } from "../i18n.js";

/** Column, row and short label of each province (Kemendagri code). */
const TILES: Record<string, [number, number, string]> = {
  "11": [0, 0, "ACEH"],
  "12": [1, 1, "SUMUT"],
  "13": [1, 2, "SUMBAR"],
  "14": [2, 1, "RIAU"],
  "15": [2, 2, "JAMBI"],
  "16": [3, 3, "SUMSEL"],
  "17": [2, 3, "BKL"],
  "18": [3, 4, "LPG"],
  "19": [4, 2, "BABEL"],
  "21": [3, 1, "KEPRI"],
  "31": [5, 4, "DKI"],
  "32": [6, 4, "JABAR"],
  "33": [7, 4, "JATENG"],
  "34": [7, 5, "DIY"],
  "35": [8, 4, "JATIM"],
  "36": [4, 4, "BANTEN"],
  "51": [9, 5, "BALI"],
  "52": [10, 5, "NTB"],
  "53": [11, 5, "NTT"],
  "61": [6, 2, "KALBAR"],
  "62": [7, 2, "KALTENG"],
  "63": [8, 3, "KALSEL"],
  "64": [8, 2, "KALTIM"],
  "65": [8, 1, "KALTARA"],
  "71": [11, 1, "SULUT"],
  "72": [10, 2, "SULTENG"],
  "73": [10, 3, "SULSEL"],
  "74": [11, 3, "SULTRA"],
  "75": [10, 1, "GTLO"],
  "76": [9, 3, "SULBAR"],
  "81": [13, 3, "MALUKU"],
  "82": [13, 2, "MALUT"],
  "91": [16, 2, "PAPUA"],
  "92": [15, 2, "PABAR"],
  "93": [16, 4, "PASEL"],
  "94": [15, 3, "PATENG"],
  "95": [16, 3, "PAPEG"],
  "96": [14, 2, "PBD"],
};

/** Persepsi index bins (upper bounds, inclusive but the last) and their colours: orange negative, blue positive. */
const BINS: { upTo: number; colour: string; ink: string; label: string }[] = [
  { upTo: -50, colour: "#D55E00", ink: "#fff", label: "≤ −50" },
  { upTo: -10, colour: "#F0B48C", ink: "#1a1a1a", label: "−50 … −10" },
  { upTo: 10, colour: "#E8E8E8", ink: "#1a1a1a", label: "−10 … +10" },
  { upTo: 50, colour: "#9CC8E5", ink: "#1a1a1a", label: "+10 … +50" },
  { upTo: Number.POSITIVE_INFINITY, colour: "#0072B2", ink: "#fff", label: "> +50" },
];
const NO_DATA = { colour: "#FFFFFF", ink: "#6b7280" };

/** The bin of an index (null: no labelled mentions). */
export function binOf(index: number | null): number | null {
  return index === null ? null : BINS.findIndex((bin) => index <= bin.upTo);
}

/** The province filter in the address (`#/...?province=32`), or null. */
export function provinceInHash(): string | null {
  return new URLSearchParams(location.hash.split("?")[1] ?? "").get("province");
}

/** Sets or clears the province filter, staying on the page. */
export function selectProvince(code: string | null): void {
  const path = location.hash.split("?")[0] || "#/";
  location.hash = code ? `${path}?${new URLSearchParams({ province: code })}` : path;
}

function signed(value: number | null): string {
  if (value === null) return "–";
  return `${value > 0 ? "+" : ""}${formatNumber(value)}`;
}

function describe(cell: ProvinceCell): string {
  const share = cell.negativeShare === null ? "–" : formatPercent(cell.negativeShare);
  return `${cell.name}: ${formatNumber(cell.mentions)} ${t("mentions").toLowerCase()}, ${t("persepsi").toLowerCase()} ${signed(cell.index)}, ${t("negativeShare").toLowerCase()} ${share}`;
}

function tile(cell: ProvinceCell, selected: string | null): HTMLElement {
  const [column, row, label] = TILES[cell.code] ?? [0, 6, cell.code];
  const bin = binOf(cell.index);
  const { colour, ink } = bin === null ? NO_DATA : (BINS[bin] as (typeof BINS)[number]);
  const chosen = cell.code === selected;
  return h(
    "button",
    {
      type: "button",
      class: `province-tile${bin === null ? " no-data" : ""}${chosen ? " selected" : ""}`,
      "data-province": cell.code,
      "data-bin": bin === null ? "none" : bin,
      "data-mentions": cell.mentions,
      style: `grid-column:${column + 1};grid-row:${row + 1};background:${colour};color:${ink}`,
      title: describe(cell),
      "aria-label": describe(cell),
      "aria-pressed": chosen ? "true" : "false",
      onclick: () => selectProvince(chosen ? null : cell.code),
    },
    label,
  );
}

function legend(): HTMLElement {
  const item = (colour: string, text: string, extra = "") =>
    h("li", {}, h("span", { class: `swatch${extra}`, style: `background:${colour}` }), text);
  return h(
    "ul",
    { class: "map-legend", "aria-label": t("persepsi") },
    ...BINS.map((bin) => item(bin.colour, bin.label)),
    item(NO_DATA.colour, t("noPlaceData"), " no-data"),
  );
}

export interface ProvinceMap {
  root: HTMLElement;
  update(cells: readonly ProvinceCell[], selected: string | null): void;
}

export function provinceMap(): ProvinceMap {
  const grid = h("div", { class: "province-grid", role: "group", "aria-label": t("provinceMap") });
  const filter = h("p", { class: "province-filter" });
  const rows = h("tbody");
  const root = h(
    "section",
    { class: "panel wide province-map" },
    h("h2", {}, t("provinceMap")),
    h("p", { class: "muted" }, t("mapHint")),
    filter,
    grid,
    legend(),
    h(
      "details",
      {},
      h("summary", {}, t("provinceTable")),
      h(
        "table",
        { class: "province-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("province")),
            h("th", { scope: "col", class: "num" }, t("mentions")),
            h("th", { scope: "col", class: "num" }, t("persepsi")),
            h("th", { scope: "col", class: "num" }, t("negativeShare")),
          ),
        ),
        rows,
      ),
    ),
  );
  return {
    root,
    update(cells, selected) {
      grid.replaceChildren(...cells.map((cell) => tile(cell, selected)));
      const chosen = cells.find((cell) => cell.code === selected);
      filter.replaceChildren(
        ...(chosen
          ? [
              `${t("filteredTo")} ${chosen.name} `,
              h(
                "button",
                { type: "button", class: "clear-province", onclick: () => selectProvince(null) },
                t("clearFilter"),
              ),
            ]
          : []),
      );
      rows.replaceChildren(
        ...cells
          .filter((cell) => cell.mentions > 0)
          .sort((a, b) => b.mentions - a.mentions || a.code.localeCompare(b.code))
          .map((cell) =>
            h(
              "tr",
              { "data-province": cell.code },
              h("th", { scope: "row" }, cell.name),
              h("td", { class: "num" }, formatNumber(cell.mentions)),
              h("td", { class: "num" }, signed(cell.index)),
              h("td", { class: "num" }, cell.negativeShare === null ? "–" : formatPercent(cell.negativeShare)),
            ),
          ),
      );
    },
  };
}
