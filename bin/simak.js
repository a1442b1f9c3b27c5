#!/usr/bin/env node
// Runs the compiled JavaScript of `npm run build` (dist/) when it is there and no source is newer
// than it; otherwise the TypeScript sources through tsx's loader, so a clone needs no build step
// and an edit is never hidden by an older build (development).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import module from "node:module";

// V8's compiled code of the modules is kept on disk (NODE_COMPILE_CACHE, else the temporary
// folder) and reused by the next start when the module is unchanged: a stage process starts with
// about 90 ms less CPU. Node 20 has no such cache (optional call); a folder it cannot write only
// goes without it.
module.enableCompileCache?.();

const root = new URL("../", import.meta.url);
const compiled = new URL("dist/pipeline/cli/main.js", root);
const stamp = new URL("dist/BUILD", root);
const buildConfig = new URL("tsconfig.build.json", root);

/** Is a file under `dir` newer than `since` (ms)? Stops at the first one. */
function newerThan(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.isDirectory() ? `${entry.name}/` : entry.name, dir);
    if (entry.isDirectory() ? newerThan(path, since) : statSync(path).mtimeMs > since) return true;
  }
  return false;
}

/** The build is current when its sources are not shipped (an image) or none changed after it. */
function buildIsCurrent() {
  if (!existsSync(compiled) || !existsSync(stamp)) return false;
  if (!existsSync(buildConfig)) return true;
  const builtAt = statSync(stamp).mtimeMs;
  const { include } = JSON.parse(readFileSync(buildConfig, "utf8"));
  return !include.some((dir) => existsSync(new URL(`${dir}/`, root)) && newerThan(new URL(`${dir}/`, root), builtAt));
}

// Node.js 24 LTS is the supported runtime (package.json engines, the image, CI). Before 20 it is
// refused: dependencies need 20 at least (commander 14, nodemailer 10, @clickhouse/client).
// Node 20 and 22, past or near their end of support, still run it (the test suite passes on 20);
// a terminal is told so, JSON logs on a pipe are left alone.
const nodeMajor = Number(process.versions.node.split(".")[0]);
if (nodeMajor < 20) {
  process.stderr.write(
    `simak: Node.js ${process.versions.node} is too old; install Node.js 24 LTS (https://nodejs.org)\n`,
  );
  process.exit(1);
}
if (nodeMajor < 24 && process.stderr.isTTY) {
  process.stderr.write(
    `simak: Node.js ${process.versions.node} is not supported any more; Simak supports Node.js 24 LTS\n`,
  );
}

if (buildIsCurrent()) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api").catch(() => {
    process.stderr.write(
      "simak: dist/ is missing or older than the sources, and tsx is not installed: run `npm run build`\n",
    );
    process.exit(1);
  });
  register();
  await import("../pipeline/cli/main.ts");
}
