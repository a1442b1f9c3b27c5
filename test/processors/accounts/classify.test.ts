import { describe, expect, it } from "vitest";
import {
  AccountRegistry,
  type AuthorLookup,
  classifyAccount,
  editDistance,
  handleWords,
  nameWords,
  skeleton,
} from "../../../processors/accounts/index.js";
import type { Mention, MentionKind, Platform } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

const registry = new AccountRegistry({
  agencies: [
    {
      id: "kemenkes",
      name: "Kementerian Kesehatan",
      aliases: ["kemenkes", "menkes"],
      accounts: {
        x: [{ handle: "KemenkesRI", id: "111", name: "Kementerian Kesehatan RI" }],
        instagram: [{ handle: "kemenkes_ri" }],
      },
    },
    {
      id: "polri",
      name: "Kepolisian Negara Republik Indonesia",
      aliases: ["polri", "humas polri", "divhumas polri"],
      accounts: { x: [{ handle: "DivHumas_Polri", name: "Divisi Humas Polri" }] },
    },
    {
      id: "kpk",
      name: "Komisi Pemberantasan Korupsi",
      aliases: ["kpk"],
      accounts: { x: [{ handle: "KPK_RI" }], instagram: [{ handle: "official.kpk" }] },
    },
  ],
  allowlist: { x: ["kpk_watch_resmi"] },
});

function by(
  handle: string,
  name: string | null,
  changes: Partial<Mention> & { id?: string; platform?: Platform; kind?: MentionKind } = {},
): Mention {
  const { id = "u1", ...rest } = changes;
  return {
    ...sampleMention,
    ...rest,
    author: { id, handle, name, followers: 100, verified: false, location: null },
  };
}

describe("classifyAccount: official accounts", () => {
  it("marks the registered account as the agency's own post (handle case-insensitive)", () => {
    expect(classifyAccount(by("KemenkesRI", "Kementerian Kesehatan RI", { id: "111" }), registry)).toEqual({
      role: "official",
      agency: "kemenkes",
      reasons: ["@KemenkesRI is kemenkes's registered x account"],
    });
    expect(classifyAccount(by("kemenkes_ri", null, { platform: "instagram", id: "ig-9" }), registry)).toEqual({
      role: "official",
      agency: "kemenkes",
      reasons: ["@kemenkes_ri is kemenkes's registered instagram account"],
    });
    expect(classifyAccount(by("divhumas_polri", null), registry).role).toBe("official");
  });

  it("keeps a renamed account official by its registered id", () => {
    expect(classifyAccount(by("KemenkesRI_baru", "Kemenkes", { id: "111" }), registry)).toEqual({
      role: "official",
      agency: "kemenkes",
      reasons: ["account id 111 is kemenkes's registered x account (registered as @KemenkesRI, now @KemenkesRI_baru)"],
    });
  });

  it("suspects a registered handle used by another account id (a recycled handle)", () => {
    expect(classifyAccount(by("KemenkesRI", "Kementerian Kesehatan RI", { id: "999" }), registry)).toEqual({
      role: "impersonation_suspect",
      agency: "kemenkes",
      score: 0.9,
      reasons: ["handle @KemenkesRI is kemenkes's registered x account, but with id 111, not 999"],
    });
  });
});

