import { describe, expect, it } from "vitest";
import { AGENCIES, ISSUES } from "../../../ingestors/synthetic/index.js";
import { Random } from "../../../ingestors/synthetic/random.js";
import {
  compileTemplates,
  extractEntities,
  Subject,
  type Template,
  writeText,
} from "../../../ingestors/synthetic/text.js";

const kemenkes = AGENCIES.find((agency) => agency.id === "kemenkes") as (typeof AGENCIES)[number];

describe("synthetic text templates", () => {
  it("fill subject slots, spellings and elongations, and keep literal text", () => {
    const templates = compileTemplates({
      negative: ["{Agency}: {Issue} di {place} {+parah}{e-} cc {friend}"],
      neutral: [],
      positive: [],
    });
    const random = new Random(1, "test");
    const subject = new Subject().choose(kemenkes, ISSUES.obat, "x", random);
    const texts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      texts.add(writeText(templates.negative[0] as Template, false, subject, () => "budi_santoso", random));
    }
    for (const text of texts) {
      expect(text).toMatch(
        /^Kemenkes: (Harga Obat|Stok Obat di Puskesmas) di [A-Z][a-z]+ parah+( \S+)? cc @budi_santoso$/,
      );
    }
    expect([...texts].some((text) => text.includes("parahhh"))).toBe(true);
  });

  it("write the casual variant without capitals in the template's own words", () => {
    const [template] = compileTemplates({ negative: [], neutral: ["Ada Info soal {issue}?"], positive: [] }).neutral;
    const random = new Random(1, "test");
    const subject = new Subject().choose(kemenkes, ISSUES["antrean-bpjs"], "x", random);
    expect(writeText(template as Template, true, subject, () => "x", random)).toMatch(
      /^ada info soal (antrean BPJS|aplikasi Mobile JKN|klaim BPJS|rujukan faskes)\?$/,
    );
  });

  it("reject a template with an unknown slot when compiled", () => {
    expect(() => compileTemplates({ negative: ["{agnecy} lambat"], neutral: [], positive: [] })).toThrow(
      'unknown slot {agnecy} in template "{agnecy} lambat"',
    );
  });
});

describe("extractEntities", () => {
  it("finds hashtags, handles and links once each, without sigils, ignoring @ inside links", () => {
    const text =
      "RT @budi_s: @official.kpk tolong #OTT cek https://www.tiktok.com/@someone/video/1 #OTT @budi_s. lagi https://x.com/a/status/2";
    expect(extractEntities(text)).toEqual({
      hashtags: ["OTT"],
      mentionedHandles: ["budi_s", "official.kpk"],
      links: ["https://www.tiktok.com/@someone/video/1", "https://x.com/a/status/2"],
    });
  });

  it("finds nothing in plain text", () => {
    expect(extractEntities("antrean BPJS lama bgt 😡")).toEqual({ hashtags: [], mentionedHandles: [], links: [] });
  });
});
