/**
 * Acceptance of the monitoring room dashboard: the embedded pipeline (simulator with a negative
 * spike about BPJS Kesehatan from the start, in-process bus, chdb, the default alert rules) serves
 * it, and Debian's chromium, driven headless by playwright-core, checks that the overview shows the
 * simulator's agencies, the alert the spike fires reaches the feed within 5 s of the alert stage
 * publishing it, an agency's view has non-empty charts, the language switch works and an alert
 * can be acknowledged. A token is configured: the page is opened once with ?token=, which leaves
 * the address bar at once, and nothing the page loads breaks its Content-Security-Policy.
 * Screenshots of each page at 1366x768 and 1920x1080 go to test-artifacts/dashboard/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { type Pipeline, STAGE_NAMES, startPipeline } from "../../pipeline/app.js";
import { loadConfig } from "../../runtime/config.js";
import { topicName } from "../../runtime/context.js";
import { contracts } from "../../schemas/contracts.js";
import type { Alert } from "../../schemas/types.generated.js";
import { openBrowserPage } from "../support/browser.js";
import { ARTIFACTS_DIR, freePort, tempDir } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const TOKEN = "browser-token-0123456789";
/** What chromium reports about the page's Content-Security-Policy, which must stay empty. */
const cspViolations: string[] = [];
const LAPTOP = { width: 1366, height: 768 };
const WALL = { width: 1920, height: 1080 };

let pipeline: Pipeline;
let browser: Browser;
let page: Page;
let base: string;

