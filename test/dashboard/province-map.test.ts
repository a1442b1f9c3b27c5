/**
 * The province map of the monitoring room, in Debian's chromium driven by playwright-core: the
 * dashboard stage alone over chdb seeded with the analysts' hand-built data (test/fixtures/
 * analytics.ts: mentions placed in Jawa Barat, Jawa Timur and DKI Jakarta). All 38 provinces are
 * drawn, each coloured by the bin of its persepsi index, and a click on one filters the overview's
 * agencies and the agency view's mention stream to it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { loadConfig } from "../../runtime/config.js";
import { A, BPJS, DAY, DKI, JABAR, JATIM, seedAnalytics } from "../fixtures/analytics.js";
import { openBrowserPage } from "../support/browser.js";
import { ARTIFACTS_DIR, freePort, tempDir } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const WIB_MS = 7 * 3_600_000;
/** A datetime-local value: wall time in WIB, the dashboard's default zone. */
const wib = (ms: number) => new Date(ms + WIB_MS).toISOString().slice(0, 16);

let pipeline: Pipeline;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("province-map"),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
  });
  pipeline = await startPipeline({ config, stages: ["dashboard"] });
  await seedAnalytics(await pipeline.context.storage());
  base = `http://127.0.0.1:${pipeline.httpPort}`;
  ({ browser, page } = await openBrowserPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

/** The seeded weeks: the custom range from the day before A to now. */
async function chooseSeededRange(): Promise<void> {
  await page.locator("select[name=range]").selectOption("custom");
  await page.locator("input[name=from]").fill(wib(A - DAY));
  await page.locator("input[name=to]").fill(wib(Date.now()));
  await page.getByRole("button", { name: "Terapkan" }).click();
}

const tileOf = (code: string) => page.locator(`.province-tile[data-province="${code}"]`);

describe("province map", () => {
  it("draws the 38 provinces coloured by their persepsi index, with the numbers on hover and in a table", async () => {
    await page.goto(`${base}/dashboard/#/`, { waitUntil: "domcontentloaded" });
    await chooseSeededRange();
    await expect.poll(() => tileOf(JABAR).getAttribute("data-mentions"), { timeout: 60_000 }).toBe("26");
    expect(await page.locator(".province-tile").count()).toBe(38);
    // Jawa Barat (10 - 16) / 26 = -23.1: the second bin; Jawa Timur +100; DKI Jakarta -100; Aceh none.
    expect(await tileOf(JABAR).getAttribute("data-bin")).toBe("1");
    expect(await tileOf(JATIM).getAttribute("data-bin")).toBe("4");
    expect(await tileOf(DKI).getAttribute("data-bin")).toBe("0");
    expect(await tileOf("11").getAttribute("data-bin")).toBe("none");
    const colour = (code: string) =>
      tileOf(code).evaluate((tile) => tile.ownerDocument.defaultView?.getComputedStyle(tile).backgroundColor);
    expect(await colour(JABAR)).toBe("rgb(240, 180, 140)");
    expect(await colour(JATIM)).toBe("rgb(0, 114, 178)");
    expect(await colour(DKI)).toBe("rgb(213, 94, 0)");
    expect(await colour("11")).toBe("rgb(255, 255, 255)");
    expect(await tileOf(JABAR).getAttribute("title")).toBe(
      "Jawa Barat: 26 sebutan, indeks persepsi -23,08, porsi negatif 61,54%",
    );
    const table = page.locator(".province-table tbody tr");
    expect(await table.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-province")))).toEqual([
      JABAR,
      DKI,
      JATIM,
    ]);
    expect(await page.locator(".map-legend li").count()).toBe(6);
    await page.screenshot({ path: join(SCREENSHOTS, "province-map-1366x768.png") });
  }, 120_000);

  it("filters the agencies and an agency's mention stream to a clicked province, and clears", async () => {
    await tileOf(JABAR).click();
    await page.waitForURL(/#\/\?province=32$/);
    // Only BPJS Kesehatan has mentions in Jawa Barat (Polri's are in DKI Jakarta or nowhere).
    await expect.poll(() => page.locator("tr.agency-row").count()).toBe(1);
    expect(await page.locator("tr.agency-row td.mentions").textContent()).toBe("26");
    expect(await tileOf(JABAR).getAttribute("aria-pressed")).toBe("true");
    await page.locator(`tr.agency-row[data-agency="${BPJS}"]`).click();
    await page.waitForURL(/#\/agency\/BPJS%20Kesehatan\?province=32$/);
    await expect.poll(() => page.locator(".stream-item").count(), { timeout: 20_000 }).toBe(26);
    // The map still shows every province of the agency, the chosen one marked.
    expect(await tileOf(JATIM).getAttribute("data-mentions")).toBe("5");
    expect(await tileOf(JABAR).getAttribute("aria-pressed")).toBe("true");
    await page.screenshot({ path: join(SCREENSHOTS, "province-filter-1366x768.png") });
    await page.getByRole("button", { name: "Hapus saringan" }).click();
    await page.waitForURL(/#\/agency\/BPJS%20Kesehatan$/);
    // 61 BPJS mentions in the range; the stream shows the newest 30.
    await expect.poll(() => page.locator(".stream-item").count(), { timeout: 20_000 }).toBe(30);
  }, 120_000);
});
