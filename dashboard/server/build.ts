/**
 * The dashboard's front end is built by Vite into dashboard/dist, which is not committed: the
 * server builds it when it is missing or older than its sources (a fresh clone's first
 * `npm start`, a test run after an edit), so no separate build step can be forgotten. The
 * production build (`npm run build`, deploy/build.mjs) builds it once into dist/dashboard/dist,
 * next to the compiled server, which then finds no sources to compare and needs no Vite.
 */
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DASHBOARD_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DIST_DIR = join(DASHBOARD_ROOT, "dist");
/** Where the built page is served; Vite writes its asset URLs under it. */
export const DASHBOARD_BASE = "/dashboard/";
const SOURCES = ["index.html", "src"];

/** 0 for a source that is not there: an image ships the build without its sources. */
function newestSourceMs(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestSourceMs(join(path, name))));
}

function builtAtMs(): number | undefined {
  try {
    return statSync(join(DIST_DIR, "index.html")).mtimeMs;
  } catch {
    return undefined;
  }
}

export function dashboardIsCurrent(): boolean {
  const built = builtAtMs();
  return built !== undefined && SOURCES.every((name) => newestSourceMs(join(DASHBOARD_ROOT, name)) <= built);
}

/** Builds into a folder of its own, then swaps it in, so a reader never sees half a build. */
export async function buildDashboard(): Promise<void> {
  const { build } = await import("vite").catch(() => {
    throw new Error(
      "dashboard/dist is missing or stale and Vite is not installed: run `npm ci && npm run build:dashboard`",
    );
  });
  const staging = `${DIST_DIR}.${process.pid}`;
  await build({
    root: DASHBOARD_ROOT,
    base: DASHBOARD_BASE,
    configFile: false,
    logLevel: "warn",
    // es2022: the page awaits its settings at the top level.
    build: { outDir: staging, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 400 },
  });
  rmSync(DIST_DIR, { recursive: true, force: true });
  renameSync(staging, DIST_DIR);
}

export async function ensureDashboardBuilt(): Promise<void> {
  if (!dashboardIsCurrent()) await buildDashboard();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildDashboard();
