import { describe, expect, it } from "vitest";
import { Random } from "../../../ingestors/synthetic/random.js";
import { compileQueries, naiveEvaluate, QueryConfigError } from "../../../processors/topics/index.js";
import type { Mention, Platform } from "../../../schemas/types.generated.js";
import { mention } from "./helpers.js";

const WORDS = [
  "bpjs",
  "antre",
  "antrean",
  "jkn",
  "gak",
  "tidak",
  "lama",
  "kemenkes",
  "kemensos",
  "vaksin",
  "polri",
  "sim",
  "di",
];
const PREFIXES = ["antr*", "kemen*", "va*", "po*"];
const TAGS = ["bpjs", "jkn", "vaksinbooster"];
const HANDLES = ["kemenkesri", "bpjskesehatanri"];
const FIELDS = ["platform:x", "platform:tiktok", "lang:id", "kind:reply", "author:budi", "author:bu*"];

describe("compiled, indexed matcher vs naive AST evaluation", () => {
  it("agree on every mention for randomly generated queries", () => {
    const rng = new Random(20260101, "queries");
    const next = () => rng.next();
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const positional = (depth: number): string => {
      const r = next();
      if (depth <= 0 || r < 0.45) return r < 0.2 ? pick(PREFIXES) : pick(WORDS);
      if (r < 0.6) return `"${pick(WORDS)} ${pick([...WORDS, ...PREFIXES])}"`;
      if (r < 0.8) return `(${positional(depth - 1)} OR ${positional(depth - 1)})`;
      return `${positional(depth - 1)} NEAR/${Math.floor(next() * 4)}${next() < 0.3 ? "f" : ""} ${positional(0)}`;
    };
    const query = (depth: number): string => {
      const r = next();
      if (depth <= 0 || r < 0.3) {
        const leaf = next();
        if (leaf < 0.6) return positional(1);
        if (leaf < 0.75) return `#${pick(TAGS)}`;
        if (leaf < 0.85) return `@${pick(HANDLES)}`;
        return pick(FIELDS);
      }
      if (r < 0.5) return `(${query(depth - 1)}) AND (${query(depth - 1)})`;
      if (r < 0.7) return `(${query(depth - 1)}) OR (${query(depth - 1)})`;
      if (r < 0.85) return `${query(depth - 1)} NOT ${query(depth - 1)}`;
      return `${query(depth - 1)} ${query(depth - 1)}`;
    };

    const definitions: { id: string; agency: null; query: string }[] = [];
    for (let i = 0; definitions.length < 400; i++) {
      const definition = { id: `q${i}`, agency: null, query: query(3) };
      try {
        compileQueries([definition]);
        definitions.push(definition);
      } catch (error) {
        // Unanchored random queries (e.g. NOT-only) are refused at load; skip them.
        if (!(error instanceof QueryConfigError)) throw error;
      }
    }
    const set = compileQueries(definitions);

    const mentions: Mention[] = [];
    for (let i = 0; i < 600; i++) {
      const length = 1 + Math.floor(next() * 10);
      const text = Array.from({ length }, () =>
        next() < 0.1 ? `#${pick(TAGS)}` : pick([...WORDS, "antriannya", "vaksinasi"]),
      ).join(" ");
      mentions.push(
        mention(text, {
          platform: pick<Platform>(["x", "tiktok", "facebook"]),
          lang: pick(["id", "id-ID", null, "en"]),
          kind: pick(["post", "reply"]),
          parentId: "p",
          hashtags: next() < 0.2 ? [pick(TAGS)] : [],
          mentionedHandles: next() < 0.2 ? [pick(HANDLES)] : [],
          author: {
            id: "u1",
            handle: pick(["budi", "Bunga", "sari"]),
            name: null,
            followers: 1,
            verified: false,
            location: null,
          },
        }),
      );
    }

    let total = 0;
    for (const item of mentions) {
      const doc = set.prepare(item);
      const indexed = set.matchPrepared(doc);
      const naive = set.queries.flatMap((q, i) => (naiveEvaluate(q.resolved, doc) ? [i] : []));
      expect({ text: item.text, matched: indexed.map((i) => definitions[i]?.query) }).toEqual({
        text: item.text,
        matched: naive.map((i) => definitions[i]?.query),
      });
      total += naive.length;
    }
    // The comparison is meaningful: plenty of matches, and far fewer candidates than queries.
    expect(total).toBeGreaterThan(5000);
  });
});
