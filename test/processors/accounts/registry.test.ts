import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AccountConfigError,
  AccountRegistry,
  loadAccountFile,
  openAccountFile,
  parseAccountFile,
} from "../../../processors/accounts/index.js";

function fileError(yaml: string): string {
  try {
    parseAccountFile(yaml, "accounts.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(AccountConfigError);
    return (error as Error).message;
  }
  throw new Error("file loaded");
}

describe("account registry file", () => {
  it("loads the example file: every agency, handle shorthand and lists", async () => {
    const registry = await loadAccountFile("config/examples/accounts.yaml");
    expect(registry.agencies.map((a) => a.id)).toEqual([
      "kemenkes",
      "kemenkeu",
      "polri",
      "kpk",
      "komdigi",
      "bpjs-kesehatan",
      "bmkg",
      "kemensos",
      "kemenhub",
      "pemprov-dki",
      "kemendikdasmen",
      "ditjen-pajak",
    ]);
    expect(registry.findOfficial("x", "kemenkesri")).toMatchObject({
      kind: "official",
      by: "handle",
      account: { agency: "kemenkes" },
    });
    expect(registry.findOfficial("instagram", "official.kpk")?.kind).toBe("official");
    expect(registry.findOfficial("x", "official.kpk")).toBeNull();
    expect(registry.agency("polri")?.accounts.find((a) => a.platform === "x")?.name).toBe("Divisi Humas Polri");
    expect(registry.isAllowlisted("x", "KPK_Watch_ID")).toBe(true);
  });

  it("reads accounts as a handle, a mapping, or a list of either; ids must be strings", () => {
    const registry = parseAccountFile(
      [
        "agencies:",
        "  kpk:",
        "    name: Komisi Pemberantasan Korupsi",
        "    accounts:",
        "      x: '@KPK_RI'",
        "      instagram:",
        "        - official.kpk",
        "        - { handle: kpk_ri, id: '178', name: KPK RI }",
      ].join("\n"),
      "accounts.yaml",
    );
    expect(registry.accounts.map((a) => [a.platform, a.handle, a.id, a.name])).toEqual([
      ["x", "KPK_RI", null, null],
      ["instagram", "official.kpk", null, null],
      ["instagram", "kpk_ri", "178", "KPK RI"],
    ]);
    expect(registry.agency("kpk")?.aliases.map((a) => a.compact)).toEqual(["kpk", "komisipemberantasankorupsi"]);
  });

  it("reports every problem with file, line and column", () => {
    expect(fileError("")).toBe("accounts.yaml:1:1: the file defines no agencies (expected 'agencies:')");
    expect(fileError("agencies:\n  kpk: [\n")).toMatch(/^accounts\.yaml:\d+:\d+: invalid YAML: /);
    expect(fileError("agency:\n  kpk: {}\n")).toBe(
      "accounts.yaml:1:1: unknown key 'agency'; expected 'agencies' or 'allowlist'",
    );
    expect(fileError("agencies:\n  kpk:\n    accounts:\n      x: KPK_RI\n")).toBe(
      "accounts.yaml:2:3: agency 'kpk' has no 'name:'",
    );
    expect(fileError("agencies:\n  kpk:\n    name: KPK\n")).toBe("accounts.yaml:2:3: agency 'kpk' has no 'accounts:'");
    expect(fileError("agencies:\n  kpk:\n    name: KPK\n    handles: {}\n    accounts: {}\n")).toBe(
      "accounts.yaml:4:5: unknown key 'handles' in agency 'kpk'; expected one of name, aliases, accounts",
    );
    expect(fileError("agencies:\n  kpk:\n    name: KPK\n    accounts:\n      twitter: KPK_RI\n")).toBe(
      "accounts.yaml:5:7: unknown platform 'twitter'; expected one of x, facebook, instagram, youtube, tiktok, news, forum, blog, web, other",
    );
    expect(fileError("agencies:\n  kpk:\n    name: KPK\n    accounts:\n      x: KPK RI\n")).toBe(
      "accounts.yaml:5:10: invalid handle 'KPK RI' in kpk.accounts.x: only letters, digits, '_' and '.'",
    );
    expect(
      fileError(
        "agencies:\n  kpk:\n    name: KPK\n    accounts:\n      x:\n        - handle: KPK_RI\n          id: 1790000000000000001\n",
      ),
    ).toBe(
      'accounts.yaml:7:15: account id in kpk.accounts.x must be quoted ("1790000000000000001"): ids are strings, and large numbers lose digits',
    );
    expect(fileError("agencies:\n  kpk:\n    name: KPK\n    accounts:\n      x:\n        - id: '1'\n")).toBe(
      "accounts.yaml:6:11: an account in kpk.accounts.x has no handle",
    );
    expect(fileError("agencies:\n  kpk:\n    name: KPK\n    aliases: kpk\n    accounts:\n      x: KPK_RI\n")).toBe(
      "accounts.yaml:4:14: the aliases of 'kpk' must be a list",
    );
    expect(
      fileError(
        "agencies:\n  kpk:\n    name: KPK\n    accounts:\n      x: KPK_RI\n  kpk2:\n    name: KPK 2\n    accounts:\n      x: kpk_ri\n",
      ),
    ).toBe("accounts.yaml:9:10: x handle @kpk_ri is already registered for 'kpk' at 5:10");
  });

  it("refuses duplicates when built from data", () => {
    expect(
      () =>
        new AccountRegistry({
          agencies: [
            { id: "a", name: "A", accounts: { x: [{ handle: "Same" }] } },
            { id: "b", name: "B", accounts: { x: [{ handle: "same" }] } },
          ],
        }),
    ).toThrow("x handle @same is registered twice (a and b)");
  });

  it("reloads at run time, keeping the previous registry on a bad edit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simak-accounts-"));
    try {
      const file = join(dir, "accounts.yaml");
      writeFileSync(file, "agencies:\n  kpk:\n    name: KPK\n    accounts:\n      x: KPK_RI\n");
      const errors: string[] = [];
      const watched = await openAccountFile(file, { onError: (e) => errors.push(e.message) });
      const first = watched.current();
      writeFileSync(file, "agencies:\n  kpk:\n    name: KPK\n    accounts:\n      x: [KPK_RI, KPK_Jateng]\n");
      expect(await watched.reload()).toBe(true);
      expect(watched.current().findOfficial("x", "kpk_jateng")?.kind).toBe("official");
      const second = watched.current();
      writeFileSync(file, "agencies:\n  kpk:\n    accounts:\n      x: KPK_RI\n");
      expect(await watched.reload()).toBe(false);
      expect(watched.current()).toBe(second);
      expect(second).not.toBe(first);
      expect(errors).toEqual([`${file}:2:3: agency 'kpk' has no 'name:'`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
