/**
 * chdb is loaded only when embedded ClickHouse is opened: a process that talks to a ClickHouse
 * server never maps the engine library (about 150 MB less resident memory per stage process).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/services.js";

/** Opens storage as `config` says in a fresh process; prints whether chdb's modules were loaded. */
function chdbLoadedAfterOpening(config: string): boolean {
  const script = `
    import { createRequire } from "node:module";
    const { createStorage } = await import("./runtime/storage/clickhouse.ts");
    const storage = createStorage(${config});
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("/node_modules/chdb/"));
    await storage.close();
    process.stdout.write(String(loaded));`;
  return (
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" }) ===
    "true"
  );
}

describe("chdb", () => {
  it("is not loaded by a process using a ClickHouse server", () => {
    expect(
      chdbLoadedAfterOpening(
        '{ url: "http://127.0.0.1:1", username: "default", password: "", database: "simak", dataDir: "unused" }',
      ),
    ).toBe(false);
  });

  it("is loaded when embedded ClickHouse is opened", () => {
    const dataDir = JSON.stringify(tempDir("chdb-lazy"));
    expect(
      chdbLoadedAfterOpening(`{ username: "default", password: "", database: "simak", dataDir: ${dataDir} }`),
    ).toBe(true);
  });
});
