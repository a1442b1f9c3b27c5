/**
 * The PDF, printed from the report's HTML by headless Chromium through playwright-core (which
 * downloads no browser: it drives the one installed, Debian's /usr/bin/chromium by default,
 * `SIMAK_REPORT_CHROMIUM`). The page header and footer carry the agency, the period and "page x of
 * y" on every page. One browser prints many reports (the benchmark, a schedule's run); close it after.
 */
import type { Browser } from "playwright-core";

/** How long one report may take to print. */
const PRINT_TIMEOUT_MS = 60_000;

export interface PageTemplates {
  header: string;
  footer: string;
}

export class ReportPrinter {
  private constructor(private readonly browser: Browser) {}

  static async open(executablePath: string): Promise<ReportPrinter> {
    try {
      // Loaded here, not with the module: every stage process imports the CLI, few print a PDF.
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath,
        headless: true,
        // As a container's root user Chromium refuses to start sandboxed; the page is our own HTML, with no script.
        args: ["--no-sandbox"],
        timeout: PRINT_TIMEOUT_MS,
      });
      return new ReportPrinter(browser);
    } catch (error) {
      throw new Error(
        `cannot start Chromium at ${executablePath} to print the PDF (set SIMAK_REPORT_CHROMIUM, or write --out file.html): ${(error as Error).message.split("\n")[0]}`,
      );
    }
  }

  async print(html: string, templates: PageTemplates): Promise<Buffer> {
    const context = await this.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(PRINT_TIMEOUT_MS);
      await page.setContent(html, { waitUntil: "load" });
      return await page.pdf({
        format: "A4",
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: templates.header,
        footerTemplate: templates.footer,
        preferCSSPageSize: true,
      });
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