describe("classifyAccount: impersonation", () => {
  it("flags 'kemenkes_resmi': the agency's name plus 'resmi'", () => {
    expect(classifyAccount(by("kemenkes_resmi", "Kemenkes Resmi"), registry)).toEqual({
      role: "impersonation_suspect",
      agency: "kemenkes",
      score: 0.73,
      reasons: ["handle and display name contain 'kemenkes' (kemenkes)", "handle contains 'resmi'"],
    });
  });

  it("flags 'KemenkesRl' (lower-case L for capital i) as a look-alike of @KemenkesRI", () => {
    expect(classifyAccount(by("KemenkesRl", "Kemenkes RI"), registry)).toEqual({
      role: "impersonation_suspect",
      agency: "kemenkes",
      score: 0.98,
      reasons: [
        "handle 'KemenkesRl' looks the same as kemenkes's official @KemenkesRI (x) (look-alike characters)",
        "handle and display name contain 'kemenkes' (kemenkes)",
        "display name contains 'ri'",
      ],
    });
  });

  it("flags 'Humas Polri Official' when the account is not in the registry, whatever its handle", () => {
    expect(classifyAccount(by("humaspolri.official", "Humas Polri Official"), registry)).toEqual({
      role: "impersonation_suspect",
      agency: "polri",
      score: 0.73,
      reasons: ["handle and display name contain 'humas polri' (polri)", "handle contains 'official'"],
    });
    expect(classifyAccount(by("budi_88", "Humas Polri Official"), registry)).toEqual({
      role: "impersonation_suspect",
      agency: "polri",
      score: 0.64,
      reasons: ["display name contains 'humas polri' (polri)", "display name contains 'official'"],
    });
  });

  it("flags near copies of official handles: separators, one edit, containment, other platforms", () => {
    const suspect = (handle: string, platform: Platform = "x") => {
      const result = classifyAccount(by(handle, null, { platform }), registry);
      return [result.role, result.agency, result.score, result.reasons[0]];
    };
    expect(suspect("kemenkes.ri")).toEqual([
      "impersonation_suspect",
      "kemenkes",
      0.96,
      "handle 'kemenkes.ri' is kemenkes's official @KemenkesRI (x) with different separators",
    ]);
    expect(suspect("KemenkesRII")).toEqual([
      "impersonation_suspect",
      "kemenkes",
      0.92,
      "handle 'KemenkesRII' is 1 character away from kemenkes's official @KemenkesRI (x)",
    ]);
    expect(suspect("KemenkesRI_official")).toEqual([
      "impersonation_suspect",
      "kemenkes",
      0.95,
      "handle 'KemenkesRI_official' contains kemenkes's official handle @KemenkesRI (x)",
    ]);
    expect(suspect("KemenkesRI", "tiktok")).toEqual([
      "impersonation_suspect",
      "kemenkes",
      0.96,
      "handle 'KemenkesRI' is kemenkes's official x handle, used on tiktok where it is not registered",
    ]);
    expect(suspect("k3m3nk3sRI")).toEqual([
      "impersonation_suspect",
      "kemenkes",
      0.98,
      "handle 'k3m3nk3sRI' looks the same as kemenkes's official @KemenkesRI (x) (look-alike characters)",
    ]);
    // Cyrillic е and о in place of Latin e and o.
    expect(suspect("DivHumas_P\u043Elri")[0]).toBe("impersonation_suspect");
    expect(suspect("k\u0435menkes_ri", "instagram")[3]).toBe(
      "handle 'k\u0435menkes_ri' looks the same as kemenkes's official @kemenkes_ri (instagram) (look-alike characters)",
    );
  });

  it("flags a display name copying the official name, and a name that is just the agency's alias", () => {
    expect(classifyAccount(by("info_sehat_123", "Kementerian Kesehatan RI"), registry)).toEqual({
      role: "impersonation_suspect",
      agency: "kemenkes",
      score: 0.86,
      reasons: [
        "display name 'Kementerian Kesehatan RI' is kemenkes's official name",
        "display name contains 'Kementerian Kesehatan' (kemenkes)",
        "display name contains 'ri'",
        "handle contains 'info'",
      ],
    });
    expect(classifyAccount(by("bang_polri", "Polri"), registry)).toEqual({
      role: "impersonation_suspect",
      agency: "polri",
      score: 0.73,
      reasons: ["display name is 'polri' (polri)", "handle contains 'polri' (polri)"],
    });
  });

  it("flags government-style accounts of agencies that are not registered, without an agency", () => {
    expect(classifyAccount(by("kemenpora_resmi", null), registry)).toEqual({
      role: "impersonation_suspect",
      agency: null,
      score: 0.61,
      reasons: ["handle contains 'resmi'", "handle starts like a government account's ('kemen')"],
    });
  });

  it("does not flag people who only name the agency in their text", () => {
    expect(
      classifyAccount(by("budi_santoso", "Budi Santoso", { text: "kemenkes lambat, @KemenkesRI tolong" }), registry),
    ).toEqual({
      role: "other",
      agency: null,
      reasons: [],
    });
    expect(
      classifyAccount(by("warga_depok", "Warga Depok", { text: "Humas Polri official resmi KPK" }), registry),
    ).toEqual({
      role: "other",
      agency: null,
      reasons: [],
    });
  });

  it("keeps fan and critic accounts that merely carry the agency's name below the threshold, with their score", () => {
    expect(classifyAccount(by("pecinta_polri", "Budi"), registry)).toEqual({
      role: "other",
      agency: null,
      score: 0.45,
      reasons: ["handle contains 'polri' (polri)"],
    });
    expect(classifyAccount(by("fans.kpk", "Fans KPK"), registry)).toEqual({
      role: "other",
      agency: null,
      score: 0.55,
      reasons: ["handle and display name contain 'kpk' (kpk)"],
    });
    expect(classifyAccount(by("dinkes_depok", "Dinkes Depok"), registry)).toEqual({
      role: "other",
      agency: null,
      score: 0.35,
      reasons: ["handle starts like a government account's ('dinkes')"],
    });
    // Short aliases count only as whole words or at either end of the handle.
    expect(classifyAccount(by("ngapakpakan", null), registry)).toEqual({ role: "other", agency: null, reasons: [] });
  });

  it("never flags allowlisted accounts, and takes the threshold as an option", () => {
    expect(classifyAccount(by("kpk_watch_resmi", "KPK Watch"), registry)).toEqual({
      role: "other",
      agency: null,
      reasons: [],
    });
    expect(classifyAccount(by("pecinta_polri", "Budi"), registry, { threshold: 0.4 }).role).toBe(
      "impersonation_suspect",
    );
    expect(classifyAccount(by("kemenkes_resmi", "Kemenkes Resmi"), registry, { threshold: 0.8 }).role).toBe("other");
  });
});

