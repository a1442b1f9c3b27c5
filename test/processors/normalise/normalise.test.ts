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

  it("keeps tabs and line breaks inside plain ASCII text, and drops DEL and control characters from ASCII", () => {
    const result = normaliseMention(
      withChanges({
        text: " antre\tlama\r\nsekali ",
        author: { ...sampleMention.author, handle: "warga\u007F_depok", name: "Budi\u0001 Santoso" },
        hashtags: ["##Antre\u0008"],
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mention.text).toBe("antre\tlama\r\nsekali");
    expect(result.mention.author.handle).toBe("warga_depok");
    expect(result.mention.author.name).toBe("Budi Santoso");
    expect(result.mention.hashtags).toEqual(["antre"]);
  });

  it("lists every missing required field", () => {
    const result = normaliseMention(
      withChanges({ id: " ", text: "\t", author: { ...sampleMention.author, handle: "" }, kind: "reply" }),
    );
    expect(result).toEqual({
      ok: false,
      code: "MISSING_REQUIRED_FIELDS",
      reason: "missing required fields: id, author.handle, text, parentId",
    });
  });

  it("accepts a share without text when it names what it shares", () => {
    expect(normaliseMention(withChanges({ kind: "share", text: "", parentId: "p1", rootId: "p1" })).ok).toBe(true);
    expect(normaliseMention(withChanges({ kind: "share", text: "" }))).toEqual({
      ok: false,
      code: "MISSING_REQUIRED_FIELDS",
      reason: "missing required fields: text, parentId",
    });
  });

  it("refuses event times in seconds and negative counts", () => {
    expect(normaliseMention(withChanges({ eventTime: 1_790_000_000 }))).toEqual({
      ok: false,
      code: "EVENT_TIME_OUT_OF_RANGE",
      reason: "eventTime 1790000000 is before 2000-01-01; expected epoch milliseconds",
    });
    expect(normaliseMention(withChanges({ engagement: { ...sampleMention.engagement, shares: -1 } }))).toEqual({
      ok: false,
      code: "INVALID_COUNT",
      reason: "engagement.shares is -1; expected a whole number of at least 0",
    });
    const fractional = withChanges({ author: { ...sampleMention.author, followers: 1.5 } });
    expect(normaliseMention(fractional)).toMatchObject({ ok: false, code: "INVALID_COUNT" });
  });

  it("refuses event times more than 5 minutes after the clock it is given", () => {
    const now = sampleMention.eventTime;
    expect(normaliseMention(withChanges({ eventTime: now + 5 * 60_000 }), now).ok).toBe(true);
    expect(normaliseMention(withChanges({ eventTime: now + 5 * 60_000 + 1 }), now)).toMatchObject({
      ok: false,
      code: "EVENT_TIME_OUT_OF_RANGE",
    });
    expect(normaliseMention(withChanges({ eventTime: Date.UTC(2100, 0, 1) }))).toMatchObject({
      ok: false,
      code: "EVENT_TIME_OUT_OF_RANGE",
    });
  });

  it("refuses ids and keys over 512 bytes, counted in UTF-8", () => {
    expect(normaliseMention(withChanges({ id: "x".repeat(512) })).ok).toBe(true);
    expect(normaliseMention(withChanges({ id: "x".repeat(513) }))).toEqual({
      ok: false,
      code: "ID_TOO_LONG",
      reason: "id is 513 bytes; at most 512",
    });
    // 200 characters, 600 bytes.
    expect(
      normaliseMention(withChanges({ author: { ...sampleMention.author, handle: "é€".repeat(120) } })),
    ).toMatchObject({
      ok: false,
      code: "ID_TOO_LONG",
    });
    const reply = { kind: "reply" as const, parentId: "p".repeat(600), rootId: "p".repeat(600) };
    expect(normaliseMention(withChanges(reply))).toMatchObject({ ok: false, code: "ID_TOO_LONG" });
  });

  it("dead-letters a text over 64 KiB rather than truncating it", () => {
    expect(normaliseMention(withChanges({ text: "a".repeat(64 * 1024) })).ok).toBe(true);
    expect(normaliseMention(withChanges({ text: "a".repeat(64 * 1024 + 1) }))).toEqual({
      ok: false,
      code: "TEXT_TOO_LONG",
      reason: "text is 65537 bytes; at most 65536",
    });
    expect(normaliseMention(withChanges({ text: "é".repeat(40_000) }))).toMatchObject({ code: "TEXT_TOO_LONG" });
  });

  it("refuses inconsistent thread fields", () => {
    const cases: Array<[Partial<Mention>, string]> = [
      [{ parentId: null, rootId: "other" }, "rootId other without a parentId"],
      [{ kind: "reply", parentId: "p1", rootId: null }, "parentId p1 without a rootId"],
      [{ kind: "reply", parentId: sampleMention.id, rootId: "p1" }, "parentId is the item itself"],
      [{ kind: "reply", parentId: "p1", rootId: sampleMention.id }, "rootId is the item itself, yet it has a parent"],
    ];
    for (const [changes, problem] of cases) {
      expect(normaliseMention(withChanges(changes))).toEqual({
        ok: false,
        code: "INCONSISTENT_THREAD",
        reason: `inconsistent thread: ${problem}`,
      });
    }
    expect(normaliseMention(withChanges({ parentId: null, rootId: sampleMention.id })).ok).toBe(true);
    expect(normaliseMention(withChanges({ kind: "reply", parentId: "p2", rootId: "p1" })).ok).toBe(true);
  });

  it("keeps only http(s) urls, dropping any other scheme", () => {
    const urlOf = (url: string | null) => {
      const result = normaliseMention(withChanges({ url }));
      return result.ok ? result.mention.url : "refused";
    };
    expect(urlOf(" https://x.com/a/status/1 ")).toBe("https://x.com/a/status/1");
    expect(urlOf("HTTP://portal.id/b")).toBe("HTTP://portal.id/b");
    expect(urlOf("javascript:alert(1)")).toBeNull();
    expect(urlOf("data:text/html,<script>")).toBeNull();
    expect(urlOf("/relative/path")).toBeNull();
    expect(urlOf(null)).toBeNull();
  });
});
