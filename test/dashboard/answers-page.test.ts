/**
 * The "Perlu dijawab" page in Debian's chromium (playwright-core, headless): the dashboard stage on
 * embedded ClickHouse seeded with test/fixtures/responsiveness.ts (and one mention, so the overview
 * lists the agency): the overview's overdue count, the queue oldest first with its filters, and
 * closing an item. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { localWeek } from "../../processors/responsiveness/index.js";
import { PartitionWindows } from "../../processors/windows/index.js";
import { loadConfig } from "../../runtime/config.js";
import { windowDeltaRows } from "../../sinks/clickhouse/rows.js";
import { seedResponsiveness } from "../fixtures/responsiveness.js";
import { tagged } from "../processors/windows/helpers.js";
import { openBrowserPage } from "../support/browser.js";
import { ARTIFACTS_DIR, freePort, tempDir } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const DAY = 86_400_000;
const AGENCY = "bpjs-kesehatan";
let pipeline: Pipeline;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("answers-page"),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
  });
  pipeline = await startPipeline({ config, stages: ["dashboard"] });
  const storage = await pipeline.context.storage();
  await seedResponsiveness(storage, AGENCY, Date.parse(`${localWeek(Date.now() - 14 * DAY, "UTC")}T00:00:00Z`));
  const windows = new PartitionWindows({ allowedLatenessMs: 60_000 });
  windows.add(
    tagged({
      id: "m1",
      at: Date.now() - 30 * 60_000,
      author: "a",
      followers: 10,
      topics: [{ queryId: "q", agency: AGENCY }],
    }),
  );
  await storage.client.insert({
    table: storage.table("mention_window_deltas"),
    values: windowDeltaRows(
      windows.flush(),
      { topic: "t", partition: 0, firstOffset: "0", lastOffset: "0" },
      Date.now(),
    ),
    format: "JSONEachRow",
  });
  base = `http://127.0.0.1:${pipeline.httpPort}`;
  ({ browser, page } = await openBrowserPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
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
