/**
 * bin/simak.js runs the production build (dist/) while it is current, and the TypeScript sources
 * through tsx otherwise; in a fake installation whose entry points print which one ran.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/services.js";

function fakeInstall(options: { dist: boolean; tsx: boolean }): string {
  const root = tempDir("bin");
  mkdirSync(join(root, "bin"));
  copyFileSync("bin/simak.js", join(root, "bin", "simak.js"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "simak", type: "module" }));
  writeFileSync(join(root, "tsconfig.build.json"), JSON.stringify({ include: ["pipeline"] }));
  mkdirSync(join(root, "pipeline", "cli"), { recursive: true });
  writeFileSync(join(root, "pipeline", "cli", "main.ts"), 'const ran: string = "sources";\nconsole.log(ran);\n');
  if (options.dist) {
    mkdirSync(join(root, "dist", "pipeline", "cli"), { recursive: true });
    writeFileSync(join(root, "dist", "pipeline", "cli", "main.js"), 'console.log("compiled");\n');
    writeFileSync(join(root, "dist", "BUILD"), "");
    // Sources from before the build.
    const before = new Date(Date.now() - 60_000);
    utimesSync(join(root, "pipeline", "cli", "main.ts"), before, before);
  }
  if (options.tsx) symlinkSync(resolve("node_modules"), join(root, "node_modules"));
  return root;
}

const run = (root: string) =>
  execFileSync(process.execPath, [join(root, "bin", "simak.js")], { encoding: "utf8" }).trim();

describe("bin/simak.js", () => {
  it("runs dist/ when no source is newer than the build", () => {
    expect(run(fakeInstall({ dist: true, tsx: false }))).toBe("compiled");
  });

  it("runs the sources through tsx when one was edited after the build, or there is no build", () => {
    const edited = fakeInstall({ dist: true, tsx: true });
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(edited, "pipeline", "cli", "main.ts"), later, later);
    expect(run(edited)).toBe("sources");
    expect(run(fakeInstall({ dist: false, tsx: true }))).toBe("sources");
  });

  it("says to build when the build is stale and tsx is not installed", () => {
    const stale = fakeInstall({ dist: false, tsx: false });
    const result = spawnSync(process.execPath, [join(stale, "bin", "simak.js")], { encoding: "utf8" });
    expect([result.status, result.stderr]).toEqual([
      1,
      "simak: dist/ is missing or older than the sources, and tsx is not installed: run `npm run build`\n",
    ]);
  });
});
