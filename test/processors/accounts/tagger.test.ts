import { describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import {
  type AccountClassification,
  AccountRegistry,
  accountsTagger,
  loadAccountFile,
} from "../../../processors/accounts/index.js";
import { normaliseMention } from "../../../processors/normalise/index.js";
import { untagged } from "../../../processors/tagger.js";
import type { Mention, TaggedMention } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

const registry = new AccountRegistry({
  agencies: [{ id: "kemenkes", name: "Kementerian Kesehatan", accounts: { x: [{ handle: "KemenkesRI" }] } }],
});

const item = (mention: Partial<Mention> & { id: string }, handle: string): TaggedMention => ({
  mention: {
    ...sampleMention,
    text: "halo",
    ...mention,
    author: { ...sampleMention.author, handle, id: `id-${handle}` },
  },
  tags: untagged(),
  processedTime: 0,
});
const post = (id: string, handle: string) => item({ id }, handle);
const reply = (id: string, parentId: string, handle = "warga_depok") =>
  item({ id, kind: "reply", parentId, rootId: parentId }, handle);

function collect() {
  const seen: Array<[string, AccountClassification["role"], string | null]> = [];
  return {
    seen,
    onClassified: (tagged: TaggedMention, c: AccountClassification) => seen.push([tagged.mention.id, c.role, c.agency]),
  };
}

describe("accountsTagger", () => {
  it("remembers official posts so replies in the same and later batches are audience responses", async () => {
    const { seen, onClassified } = collect();
    const tagger = accountsTagger(registry, { onClassified });
    expect(tagger.name).toBe("accounts");
    await tagger.tag([post("p1", "KemenkesRI"), reply("r1", "p1"), post("p2", "warga_bekasi"), reply("r2", "p2")]);
    await tagger.tag([reply("r3", "p1", "warga_bogor")]);
    expect(seen).toEqual([
      ["p1", "official", "kemenkes"],
      ["r1", "audience_response", "kemenkes"],
      ["p2", "other", null],
      ["r2", "other", null],
      ["r3", "audience_response", "kemenkes"],
    ]);
    expect(tagger.remembered).toBe(1);
  });

  it("asks lookupAuthor for parents it has not seen, and forgets beyond its capacity", async () => {
    const { seen, onClassified } = collect();
    const asked: string[] = [];
    const tagger = accountsTagger(registry, {
      onClassified,
      recentOfficialPosts: 1,
      lookupAuthor: (platform, postId) => {
        asked.push(`${platform}:${postId}`);
        return postId === "old" ? { handle: "kemenkesri" } : undefined;
      },
    });
    await tagger.tag([
      post("p1", "KemenkesRI"),
      post("p2", "KemenkesRI"),
      reply("r1", "p1"),
      reply("r2", "p2"),
      reply("r3", "old"),
    ]);
    expect(seen.slice(2)).toEqual([
      ["r1", "other", null],
      ["r2", "audience_response", "kemenkes"],
      ["r3", "audience_response", "kemenkes"],
    ]);
    expect(asked).toEqual(["x:p1", "x:old"]);

    tagger.remember("x", "p1", { handle: "KemenkesRI" });
    await tagger.tag([reply("r4", "p1")]);
    expect(seen.at(-1)).toEqual(["r4", "audience_response", "kemenkes"]);
  });

  it("reads the registry in force once per batch", async () => {
    const { seen, onClassified } = collect();
    let current = registry;
    const tagger = accountsTagger({ current: () => current }, { onClassified });
    await tagger.tag([post("a", "KemenkesRI_Jatim")]);
    current = new AccountRegistry({
      agencies: [
        {
          id: "kemenkes",
          name: "Kementerian Kesehatan",
          accounts: { x: [{ handle: "KemenkesRI" }, { handle: "KemenkesRI_Jatim" }] },
        },
      ],
    });
    await tagger.tag([post("b", "KemenkesRI_Jatim")]);
    expect(seen).toEqual([
      ["a", "impersonation_suspect", "kemenkes"],
      ["b", "official", "kemenkes"],
    ]);
  });

  it("on simulated traffic: officials found, replies to them found, nobody suspected", async () => {
    const accounts = await loadAccountFile("config/examples/accounts.yaml");
    const authors = new Map<string, Mention["author"]>();
    const roles = new Map<string, number>();
    const mismatches: string[] = [];
    const tagger = accountsTagger(accounts, {
      onClassified: ({ mention }, classification) => {
        const official = (author: Mention["author"] | undefined) =>
          author !== undefined &&
          accounts.findOfficial(mention.platform, author.handle, author.id)?.kind === "official";
        const parent = mention.parentId === null ? undefined : authors.get(`${mention.platform}:${mention.parentId}`);
        const root = mention.rootId === null ? undefined : authors.get(`${mention.platform}:${mention.rootId}`);
        const expected = official(mention.author)
          ? "official"
          : (mention.kind === "reply" || mention.kind === "comment") && (official(parent) || official(root))
            ? "audience_response"
            : "other";
        if (classification.role !== expected) {
          mismatches.push(
            `${mention.platform}:${mention.id} @${mention.author.handle}: ${classification.role}, expected ${expected}`,
          );
        }
        roles.set(classification.role, (roles.get(classification.role) ?? 0) + 1);
        authors.set(`${mention.platform}:${mention.id}`, mention.author);
      },
    });
    const batch: TaggedMention[] = [];
    for await (const event of createSyntheticIngestor({ seed: 5, speed: 0, maxMentions: 10_000 }).events(
      new AbortController().signal,
    )) {
      if (event.type !== "mention") continue;
      const result = normaliseMention(event.mention);
      if (!result.ok) continue;
      batch.push({ mention: result.mention, tags: untagged(), processedTime: 0 });
      if (batch.length === 250) await tagger.tag(batch.splice(0));
    }
    await tagger.tag(batch);
    expect(mismatches).toEqual([]);
    expect(roles.get("impersonation_suspect")).toBeUndefined();
    expect(roles.get("official")).toBeGreaterThan(50);
    expect(roles.get("audience_response")).toBeGreaterThan(50);
  });
});
