/**
 * The "Sumber" page in Debian's chromium (playwright-core, headless): the dashboard stage with a
 * sources file and statuses in the (in-process) state store as the ingest stage writes them: each
 * source's state, last success, items per hour, lag, rate-limit waits and errors, worst first; the
 * overview warns of the source silent longer than three of its poll intervals. The API answers the
 * same. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourcesAnswer } from "../../dashboard/shared/types.js";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { SOURCE_STATE_TTL_SECONDS, type SourceStatus, sourceKeys } from "../../pipeline/stages/source-state.js";
import { loadConfig } from "../../runtime/config.js";
import { openBrowserPage } from "../support/browser.js";
import { ARTIFACTS_DIR, freePort, tempDir } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const MINUTE = 60_000;
let pipeline: Pipeline;
let browser: Browser;
let page: Page;
let base: string;

function status(now: number, changes: Partial<SourceStatus>): SourceStatus {
  return {
    updatedAt: now,
    lastItemAt: now - MINUTE,
    newestEventTime: now - 2 * MINUTE,
    itemsLastHour: 120,
    invalidLastHour: 0,
    rateLimitedUntil: null,
    requestErrorsLastHour: 0,
    rateLimitedSecondsLastHour: 0,
    ...changes,
  };
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dir = tempDir("sources-page");
  const file = join(dir, "sources.yaml");
  writeFileSync(
    file,
    `sources:
  - id: berita-nasional
    type: rss
    feeds: [https://www.antaranews.com/rss/terkini.xml]
    pollSeconds: 180
  - id: blog-kemenkes
    type: rss
    feeds: [https://sehatnegeriku.kemkes.go.id/feed/]
    pollSeconds: 600
  - id: vendor-tiktok
    type: webhook
    secrets: ["rahasia-vendor-0123456789"]
    silenceMinutes: 120
  - id: arsip
    type: replay
    file: ${join(dir, "arsip.jsonl")}
`,
  );
  const config = loadConfig({
    SIMAK_DATA_DIR: join(dir, "data"),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
    SIMAK_SOURCES_FILE: file,
  });
  pipeline = await startPipeline({ config, stages: ["dashboard"] });
  const now = Date.now();
  const statuses: [string, SourceStatus][] = [
    // Polled every 3 minutes, nothing for 40: silent (more than 9 minutes).
    [
      "berita-nasional",
      status(now, { lastItemAt: now - 40 * MINUTE, itemsLastHour: 0, newestEventTime: now - 45 * MINUTE }),
    ],
    // Waiting on a rate limit for 5 more minutes, after 90 s of waits this hour.
    ["blog-kemenkes", status(now, { rateLimitedUntil: now + 5 * MINUTE, rateLimitedSecondsLastHour: 90 })],
    // Fine, but 3 dead letters and 2 failed requests this hour.
    ["vendor-tiktok", status(now, { invalidLastHour: 3, requestErrorsLastHour: 2, itemsLastHour: 30 })],
  ];
  await pipeline.context.state.setMany(
    statuses.map(([id, value]) => ({ key: sourceKeys(config.topicPrefix, id).status, value: JSON.stringify(value) })),
    SOURCE_STATE_TTL_SECONDS,
  );
  base = `http://127.0.0.1:${pipeline.httpPort}`;
  ({ browser, page } = await openBrowserPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

describe("Sumber", () => {
  it("answers each source's health from the API", async () => {
    const answer = (await (await fetch(`${base}/api/dashboard/sources`)).json()) as SourcesAnswer;
    expect(answer.configured).toBe(true);
    expect(answer.sources.map((source) => [source.id, source.state, source.expectedSilenceMs])).toEqual([
      ["berita-nasional", "silent", 9 * MINUTE],
      ["blog-kemenkes", "rateLimited", 30 * MINUTE],
      ["vendor-tiktok", "errors", 120 * MINUTE],
      ["arsip", "waiting", null],
    ]);
    expect(answer.sources[0]?.silentForMs).toBeGreaterThanOrEqual(40 * MINUTE);
    expect(answer.sources[2]).toMatchObject({ itemsLastHour: 30, deadLettersLastHour: 3, requestErrorsLastHour: 2 });
  });

  it("warns on the overview of the silent source, and lists every source worst first", async () => {
    await page.goto(`${base}/dashboard/`, { waitUntil: "domcontentloaded" });
    const warning = page.locator(".silent-sources");
    await expect.poll(() => warning.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await warning.locator("strong").textContent()).toBe("Sumber senyap lebih lama dari biasanya:");
    expect(await warning.locator("a").evaluateAll((links) => links.map((link) => link.textContent))).toEqual([
      "berita-nasional",
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, "overview-silent-source-1366x768.png") });
    await warning.locator("a").click();
    const rows = page.locator(".sources-page tbody tr");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(4);
    expect(
      await rows.evaluateAll((all) =>
        all.map((row) => [row.getAttribute("data-source"), row.getAttribute("data-state")]),
      ),
    ).toEqual([
      ["berita-nasional", "silent"],
      ["blog-kemenkes", "rateLimited"],
      ["vendor-tiktok", "errors"],
      ["arsip", "waiting"],
    ]);
    const cells = (id: string) =>
      page.locator(`tr[data-source="${id}"] > *`).evaluateAll((all) => all.map((cell) => cell.textContent));
    const silent = await cells("berita-nasional");
    expect(silent[2]).toMatch(/^Senyap · senyap selama 4\d mnt$/);
    expect(silent[4]).toBe("0");
    expect(silent[5]).toBe("45 mnt");
    const limited = await cells("blog-kemenkes");
    expect(limited[2]).toBe("Menunggu batas laju");
    expect(limited[6]).toMatch(/^90 dtk \(sampai .+ WIB\)$/);
    const erring = await cells("vendor-tiktok");
    expect(erring.slice(2, 8)).toEqual([
      "Ada galat",
      expect.stringMatching(/ WIB$/),
      "30",
      "2 mnt",
      "–",
      "3 surat mati · 2 permintaan gagal",
    ]);
    expect((await cells("arsip"))[2]).toBe("Belum ada data");
    await page.screenshot({ path: join(SCREENSHOTS, "sources-1366x768.png") });
    // English second.
    await page.click("button.language");
    await expect.poll(() => page.locator(".sources-page h2").textContent()).toBe("Source health");
    await expect.poll(async () => (await cells("blog-kemenkes"))[2]).toBe("Waiting on a rate limit");
  });
});
