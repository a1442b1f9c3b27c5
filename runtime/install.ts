/**
 * Where Simak is installed: the folder holding its package.json, found from this module whether it
 * runs from the TypeScript sources or from the compiled dist/. Files that ship with Simak (example
 * configs, the dashboard) resolve against it, never against the current directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findInstallRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "simak") {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of simak above ${from}`);
  }
}

export const INSTALL_ROOT = findInstallRoot(dirname(fileURLToPath(import.meta.url)));

export const VERSION = (JSON.parse(readFileSync(join(INSTALL_ROOT, "package.json"), "utf8")) as { version: string })
  .version;

/** A path inside the installation, e.g. installPath("config/examples/queries.yaml"). */
export function installPath(relative: string): string {
  return resolve(INSTALL_ROOT, relative);
}
