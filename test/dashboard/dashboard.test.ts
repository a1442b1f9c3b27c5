/**
 * Acceptance of the monitoring room dashboard: the embedded pipeline (simulator with the demo
 * scenarios, in-process bus, chdb) serves it, and Debian's chromium, driven headless by
 * playwright-core, checks that the overview shows the simulator's agencies, an alert published on
 * simak.alerts reaches the feed within 5 s, an agency's view has non-empty charts, the language
 * switch works and an alert can be acknowledged. Screenshots of each page at 1366x768 and
 * 1920x1080 go to test-artifacts/dashboard/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngestor } from "../../ingestors/registry.js";
import { type Pipeline, STAGE_NAMES, startPipeline } from "../../runtime/app.js";
import { loadConfig } from "../../runtime/config.js";
import { encodeFor, topicName } from "../../runtime/context.js";
import type { Alert } from "../../schemas/types.generated.js";
import { ARTIFACTS_DIR, freePort, tempDir } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
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

function alertFor(agency: string): Alert {
  const now = Date.now();
  return {
    id: `test-alert-${now}`,
    ruleId: "negative-spike",
    status: "firing",
    severity: "critical",
    agency,
    queryId: null,
    platform: null,
    signal: "negative-share",
    observed: 0.62,
    baseline: 0.2,
    threshold: 0.4,
    windowStart: now - 300_000,
    windowEnd: now,
    firedAt: now,
    message: `Lonjakan sentimen negatif tentang ${agency}`,
    topPostIds: [],
    topAuthorIds: [],
    incidentId: `incident-${now}`,
    z: 4.2,
    baselineMethod: "hour-of-week",
    volume: 120,
    notifyAt: null,
    channels: [],
  };
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("dashboard"),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
    SIMAK_SIM_SCENARIOS: "demo",
    // Real time, 10 mentions a second: light enough for chromium and chdb to share two cores.
    SIMAK_SIM_SPEED: "1",
    SIMAK_PAGERANK_INTERVAL_MS: "0",
  });
  const ingestor = createIngestor("synthetic", config, {});
  pipeline = await startPipeline({ config, stages: [...STAGE_NAMES], ingestor });
  base = `http://127.0.0.1:${pipeline.httpPort}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
  page = await browser.newPage({ viewport: LAPTOP, locale: "id-ID" });
});

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

describe("monitoring room dashboard", () => {
  it("shows the simulator's agencies with numbers on the overview", async () => {
    await page.goto(`${base}/dashboard/`, { waitUntil: "domcontentloaded" });
    await expect.poll(() => page.locator("tr.agency-row").count(), { timeout: 30_000 }).toBeGreaterThan(3);
    await expect.poll(() => page.locator("main h2").first().textContent()).toBe("Ringkasan");
    const first = page.locator("tr.agency-row").first();
    expect(await first.locator("td.mentions").textContent()).toMatch(/^[1-9][\d.]*$/);
    expect(await first.locator("td.index").textContent()).toMatch(/^([+-]?\d+(,\d+)?|–)$/);
    expect(await first.locator("td.direction").textContent()).toMatch(/Naik|Turun|Stabil|Belum cukup data/);
    await expect.poll(() => page.locator(".status").textContent()).toContain("Langsung");
    await screenshot("overview");
  });

  it("shows an alert published on simak.alerts in the feed within 5 s", async () => {
    const alert = alertFor("bpjs-kesehatan");
    const producer = await pipeline.context.bus.producer();
    const published = Date.now();
    await producer.send(topicName(pipeline.context.config, "alerts"), [
      encodeFor(pipeline.context, "alerts", alert.id, alert),
    ]);
    await page.locator(`.alert-feed [data-alert-id="${alert.id}"]`).waitFor({ timeout: 5000 });
    expect(Date.now() - published).toBeLessThan(5000);
    expect(await page.locator(`.alert-feed [data-alert-id="${alert.id}"]`).textContent()).toContain(alert.message);
    await producer.close();
    await screenshot("overview-alert");
  });

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
    expect(await row.textContent()).toContain("teramati 0,62");
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
});
