/**
 * Fuzz test of the replay parser and the normaliser (fast-check, fixed seed): random and mutated
 * records never crash them; each is either accepted or refused with an error code and a reason.
 * Accepted replay lines are also accepted by the normaliser (the process stage), so nothing the
 * replay lets through is refused later for a reason it could have seen.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createReplayIngestor } from "../../ingestors/replay/index.js";
import { parseReplayLine } from "../../ingestors/replay/parse.js";
import { engagementProblem, normaliseMention, webEventProblem } from "../../processors/normalise/index.js";
import { ErrorCode } from "../../runtime/errors.js";
import type { SourceEvent } from "../../runtime/ingestor.js";
import type { Mention } from "../../schemas/types.generated.js";
import { collect } from "../ingestors/events.js";
import { tempDir } from "../support/services.js";

const SEED = 20261205;
const NOW = Date.UTC(2026, 11, 5, 3);
const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  "REPLAY_BAD_JSON",
  "REPLAY_SCHEMA_VIOLATION",
  "REPLAY_UNKNOWN_TYPE",
  "REPLAY_INVALID_UTF8",
  "REPLAY_LINE_TOO_LONG",
]);

const goodMention = {
  platform: "x",
  id: "1001",
  kind: "reply",
  url: "https://x.com/budi_s/status/1001",
  author: { id: "u1", handle: "budi_s", name: "Budi", followers: 120, verified: false },
  text: "antrean BPJS lama bgt #bpjs @BPJSKesehatanRI",
  lang: "id",
  eventTime: NOW - 60_000,
  parentId: "1000",
  rootId: "999",
  hashtags: ["bpjs"],
  mentionedHandles: ["BPJSKesehatanRI"],
  links: ["https://bpjs-kesehatan.go.id"],
  engagement: { likes: 3, shares: 1, replies: 0, views: 50, clicks: 0 },
};
const goodEngagement = { type: "engagement", platform: "x", postId: "1001", eventTime: NOW - 1000, likes: 4, views: 9 };
const goodWeb = {
  type: "web",
  id: "v1",
  site: "bpjs-kesehatan.go.id",
  agency: "BPJS Kesehatan",
  url: "https://bpjs-kesehatan.go.id/",
  kind: "visit",
  eventTime: NOW - 1000,
};

/** Values a field could be replaced with: wrong types, extremes, hostile strings. */
const oddValue = fc.oneof(
  fc.constantFrom(null, true, -1, 0.5, -0.0, 2 ** 53, -(2 ** 63), 1e308, "", " ", "\u0000", "javascript:alert(1)"),
  fc.constantFrom(Date.UTC(2100, 0, 1), 1_700_000_000, NOW + 300_001, "x".repeat(600), "é".repeat(300)),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** A good record with some (possibly nested) fields replaced, removed or added. */
function mutated(base: Record<string, unknown>) {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (path.length > 0) paths.push(path);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
    }
  };
  walk(base, []);
  const edit = fc.record({
    path: fc.constantFrom(...paths),
    action: fc.constantFrom("replace", "remove", "add"),
    value: oddValue,
    name: fc.string({ maxLength: 8 }),
  });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    const copy = structuredClone(base);
    for (const { path, action, value, name } of edits) {
      let parent = copy as Record<string, unknown>;
      for (const key of path.slice(0, -1)) {
        const next = parent[key];
        if (!next || typeof next !== "object" || Array.isArray(next)) break;
        parent = next as Record<string, unknown>;
      }
      const last = path[path.length - 1] as string;
      if (action === "replace") parent[last] = value;
      else if (action === "remove") delete parent[last];
      else parent[name] = value;
    }
    return copy;
  });
}

/** Accepted, or refused with a known code and a reason. */
function expectAcceptedOrDeadLettered(event: SourceEvent): void {
  if (event.type === "invalid") {
    expect(KNOWN_CODES.has(event.errorCode), event.errorCode).toBe(true);
    expect(event.reason.length).toBeGreaterThan(0);
  } else if (event.type === "mention") {
    // What the replay accepts, the process stage accepts.
    expect(normaliseMention(event.mention, NOW)).toMatchObject({ ok: true });
  } else if (event.type === "engagement") {
    expect(engagementProblem(event.engagement, NOW)).toBeNull();
  } else if (event.type === "web") {
    expect(webEventProblem(event.web, NOW)).toBeNull();
  }
}

