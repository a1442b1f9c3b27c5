/**
 * The agency view's "Kampanye terkoordinasi" panel and both persepsi numbers in Debian's chromium
 * (playwright-core, headless): the dashboard stage on embedded ClickHouse seeded with one mention so
 * the overview lists the agency, and test/fixtures/coordination.ts seedPersepsiPair (a campaign's
 * accounts pull the agency's persepsi from +40 to -30) with two of its campaigns. The overview and
 * the agency view show both persepsi numbers, the panel the campaigns. Apart from
 * issues-page.test.ts, whose campaign network around the same agency would change these numbers.
 * Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignRow, seedPersepsiPair } from "../fixtures/coordination.js";
import { type DashboardPage, openDashboardPage } from "../support/dashboard-page.js";
import { ARTIFACTS_DIR } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const HOUR = 3_600_000;
const AGENCY = "bpjs-kesehatan";
/** An agency whose campaign account moves persepsi by less than the gap, and that has no campaign listed. */
const QUIET = "kpu";
const MIN = 60_000;
const NOW = Date.now();
/** The active campaign (its accounts' posts from here), and one that ended four hours ago. */
const ACTIVE = { first: NOW - 40 * MIN, last: NOW - 5 * MIN };
const ENDED = { first: NOW - 5 * HOUR, last: NOW - 4 * HOUR };
let dashboard: DashboardPage;
let page: Page;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  dashboard = await openDashboardPage("campaigns-page", AGENCY, async (storage) => {
    await seedPersepsiPair(storage, AGENCY, ACTIVE.first, { quiet: QUIET });
    await storage.client.insert({
      table: storage.table("campaigns"),
      values: [
        campaignRow(`${AGENCY}-c`, AGENCY, ACTIVE.first, ACTIVE.last, { target: "x:p1" }),
        campaignRow("ended", AGENCY, ENDED.first, ENDED.last),
        // Before the range, and another agency's.
        campaignRow("old", AGENCY, NOW - 3 * 24 * HOUR, NOW - 2 * 24 * HOUR),
        campaignRow("other", "kpk", ACTIVE.first, ACTIVE.last),
      ],
      format: "JSONEachRow",
    });
  });
  ({ page, base } = dashboard);
}, 120_000);

afterAll(async () => {
  await dashboard?.close();
});

describe("Kampanye terkoordinasi on the agency view", () => {
  /** A time as the page writes it (id-ID, WIB), formatted by the browser's own Intl. */
  const shown = (ms: number) =>
    page.evaluate(
      (at) =>
        `${new Intl.DateTimeFormat("id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" }).format(at)} WIB`,
      ms,
    );
  const cells = (row: string) =>
    page
      .locator(row)
      .evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
  /** A campaign row of 10 accounts and 10 posts as the page should show it. */
  const expectedRow = async (state: string, span: typeof ACTIVE, message: string, reasons: string) => [
    state,
    "10",
    "10",
    `${await shown(span.first)} – ${await shown(span.last)}`,
    message,
    reasons,
  ];

  it("shows both persepsi numbers on the overview where the campaign's accounts move it beyond 3 points", async () => {
    await page.goto(`${base}/dashboard/`, { waitUntil: "domcontentloaded" });
    const index = (agency: string) => page.locator(`tr.agency-row[data-agency="${agency}"] td.index`);
    await expect
      .poll(() => index(AGENCY).textContent(), { timeout: 30_000 })
      .toBe("-30 · tanpa akun terkoordinasi +40");
    // 11 positive of 21 with everyone, 10 of 20 without: within the gap, one number.
    expect(await index(QUIET).textContent()).toBe("+52,38");
  });

  it("lists the agency's active and recent campaigns, linking to each, with both persepsi numbers", async () => {
    await page.goto(`${base}/dashboard/#/agency/${AGENCY}`, { waitUntil: "domcontentloaded" });
    const rows = page.locator(".campaigns-panel tr.campaign-row");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator(".campaigns-panel h2").textContent()).toBe("Kampanye terkoordinasi");
    expect(await page.locator(".persepsi-line").textContent()).toBe("Persepsi -30 · tanpa akun terkoordinasi +40");
    const reasons =
      "0,75 · 3 gelombang unggahan nyaris sama · 80% pasangan akun berulang kali bergerak bersama · median 40 pengikut";
    expect(await cells(".campaigns-panel tr.campaign-row")).toEqual([
      await expectedRow("Aktif", ACTIVE, "“dukung program ini” · memperkuat unggahan x:p1", reasons),
      await expectedRow("Selesai", ENDED, "“dukung program ini”", reasons),
    ]);
    expect(
      await rows.locator("a.campaign-link").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
    ).toEqual([`#/campaign/${AGENCY}-c`, "#/campaign/ended"]);
    expect(await page.locator(".campaigns-panel .empty").textContent()).toBe("");
    await page.screenshot({ path: join(SCREENSHOTS, "agency-campaigns-1366x768.png"), fullPage: true });
    // In English, and back (the choice is remembered).
    await page.getByRole("button", { name: "Bahasa" }).click();
    await expect
      .poll(() => page.locator(".persepsi-line").textContent())
      .toBe("Perception -30 · without coordinated accounts +40");
    expect(await cells(".campaigns-panel tr.campaign-row:last-child")).toEqual([
      await expectedRow(
        "Ended",
        ENDED,
        "“dukung program ini”",
        "0,75 · 3 waves of near-identical posts · 80% of account pairs acted together repeatedly · median 40 followers",
      ),
    ]);
    await page.getByRole("button", { name: "Language" }).click();
    await expect.poll(() => page.locator(".campaigns-panel h2").textContent()).toBe("Kampanye terkoordinasi");
  });

  it("says so when an agency has no campaign, and shows one persepsi number within the gap", async () => {
    await page.goto(`${base}/dashboard/#/agency/${QUIET}`, { waitUntil: "domcontentloaded" });
    await expect.poll(() => page.locator(".persepsi-line").textContent(), { timeout: 30_000 }).toBe("Persepsi +52,38");
    expect(await page.locator(".campaigns-panel tr.campaign-row").count()).toBe(0);
    expect(await page.locator(".campaigns-panel .empty").textContent()).toBe(
      "Tidak ada kampanye terkoordinasi pada rentang ini.",
    );
  });
});
