/**
 * The "Perlu dijawab" page in Debian's chromium (playwright-core, headless): the dashboard stage on
 * embedded ClickHouse seeded with test/fixtures/responsiveness.ts (and one mention, so the overview
 * lists the agency): the overview's overdue count, the queue oldest first with its filters, and
 * closing an item. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localWeek } from "../../processors/responsiveness/index.js";
import { seedResponsiveness } from "../fixtures/responsiveness.js";
import { type DashboardPage, openDashboardPage } from "../support/dashboard-page.js";
import { ARTIFACTS_DIR } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const DAY = 86_400_000;
const AGENCY = "bpjs-kesehatan";
let dashboard: DashboardPage;
let page: Page;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  dashboard = await openDashboardPage("answers-page", AGENCY, async (storage) => {
    await seedResponsiveness(storage, AGENCY, Date.parse(`${localWeek(Date.now() - 14 * DAY, "UTC")}T00:00:00Z`));
  });
  ({ page, base } = dashboard);
}, 120_000);

afterAll(async () => {
  await dashboard?.close();
});

describe("Perlu dijawab", () => {
  it("counts the agency's overdue items on the overview, linking to its list", async () => {
    await page.goto(`${base}/dashboard/`, { waitUntil: "domcontentloaded" });
    const row = page.locator(`tr.agency-row[data-agency="${AGENCY}"]`);
    await expect.poll(() => row.locator("td.overdue").textContent(), { timeout: 60_000 }).toBe("1");
    await page.screenshot({ path: join(SCREENSHOTS, "overview-overdue-1366x768.png") });
    await row.locator("td.overdue a").click();
    await expect.poll(() => page.locator("main h2").first().textContent()).toBe("Perlu dijawab");
  });

  it("lists what waits oldest first, filters by status and platform, and closes an item", async () => {
    await page.goto(`${base}/dashboard/#/answers/${AGENCY}`, { waitUntil: "domcontentloaded" });
    const rows = page.locator(".answers-page tbody tr");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    expect(await rows.first().getAttribute("data-item-id")).toBe("s3");
    expect(await rows.first().locator("a[href='https://x.com/i/status/s3']").textContent()).toBe(
      "@BPJSKesehatanRI gimana cara pindah faskes",
    );
    await page.selectOption("select[name=status]", "open,overdue,answered,closed");
    await expect
      .poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-item-id"))))
      .toEqual(["s1", "s2", "s3", "s4", "s5"]);
    await page.selectOption("select[name=platform]", "instagram");
    await expect.poll(() => rows.count()).toBe(0);
    await page.selectOption("select[name=platform]", "");
    await page.selectOption("select[name=status]", "open,overdue");
    await expect.poll(() => rows.count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, "answers-1366x768.png") });
    await rows.first().locator("button.close-item").click();
    await expect.poll(() => rows.count()).toBe(0);
    expect(await page.locator(".answers-page p.muted").textContent()).toBe("Tidak ada yang menunggu jawaban.");
    await page.selectOption("select[name=status]", "closed");
    await expect
      .poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-item-id"))))
      .toEqual(["s3", "s4"]);
    expect(await rows.first().locator("td").last().textContent()).toMatch(/^ditutup oleh dashboard · /);
  });
});
