/**
 * The "Isu" panel, issue page and amplification networks in Debian's chromium (playwright-core,
 * headless): the dashboard stage on embedded ClickHouse seeded with test/fixtures/issues.ts
 * seedIssues (two evaluated windows, one issue rising in the latest), one mention so the overview
 * lists the agency, and a coordinated campaign of four accounts with the shares and replies around
 * it (two of them of the issue's first post). The overview names the top rising issue, the agency
 * view's panel shows it with its sparkline and sentiment split, its page lists its posts and draws
 * who shared or replied to them; the campaign's page draws its network, and a click on an account
 * lists its posts. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { memberRow, mentionRow } from "../fixtures/coordination.js";
import { seedIssues } from "../fixtures/issues.js";
import { type DashboardPage, openDashboardPage } from "../support/dashboard-page.js";
import { ARTIFACTS_DIR } from "../support/services.js";

const SCREENSHOTS = join(ARTIFACTS_DIR, "dashboard");
const HOUR = 3_600_000;
const AGENCY = "bpjs-kesehatan";
const MIN = 60_000;
const CAMPAIGN = "x-dukung-bpjs";
let dashboard: DashboardPage;
let page: Page;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  dashboard = await openDashboardPage("issues-page", AGENCY, async (storage) => {
    const hour = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    await seedIssues(storage, AGENCY, hour);
    await seedCampaign(storage, hour);
  });
  ({ page, base } = dashboard);
}, 120_000);

/**
 * A campaign of relawan_a..d from `hour` + 5 minutes for 20: b, c and d share a's post (b twice),
 * a and d share media_y's, c replies to warga_x; outside it pengamat_z and warga_x reply to a, and
 * akun_w shares a. To the issue's post i1 (warga_x's), after the campaign's grace, relawan_a
 * replies and pengamat_z shares it.
 */
async function seedCampaign(storage: Storage, hour: number) {
  const first = hour + 5 * MIN;
  const at = (minute: number) => first + minute * MIN;
  const row = (
    id: string,
    author: string,
    minute: number,
    sentiment: string,
    followers: number,
    text: string,
    parentId?: string,
    kind?: string,
  ) => mentionRow(id, author, at(minute), sentiment, followers, { agency: AGENCY, text, parentId, kind });
  await storage.client.insert({
    table: storage.table("campaigns"),
    format: "JSONEachRow",
    values: [
      {
        id: CAMPAIGN,
        platform: "x",
        agencies: [AGENCY],
        target: null,
        first_seen: first,
        last_seen: at(20),
        accounts: 4,
        posts: 7,
        post_ids: [],
        copy_events: 3,
        amplification_events: 4,
        score: 0.82,
        reason_kinds: ["amplification"],
        reason_values: [4],
        reasons: ["4 akun membagikan unggahan yang sama dalam 2 menit"],
        text: "Dukung program BPJS! #BPJSuntukRakyat",
        updated_at: 1,
        retired: 0,
      },
    ],
  });
  await storage.client.insert({
    table: storage.table("campaign_accounts"),
    format: "JSONEachRow",
    values: ["relawan_a", "relawan_b", "relawan_c", "relawan_d"].map((author) =>
      memberRow(CAMPAIGN, author, first, at(20)),
    ),
  });
  await storage.client.insert({
    table: storage.table("tagged_mentions"),
    format: "JSONEachRow",
    values: [
      row("n1", "media_y", 0, "neutral", 500_000, "Antrean BPJS makin panjang di Jakarta"),
      row("n2", "warga_x", 0, "positive", 120_000, "Pelayanan BPJS membaik"),
      row("n3", "relawan_a", 1, "positive", 900, "Dukung program BPJS! #BPJSuntukRakyat"),
      row("b1", "relawan_b", 2, "positive", 400, "Setuju, dukung terus program BPJS", "n3"),
      row("b2", "relawan_b", 3, "positive", 400, "Dukung program BPJS! #BPJSuntukRakyat", "n3"),
      row("c1", "relawan_c", 2, "positive", 250, "Dukung program BPJS!", "n3"),
      row("c2", "relawan_c", 4, "positive", 250, "Nah ini buktinya, pelayanan membaik", "n2", "reply"),
      row("d1", "relawan_d", 2, "positive", 60, "Dukung program BPJS!", "n3"),
      row("d2", "relawan_d", 5, "neutral", 60, "RT antrean", "n1"),
      row("a2", "relawan_a", 6, "neutral", 900, "RT antrean", "n1"),
      row("z1", "pengamat_z", 7, "negative", 8_000, "Ini akun-akun bayaran?", "n3", "reply"),
      row("w1", "akun_w", 8, "positive", 300, "Dukung!", "n3"),
      row("x1", "warga_x", 9, "negative", 120_000, "Kok seragam semua?", "n3", "reply"),
      // Who shared or replied to the issue's post i1 (warga_x's, seeded by seedIssues).
      row("i1a", "relawan_a", 55, "positive", 900, "Tidak benar, antrean lancar", "i1", "reply"),
      row("i1z", "pengamat_z", 56, "negative", 8_000, "antrean BPJS di faskes lama bgt", "i1"),
    ],
  });
}

