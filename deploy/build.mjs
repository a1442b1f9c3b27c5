// `npm run build`: the production build. Compiles the TypeScript once into dist/ (tsc with
// tsconfig.build.json, the same tree under dist/), copies next to the compiled code the files it
// reads from beside itself (Avro schemas, the sentiment model, the vendored stemmer, the responsiveness
// classifier's training posts), and builds the
// dashboard's front end into dist/dashboard/dist. bin/simak.js then runs dist/ (no tsx, no Vite).
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist");
const require = createRequire(import.meta.url);
const run = (...args) => execFileSync(process.execPath, args, { cwd: root, stdio: "inherit" });

function* assets(dir) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(path);
    else if (!/\.(ts|md)$/.test(entry.name)) yield path;
  }
}

rmSync(out, { recursive: true, force: true });
run(require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json");
const { include } = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
for (const dir of include) for (const path of assets(dir)) cpSync(join(root, path), join(out, path));
// The responsiveness classifier trains from its labelled posts at first use (processors/responsiveness).
for (const path of ["data/responsiveness/train.tsv"]) cpSync(join(root, path), join(out, path));
run("--import", "tsx", "dashboard/server/build.ts");
cpSync(join(root, "dashboard", "dist"), join(out, "dashboard", "dist"), { recursive: true });
// bin/simak.js runs dist/ only while no source is newer than this stamp.
writeFileSync(join(out, "BUILD"), `${new Date().toISOString()}\n`);