describe("classifyAccount: audience responses", () => {
  const posts: Record<string, { handle: string; id?: string }> = {
    "x:p-official": { handle: "KemenkesRI", id: "111" },
    "x:p-citizen": { handle: "warga_depok" },
    "instagram:ig-official": { handle: "kemenkes_ri" },
  };
  const lookupAuthor: AuthorLookup = (platform, postId) => posts[`${platform}:${postId}`];
  const reply = (parentId: string, changes: Partial<Mention> = {}) =>
    by("warga_bekasi", "Warga", { kind: "reply", parentId, rootId: parentId, ...changes });

  it("marks replies and comments to an official post, with the parent's author from the lookup", () => {
    expect(classifyAccount(reply("p-official"), registry, { lookupAuthor })).toEqual({
      role: "audience_response",
      agency: "kemenkes",
      reasons: ["reply to an official post of kemenkes (@KemenkesRI (x))"],
    });
    expect(
      classifyAccount(reply("ig-official", { platform: "instagram", kind: "comment" }), registry, { lookupAuthor }),
    ).toEqual({
      role: "audience_response",
      agency: "kemenkes",
      reasons: ["comment to an official post of kemenkes (@kemenkes_ri (instagram))"],
    });
  });

  it("marks nested replies in an official post's thread through its root", () => {
    expect(classifyAccount(reply("p-citizen", { rootId: "p-official" }), registry, { lookupAuthor })).toEqual({
      role: "audience_response",
      agency: "kemenkes",
      reasons: ["reply in the thread of an official post of kemenkes (@KemenkesRI (x))"],
    });
  });

  it("does not mark replies to other people, shares, or posts", () => {
    expect(classifyAccount(reply("p-citizen"), registry, { lookupAuthor }).role).toBe("other");
    expect(classifyAccount(reply("p-official", { kind: "share" }), registry, { lookupAuthor }).role).toBe("other");
    expect(classifyAccount(by("warga_bekasi", "Warga"), registry, { lookupAuthor }).role).toBe("other");
  });

  it("falls back, on X only and when the parent is unknown, to the first @handle the reply starts with", () => {
    const unknown = reply("p-unknown", { text: "@KemenkesRI @warga_depok kapan vaksin booster?" });
    expect(classifyAccount(unknown, registry)).toEqual({
      role: "audience_response",
      agency: "kemenkes",
      reasons: ["reply addressed first to @KemenkesRI (x), an official account of kemenkes (parent's author unknown)"],
    });
    // The parent is known and is a citizen: the addressed handle does not matter.
    expect(classifyAccount(reply("p-citizen", { text: "@KemenkesRI tolong" }), registry, { lookupAuthor }).role).toBe(
      "other",
    );
    // Not the first handle, or not on X.
    expect(classifyAccount(reply("p-unknown", { text: "@warga_depok @KemenkesRI" }), registry).role).toBe("other");
    expect(
      classifyAccount(
        reply("p-unknown", { text: "@kemenkes_ri halo", platform: "instagram", kind: "comment" }),
        registry,
      ).role,
    ).toBe("other");
  });

  it("lets impersonation win over audience response, and official over both", () => {
    expect(
      classifyAccount(by("KemenkesRl", null, { kind: "reply", parentId: "p-official" }), registry, { lookupAuthor })
        .role,
    ).toBe("impersonation_suspect");
    expect(
      classifyAccount(by("KemenkesRI", null, { id: "111", kind: "reply", parentId: "p-official" }), registry, {
        lookupAuthor,
      }).role,
    ).toBe("official");
  });
});

describe("identity comparison helpers", () => {
  it("builds look-alike skeletons", () => {
    expect(skeleton("KemenkesRI")).toBe("kemenkesrl");
    expect(skeleton("KemenkesRl")).toBe("kemenkesrl");
    expect(skeleton("kemenkes_r1")).toBe("kemenkesrl");
    expect(skeleton("@k3m3nk3s.RI")).toBe("kemenkesrl");
    expect(skeleton("DivHumas_PoIri")).toBe(skeleton("DivHumas_Polri"));
    expect(skeleton("kemenkés")).toBe("kemenkes");
    expect(skeleton("pemerintah")).toBe("pemerintah");
    expect(skeleton("bpjs_kesehatan_rn")).toBe("bpjskesehatanm");
  });

  it("splits handles and names into words", () => {
    expect(handleWords("DivHumas_Polri")).toEqual(["div", "humas", "polri"]);
    expect(handleWords("kemenkes_resmi2")).toEqual(["kemenkes", "resmi"]);
    expect(handleWords("KemenkesRI")).toEqual(["kemenkes", "ri"]);
    expect(nameWords("Humas POLRI (Official) ✅")).toEqual(["humas", "polri", "official"]);
  });

  it("measures edit distance with transpositions, bounded", () => {
    expect(editDistance("kemenkes", "kemenkes", 2)).toBe(0);
    expect(editDistance("kemenkes", "kemnekes", 2)).toBe(1);
    expect(editDistance("kemenkes", "kemenke", 2)).toBe(1);
    expect(editDistance("kemenkes", "kemensos", 2)).toBe(2);
    expect(editDistance("kemenkes", "polri", 2)).toBe(3);
    expect(editDistance("kemenkesrl", "kemenkesrlofficial", 2)).toBe(3);
  });
});