/** Lines of `content` that are not blank (a line that is not UTF-8 is never blank). */
function nonBlankLines(content: Buffer): number {
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const lines: Buffer[] = [];
  for (let start = 0; start < content.length; ) {
    const end = content.indexOf(0x0a, start);
    lines.push(content.subarray(start, end === -1 ? content.length : end));
    start = end === -1 ? content.length : end + 1;
  }
  return lines.filter((line, i) => {
    try {
      const text = utf8.decode(line.at(-1) === 0x0d ? line.subarray(0, -1) : line);
      return (i === 0 ? text.replace(/^\uFEFF/, "") : text).trim() !== "";
    } catch {
      return true;
    }
  }).length;
}

const parse = (line: string) => parseReplayLine(line, 1, "fuzz.jsonl", "fuzz", NOW);

describe("fuzz: replay parser and normaliser", () => {
  it("takes the good records it starts from", () => {
    for (const good of [goodMention, goodEngagement, goodWeb]) {
      expect(parse(JSON.stringify(good)).type).not.toBe("invalid");
    }
  });

  it("never crashes on mutated records, and accepts or dead-letters each", () => {
    const records = fc.oneof(mutated(goodMention), mutated(goodEngagement), mutated(goodWeb));
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(records, (record) => {
        const event = parse(JSON.stringify(record));
        expectAcceptedOrDeadLettered(event);
        const outcome = event.type === "invalid" ? event.errorCode : event.type;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: 4000 },
    );
    // The mutations reach the checks, not only the JSON and schema layers.
    for (const code of ["REPLAY_SCHEMA_VIOLATION", "EVENT_TIME_OUT_OF_RANGE", "INVALID_COUNT", "ID_TOO_LONG"]) {
      expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
    expect(outcomes.get("mention") ?? 0).toBeGreaterThan(0);
  });

  it("never crashes on random text and random JSON", () => {
    const lines = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify({ type: "engagement", ...Object(value) })),
    );
    fc.assert(
      fc.property(lines, (line) => expectAcceptedOrDeadLettered(parse(line))),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("normalises or refuses, with a known code, any decoded Mention", () => {
    const text = fc.string({ unit: "binary", maxLength: 60 });
    const id = fc.oneof(text, fc.constantFrom("", "x".repeat(513), "p1"));
    const count = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(0.5, 2 ** 60));
    const mention: fc.Arbitrary<Mention> = fc.record({
      platform: fc.constantFrom("x", "facebook", "news", "other"),
      id,
      kind: fc.constantFrom("post", "reply", "share", "comment", "article"),
      url: fc.option(fc.oneof(fc.webUrl(), text), { nil: null }),
      author: fc.record({
        id,
        handle: text,
        name: fc.option(text, { nil: null }),
        followers: count,
        verified: fc.boolean(),
      }),
      text: fc.oneof(text, fc.constantFrom("a".repeat(70_000))),
      lang: fc.option(text, { nil: null }),
      eventTime: fc.oneof(fc.integer({ min: 0, max: 5_000_000_000_000 }), fc.constant(NOW)),
      ingestTime: fc.constant(NOW),
      parentId: fc.option(id, { nil: null }),
      rootId: fc.option(id, { nil: null }),
      hashtags: fc.array(text, { maxLength: 3 }),
      mentionedHandles: fc.array(text, { maxLength: 3 }),
      links: fc.array(text, { maxLength: 2 }),
      engagement: fc.record({ likes: count, shares: count, replies: count, views: count, clicks: count }),
      source: text,
    }) as fc.Arbitrary<Mention>;
    fc.assert(
      fc.property(mention, (input) => {
        const result = normaliseMention(input, NOW);
        if (result.ok) {
          expect(result.mention.url === null || /^https?:\/\//i.test(result.mention.url)).toBe(true);
          expect(normaliseMention(result.mention, NOW)).toEqual(result);
        } else {
          expect(KNOWN_CODES.has(result.code), result.code).toBe(true);
          expect(result.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("reads files of random bytes line by line, one event per non-blank line", async () => {
    const dir = tempDir("fuzz");
    let files = 0;
    const bytes = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom(
          Buffer.from("\n"),
          Buffer.from("\r\n"),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(JSON.stringify(goodMention)),
        ),
      ),
      { maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (parts) => {
        const content = Buffer.concat(parts);
        const path = join(dir, `fuzz-${++files}.jsonl`);
        await writeFile(path, content);
        const events = await collect(createReplayIngestor({ name: "fuzz", path, speed: 0 }));
        for (const event of events) {
          if (event.type === "invalid") expect(KNOWN_CODES.has(event.errorCode), event.errorCode).toBe(true);
        }
        expect(events.length).toBe(nonBlankLines(content));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
