/**
 * Debian's chromium (/usr/bin/chromium, installed by .ci/run), driven headless by playwright-core,
 * which downloads no browser of its own: one page at a laptop's size, in Indonesian as the
 * monitoring room is by default.
 */
import { type Browser, chromium, type Page } from "playwright-core";

export async function openBrowserPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox"],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: "id-ID" });
  return { browser, page };
}
