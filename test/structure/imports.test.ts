/**
 * Dependencies point one way: from the pipeline (stages, app, CLI), which wires the components,
 * down through the components to the plumbing (runtime/) and the schemas. Every source file's
 * relative imports are read and checked against ALLOWED (the same table as README's "Layout");
 * an import the table does not allow fails the test, naming the file and the import.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Layer -> the layers its files may import (besides their own). The order is top to bottom. */
const ALLOWED: Record<string, readonly string[]> = {
  bin: ["pipeline"],
  pipeline: ["dashboard/server", "ingestors", "sinks", "processors", "runtime", "schemas"],
  "dashboard/server": ["dashboard/shared", "processors", "runtime", "schemas"],
  "dashboard/src": ["dashboard/shared"],
  "dashboard/shared": ["processors", "schemas"],
  ingestors: ["processors", "runtime", "schemas"],
  sinks: ["processors", "runtime", "schemas"],
  processors: ["runtime", "schemas"],
  runtime: ["schemas"],
  schemas: [],
};

/** Folders outside the layers: they may import anything, and nothing in a layer imports them. */
const OUTSIDE = new Set(["test", "bench", "deploy", "docs", "config", "data", "node_modules", "dist", ".ci", ".git"]);

const SOURCE = /\.(ts|tsx|mts|js|mjs|vue)$/;
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The layer a repository path belongs to: its top folder, or dashboard/<part>; undefined outside. */
function layerOf(path: string): string | undefined {
  const [top, part] = path.split("/");
  if (top === undefined || OUTSIDE.has(top)) return undefined;
  return top === "dashboard" ? `dashboard/${part}` : top;
}

/** The repository paths a source file imports relatively (package imports are not checked). */
function relativeImports(file: string, text: string): string[] {
  const targets: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (specifier?.startsWith(".")) targets.push(normalize(join(dirname(file), specifier)));
  }
  return targets;
}

/** "from -> to" for every import the table does not allow. */
function violations(edges: readonly { from: string; to: string }[]): string[] {
  const found: string[] = [];
  for (const { from, to } of edges) {
    const source = layerOf(from);
    const target = layerOf(to);
    if (source === undefined || source === target) continue;
    const allowed = ALLOWED[source];
    if (allowed === undefined) found.push(`${from}: layer ${source} is not in the table`);
    else if (target === undefined || !allowed.includes(target)) found.push(`${from} -> ${to}`);
  }
  return found;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!OUTSIDE.has(path) && !entry.name.startsWith(".") && entry.name !== "node_modules") yield* sourceFiles(path);
    } else if (dir !== "" && SOURCE.test(entry.name)) yield path;
  }
}

describe("import direction", () => {
  it("every import in the layers points down the table", () => {
    const edges = [...sourceFiles("")].flatMap((from) =>
      relativeImports(from, readFileSync(join(ROOT, from), "utf8")).map((to) => ({ from, to })),
    );
    // The scan sees the layers: the pipeline imports every component, the plumbing only schemas.
    const layers = new Set(edges.map((edge) => layerOf(edge.from)));
    expect([...layers].sort()).toEqual(Object.keys(ALLOWED).sort());
    expect(violations(edges)).toEqual([]);
  });

  it("flags an import that points the wrong way", () => {
    const text = [
      'import { startApp } from "../pipeline/app.js";',
      'export { x } from "./local.js";',
      'const lazy = await import("../processors/alerts/index.js");',
      'import "../schemas/topics.js";',
      'import { z } from "zod";',
    ].join("\n");
    const edges = relativeImports("runtime/config.ts", text).map((to) => ({ from: "runtime/config.ts", to }));
    expect(edges.map((edge) => edge.to)).toEqual([
      "pipeline/app.js",
      "runtime/local.js",
      "processors/alerts/index.js",
      "schemas/topics.js",
    ]);
    expect(violations(edges)).toEqual([
      "runtime/config.ts -> pipeline/app.js",
      "runtime/config.ts -> processors/alerts/index.js",
    ]);
    expect(
      violations([
        { from: "processors/alerts/rule-file.ts", to: "sinks/notify/index.js" },
        { from: "sinks/notify/index.ts", to: "ingestors/registry.js" },
        { from: "dashboard/server/index.ts", to: "pipeline/stages/alert.js" },
        { from: "dashboard/src/app.ts", to: "runtime/http.js" },
        { from: "runtime/http.ts", to: "test/support/services.js" },
        { from: "pipeline/app.ts", to: "sinks/clickhouse/index.js" },
        { from: "test/e2e/start.test.ts", to: "pipeline/app.js" },
        { from: "tools/x.ts", to: "runtime/http.js" },
      ]),
    ).toEqual([
      "processors/alerts/rule-file.ts -> sinks/notify/index.js",
      "sinks/notify/index.ts -> ingestors/registry.js",
      "dashboard/server/index.ts -> pipeline/stages/alert.js",
      "dashboard/src/app.ts -> runtime/http.js",
      "runtime/http.ts -> test/support/services.js",
      "tools/x.ts: layer tools is not in the table",
    ]);
  });
});
