import { describe, expect, it } from "vitest";
import { normaliseMention } from "../../../processors/normalise/index.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

function withChanges(changes: Partial<Mention>): Mention {
  return { ...sampleMention, ...changes };
}

describe("normaliseMention", () => {
  it("trims, folds to NFC, strips control characters and canonicalises tags and handles", () => {
    const decomposed = "pelayanan di kantor imigrasi cepat banget \u0000 cafe\u0301 ";
    const result = normaliseMention(
      withChanges({
        text: `  ${decomposed}\n`,
        author: { ...sampleMention.author, handle: " @Warga_Depok ", name: "  " },
        hashtags: ["#BPJS", "bpjs", " #Antre "],
        mentionedHandles: ["@BPJSKesehatanRI", "bpjskesehatanri"],
        links: [" https://a.id/x ", "https://a.id/x", ""],
        lang: " ID ",
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mention.text).toBe("pelayanan di kantor imigrasi cepat banget  café");
    expect(result.mention.text).toBe(result.mention.text.normalize("NFC"));
    expect(result.mention.author.handle).toBe("Warga_Depok");
    expect(result.mention.author.name).toBeNull();
    expect(result.mention.hashtags).toEqual(["bpjs", "antre"]);
    expect(result.mention.mentionedHandles).toEqual(["bpjskesehatanri"]);
    expect(result.mention.links).toEqual(["https://a.id/x"]);
    expect(result.mention.lang).toBe("id");
  });

  it("lists every missing required field", () => {
    const result = normaliseMention(
      withChanges({ id: " ", text: "\t", author: { ...sampleMention.author, handle: "" }, kind: "reply" }),
    );
    expect(result).toEqual({ ok: false, reason: "missing required fields: id, author.handle, text, parentId" });
  });

  it("accepts a share without text when it names what it shares", () => {
    expect(normaliseMention(withChanges({ kind: "share", text: "", parentId: "p1", rootId: "p1" })).ok).toBe(true);
    expect(normaliseMention(withChanges({ kind: "share", text: "" }))).toEqual({
      ok: false,
      reason: "missing required fields: text, parentId",
    });
  });

  it("refuses event times in seconds and negative counts", () => {
    expect(normaliseMention(withChanges({ eventTime: 1_790_000_000 }))).toEqual({
      ok: false,
      reason: "eventTime 1790000000 is before 2000-01-01; expected epoch milliseconds",
    });
    expect(normaliseMention(withChanges({ engagement: { ...sampleMention.engagement, shares: -1 } }))).toEqual({
      ok: false,
      reason: "negative count in engagement.shares",
    });
  });
});
