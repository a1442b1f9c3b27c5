import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("package-lock.json", () => {
  it("lists every chdb platform package, so `npm ci` accepts it (docs/dependencies.md)", () => {
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
    const wanted = Object.keys(lock.packages["node_modules/chdb"].optionalDependencies);
    const missing = wanted.filter((name) => !lock.packages[`node_modules/${name}`]);
    expect(missing, "run `npm run fix:lockfile`").toEqual([]);
    expect(wanted.length).toBeGreaterThanOrEqual(4);
  });
});