afterAll(async () => {
  await dashboard?.close();
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

  it("draws the issue's amplification network", async () => {
    await page.goto(`${base}/dashboard/#/issue/${AGENCY}/${encodeURIComponent("antrean bpjs")}`, {
      waitUntil: "domcontentloaded",
    });
    const nodes = page.locator(".issue-view .network-panel circle.network-node");
    await expect.poll(() => nodes.count(), { timeout: 30_000 }).toBe(3);
    expect(await nodes.evaluateAll((all) => all.map((circle) => circle.getAttribute("data-account")))).toEqual([
      "x:warga_x",
      "x:pengamat_z",
      "x:relawan_a",
    ]);
    expect(await page.locator(".issue-view .network-panel line.network-edge").count()).toBe(2);
    // relawan_a is a member of the campaign: ringed.
    expect(await page.locator(".issue-view circle.campaign-member").getAttribute("data-account")).toBe("x:relawan_a");
    await page.screenshot({ path: join(SCREENSHOTS, "issue-network-1366x768.png"), fullPage: true });
  });
});

describe("Kampanye terkoordinasi", () => {
  it("draws the campaign's network; a click on an account lists its posts", async () => {
    await page.goto(`${base}/dashboard/#/campaign/${CAMPAIGN}`, { waitUntil: "domcontentloaded" });
    const nodes = page.locator(".campaign-view circle.network-node");
    await expect.poll(() => nodes.count(), { timeout: 30_000 }).toBe(8);
    expect(await page.locator(".campaign-view line.network-edge").count()).toBe(9);
    expect(await page.locator(".campaign-view line.network-edge.edge-reply").count()).toBe(3);
    expect(await page.locator(".campaign-view circle.campaign-member").count()).toBe(4);
    expect(await page.locator(".campaign-view .network-caption").textContent()).toBe("8 akun, 9 hubungan.");
    expect(await page.locator(".campaign-view h1").textContent()).toBe("Kampanye terkoordinasi: x-dukung-bpjs");
    // Sized by reach: media_y (500.000 followers) largest, relawan_d (60) smallest.
    const radius = (account: string) =>
      page.locator(`circle[data-account="x:${account}"]`).getAttribute("r").then(Number);
    expect(await radius("media_y")).toBe(28);
    expect(await radius("relawan_d")).toBeCloseTo(7 + 21 * Math.sqrt(60 / 500_000), 1);
    expect(await page.locator('circle[data-account="x:relawan_b"] title').textContent()).toBe(
      "@relawan_b · jangkauan 400 · Positif 2, Netral 0, Negatif 0 · anggota kampanye: 1",
    );

    await page.locator('circle[data-account="x:relawan_b"]').click();
    const posts = page.locator(".network-posts li.stream-item");
    await expect.poll(() => posts.count()).toBe(2);
    expect(await posts.locator("p").allTextContents()).toEqual([
      "Dukung program BPJS! #BPJSuntukRakyat",
      "Setuju, dukung terus program BPJS",
    ]);
    expect(await page.locator(".network-posts h3").textContent()).toBe("Unggahan akun: @relawan_b");
    await page.locator('circle[data-account="x:relawan_c"]').click();
    await expect
      .poll(() => posts.locator("p").allTextContents())
      .toEqual(["Nah ini buktinya, pelayanan membaik", "Dukung program BPJS!"]);
    await page.screenshot({ path: join(SCREENSHOTS, "campaign-network-1366x768.png"), fullPage: true });
  });

  it("answers the network routes, refusing what they cannot answer", async () => {
    const get = async (path: string) => {
      const response = await fetch(`${base}/api/dashboard/${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const issue = await get(`issue/network?agency=${AGENCY}&key=${encodeURIComponent("antrean bpjs")}`);
    expect([issue.status, issue.body.totalNodes, issue.body.totalEdges, issue.body.truncated]).toEqual([
      200,
      3,
      2,
      false,
    ]);
    const posts = await get(
      `issue/posts?agency=${AGENCY}&key=${encodeURIComponent("antrean bpjs")}&account=x:pengamat_z`,
    );
    expect((posts.body.posts as { id: string }[]).map(({ id }) => id)).toEqual(["i1z"]);
    expect((await get("campaign/network?id=nope")).status).toBe(404);
    await page.goto(`${base}/dashboard/#/campaign/nope`, { waitUntil: "domcontentloaded" });
    await expect
      .poll(() => page.locator(".campaign-view .campaign-summary").textContent())
      .toBe("Kampanye ini tidak ada (lagi): tidak terdeteksi lagi, atau sudah lewat masa simpannya.");
    expect(await get(`campaign/posts?id=${CAMPAIGN}`)).toEqual({
      status: 400,
      body: { error: "account: platform:author_id" },
    });
    expect((await get(`campaign/network?id=${"x".repeat(257)}`)).body).toEqual({
      error: "id: at most 256 characters",
    });
  });
});
