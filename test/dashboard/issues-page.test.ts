/**
 * The "Isu" panel and issue page in Debian's chromium (playwright-core, headless): the dashboard
 * stage on embedded ClickHouse seeded with test/fixtures/issues.ts seedIssues (two evaluated
 * windows, one issue rising in the latest) and one mention so the overview lists the agency. The
 * overview names the top rising issue, the agency view's panel shows it with its sparkline and
 * sentiment split, and its page lists its posts. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { PartitionWindows } from "../../processors/windows/index.js";
import { loadConfig } from "../../runtime/config.js";
import { windowDeltaRows } from "../../sinks/clickhouse/rows.js";
import { seedIssues } from "../fixtures/issues.js";
import { tagged } from "../processors/windows/helpers.js";
import { openBrowserPage } from "../support/browser.js";
import { ARTIFACTS_DIR, freePort, tempDir } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const HOUR = 3_600_000;
const AGENCY = "bpjs-kesehatan";
let pipeline: Pipeline;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("issues-page"),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
  });
  pipeline = await startPipeline({ config, stages: ["dashboard"] });
  const storage = await pipeline.context.storage();
  await seedIssues(storage, AGENCY, Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR);
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

describe("Isu", () => {
  it("names the agency's top rising issue on the overview, linking to its page with its posts", async () => {
    await page.goto(`${base}/dashboard/`, { waitUntil: "domcontentloaded" });
    const cell = page.locator(`tr.agency-row[data-agency="${AGENCY}"] td.top-issue`);
    await expect.poll(() => cell.textContent(), { timeout: 60_000 }).toBe("antrean bpjs, faskes");
    await cell.locator("a").click();
    await expect.poll(() => page.locator(".issue-view h1").textContent()).toBe("Isu: antrean bpjs, faskes");
    const posts = page.locator(".issue-posts li");
    await expect
      .poll(() => posts.evaluateAll((all) => all.map((li) => li.getAttribute("data-post"))))
      .toEqual(["x:i2", "x:i1"]);
    expect(await posts.first().locator("p").textContent()).toBe("antrean bpjs pagi ini lancar, mantap");
    expect(await posts.last().locator(".sentiment-tag").textContent()).toBe("Negatif");
    await page.screenshot({ path: join(SCREENSHOTS, "issue-1366x768.png") });
  });

  it("shows the rising issues on the agency view with a sparkline and the sentiment split", async () => {
    await page.goto(`${base}/dashboard/#/agency/${AGENCY}`, { waitUntil: "domcontentloaded" });
    const issues = page.locator(".issues-panel li.issue");
    await expect.poll(() => issues.count(), { timeout: 30_000 }).toBe(1);
    expect(await issues.first().getAttribute("data-issue")).toBe("antrean bpjs");
    expect(await page.locator(".issues-panel h2").textContent()).toBe("Isu yang naik");
    const sparkline = issues.first().locator("svg.sparkline");
    expect(await sparkline.getAttribute("data-points")).toBe("30");
    // The last two windows had 12 and 15 posts; the 28 before none.
    expect(await sparkline.getAttribute("aria-label")).toBe(
      `Volume 30 menit terakhir: ${[...Array(28).fill(0), 12, 15].join(", ")}`,
    );
    expect(await issues.first().locator(".split-text").textContent()).toBe("Positif 6,67% · Negatif 80%");
    await page.screenshot({ path: join(SCREENSHOTS, "agency-issues-1366x768.png") });
  });
});
