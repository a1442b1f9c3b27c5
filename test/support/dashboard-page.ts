/**
 * The dashboard's browser tests' common set-up: the dashboard stage alone on embedded ClickHouse,
 * one mention of an agency in the rollups (half an hour ago) so the overview lists it, the test's
 * own seed, then a headless chromium page (test/support/browser.ts).
 */
import type { Browser, Page } from "playwright-core";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { PartitionWindows } from "../../processors/windows/index.js";
import { loadConfig } from "../../runtime/config.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { windowDeltaRows } from "../../sinks/clickhouse/rows.js";
import { tagged } from "../processors/windows/helpers.js";
import { openBrowserPage } from "./browser.js";
import { freePort, tempDir } from "./services.js";

export interface DashboardPage {
  pipeline: Pipeline;
  storage: Storage;
  /** http://127.0.0.1:<port> */
  base: string;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Starts the dashboard on a data folder named after `name`, lists `agency`, runs `seed`, opens a page. */
export async function openDashboardPage(
  name: string,
  agency: string,
  seed: (storage: Storage) => Promise<void>,
): Promise<DashboardPage> {
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir(name),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
  });
  const pipeline = await startPipeline({ config, stages: ["dashboard"] });
  const storage = await pipeline.context.storage();
  const windows = new PartitionWindows({ allowedLatenessMs: 60_000 });
  windows.add(
    tagged({ id: "m1", at: Date.now() - 30 * 60_000, author: "a", followers: 10, topics: [{ queryId: "q", agency }] }),
  );
  await storage.insertRows(
    "mention_window_deltas",
    windowDeltaRows(windows.flush(), { topic: "t", partition: 0, firstOffset: "0", lastOffset: "0" }, Date.now()),
  );
  await seed(storage);
  const { browser, page } = await openBrowserPage();
  return {
    pipeline,
    storage,
    base: `http://127.0.0.1:${pipeline.httpPort}`,
    browser,
    page,
    close: async () => {
      await browser.close();
      await pipeline.stop();
    },
  };
}