async function screenshot(name: string): Promise<void> {
  for (const size of [LAPTOP, WALL]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}x${size.height}.png`) });
  }
  await page.setViewportSize(LAPTOP);
}

/** The first firing the alert stage publishes, and the wall-clock time it was published. */
let firstFiring: Promise<{ alert: Alert; publishedAt: number }>;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("dashboard"),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
    // Minutes complete 30 s after the newest event: the spike's alert comes within the test's time.
    SIMAK_WINDOW_LATENESS_MS: "30000",
    SIMAK_PAGERANK_INTERVAL_MS: "0",
    SIMAK_DASHBOARD_TOKEN: TOKEN,
  });
  // Three times real time, 30 mentions a second: light enough for chromium and chdb to share two
  // cores. The default rules (config/examples/alerts-demo.yaml) watch BPJS Kesehatan's negative share.
  const ingestor = createSyntheticIngestor({
    seed: 3,
    speed: 3,
    // Ten minutes back: at three times real time the simulated clock reaches the present after five
    // minutes, so everything stays inside the pages' "last 24 hours".
    startTime: Date.now() - 10 * 60_000,
    scenarios: [
      { type: "negative-spike", agency: "bpjs-kesehatan", startMinute: 0, durationMinutes: 10, multiplier: 6 },
      { type: "viral-post", agency: "polri", startMinute: 1 },
    ],
  });
  pipeline = await startPipeline({ config, stages: [...STAGE_NAMES], ingestor });
  const { context } = pipeline;
  firstFiring = new Promise((resolve) => {
    void context.bus.consume({
      groupId: "test-alert-watch",
      topics: [topicName(config, "alerts")],
      onBatch: async (batch) => {
        for (const record of batch.records) {
          const alert = context.codec.decode<Alert>(record.value, contracts.Alert);
          if (alert.status === "firing") resolve({ alert, publishedAt: Date.now() });
        }
      },
    });
  });
  base = `http://127.0.0.1:${pipeline.httpPort}`;
  ({ browser, page } = await openBrowserPage());
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

describe("monitoring room dashboard", () => {
  it("shows the simulator's agencies with numbers on the overview", async () => {
    const answer = await page.goto(`${base}/dashboard/?token=${TOKEN}`, { waitUntil: "domcontentloaded" });
    expect(answer?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await expect.poll(() => page.locator("tr.agency-row").count(), { timeout: 30_000 }).toBeGreaterThan(3);
    // The token left the address bar (and the history); the session keeps it for the next pages.
    expect(page.url()).toBe(`${base}/dashboard/`);
    await expect.poll(() => page.locator("main h2").first().textContent()).toBe("Ringkasan");
    const first = page.locator("tr.agency-row").first();
    expect(await first.locator("td.mentions").textContent()).toMatch(/^[1-9][\d.]*$/);
    expect(await first.locator("td.index").textContent()).toMatch(/^([+-]?\d+(,\d+)?|–)$/);
    expect(await first.locator("td.direction").textContent()).toMatch(/Naik|Turun|Stabil|Belum cukup data/);
    await expect.poll(() => page.locator(".status").textContent()).toContain("Langsung");
    await screenshot("overview");
  });

  it("shows the spike's alert in the feed within 5 s of the alert stage publishing it", async () => {
    const { alert, publishedAt } = await firstFiring;
    expect(alert.agency).toBe("bpjs-kesehatan");
    expect(alert.ruleId).toBe("bpjs-kesehatan-negative-share");
    const item = page.locator(`.alert-feed [data-alert-id="${alert.id}"]`);
    await item.waitFor({ timeout: Math.max(1, publishedAt + 5000 - Date.now()) });
    expect(Date.now() - publishedAt).toBeLessThan(5000);
    expect(await item.textContent()).toContain(alert.message);
    await screenshot("overview-alert");
  }, 240_000);

  it("opens an agency's view with non-empty charts when its row is clicked", async () => {
    await page.locator('tr.agency-row[data-agency="bpjs-kesehatan"]').click();
    await page.waitForURL(/#\/agency\/bpjs-kesehatan$/);
    for (const chart of ["sentiment", "platforms", "segments"]) {
      await expect
        .poll(async () => Number(await page.locator(`canvas[data-chart="${chart}"]`).getAttribute("data-points")), {
          timeout: 10_000,
        })
        .toBeGreaterThan(0);
    }
    expect(await page.locator("h1").textContent()).toBe("BPJS Kesehatan");
    await expect.poll(() => page.locator(".stream-item").count()).toBeGreaterThan(0);
    expect(await page.locator(".stream-item .sentiment-tag").first().textContent()).toMatch(/Positif|Netral|Negatif/);
    expect(await page.locator(".stream-item .muted").first().textContent()).toMatch(
      /^ (X|Facebook|Instagram|YouTube|TikTok|Portal berita|Forum|Blog|Situs web|Lainnya) · @/,
    );
    expect(await page.locator(".measure").count()).toBe(5);
    await screenshot("agency");
  });

  it("switches the labels to English and back", async () => {
    await page.goto(`${base}/dashboard/#/`, { waitUntil: "domcontentloaded" });
    await expect.poll(() => page.locator("header nav a").first().textContent()).toBe("Ringkasan");
    await page.getByRole("button", { name: "Bahasa" }).click();
    await expect.poll(() => page.locator("header nav a").first().textContent()).toBe("Overview");
    expect(await page.locator("main h2").first().textContent()).toBe("Overview");
    await screenshot("overview-en");
    await page.getByRole("button", { name: "Language" }).click();
    await expect.poll(() => page.locator("header nav a").first().textContent()).toBe("Ringkasan");
  });

  it("lists alerts with why they fired, and acknowledges one", async () => {
    await page.goto(`${base}/dashboard/#/alerts`, { waitUntil: "domcontentloaded" });
    const row = page.locator(".alerts-page tr[data-alert-id]").first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toMatch(/teramati \d+,\d+/);
    // Stored codes are shown by name: the demo rule's severity `warning`.
    expect(await row.locator(".badge").textContent()).toBe("Waspada");
    await row.getByRole("button", { name: "Tandai sudah ditangani" }).click();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("Sudah ditangani");
    await screenshot("alerts");
  });

  it("rotates through the agencies in wall mode", async () => {
    await page.setViewportSize(WALL);
    await page.goto(`${base}/dashboard/#/wall`, { waitUntil: "domcontentloaded" });
    await page.locator(".agency-view h1").waitFor({ timeout: 20_000 });
    expect(await page.locator("body").getAttribute("class")).toContain("wall");
    await page.screenshot({ path: join(SCREENSHOTS, "wall-1920x1080.png") });
  });

  it("loaded every page without a Content-Security-Policy violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
