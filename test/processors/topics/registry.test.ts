import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { untagged } from "../../../processors/tagger.js";
import {
  compileQueries,
  QueryConfigError,
  QueryRegistry,
  type QueryReloadEvent,
  topicsTagger,
} from "../../../processors/topics/index.js";
import type { TaggedMention } from "../../../schemas/types.generated.js";
import { mention } from "./helpers.js";

const GOOD = "agencies:\n  bpjs-kesehatan:\n    antrean: 'bpjs NEAR/3 antre*'\n";
const EDITED = "agencies:\n  bpjs-kesehatan:\n    antrean: 'bpjs NEAR/3 antre*'\n    iuran: 'iuran AND bpjs'\n";
const BAD = "agencies:\n  bpjs-kesehatan:\n    antrean: 'bpjs NEAR/3 antre*'\n    iuran: '(iuran AND bpjs'\n";

const ids = (registry: QueryRegistry) => registry.current().queries.map((q) => q.id);

/** Resolves with the next value pushed, or rejects after `ms`. */
function nextEvent<T>(ms = 5000): { push: (value: T) => void; next: () => Promise<T> } {
  const queue: T[] = [];
  let waiting: ((value: T) => void) | null = null;
  return {
    push(value) {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve(value);
      } else {
        queue.push(value);
      }
    },
    next() {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
        waiting = (value) => {
          clearTimeout(timer);
          resolve(value);
        };
      });
    },
  };
}

describe("QueryRegistry", () => {
  let dir: string;
  let file: string;
  let registry: QueryRegistry | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "simak-queries-"));
    file = join(dir, "queries.yaml");
    writeFileSync(file, GOOD);
  });

  afterEach(() => {
    registry?.close();
    registry = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it("fails to load a bad file with every problem located", async () => {
    writeFileSync(file, BAD);
    const error = await QueryRegistry.load(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryConfigError);
    expect((error as Error).message).toBe(`${file}:4:28: expected ')' to close '(' opened at 4:13`);
  });

  it("reload(): a good edit swaps the set, a bad edit keeps the previous one and reports it once", async () => {
    const reloads: QueryReloadEvent[] = [];
    const errors: Error[] = [];
    registry = await QueryRegistry.load(file, { onReload: (e) => reloads.push(e), onError: (e) => errors.push(e) });
    const first = registry.current();
    expect(ids(registry)).toEqual(["bpjs-kesehatan/antrean"]);
    expect(registry.generation).toBe(1);

    expect(await registry.reload()).toBe(false); // unchanged
    expect(registry.current()).toBe(first);

    writeFileSync(file, EDITED);
    expect(await registry.reload()).toBe(true);
    expect(ids(registry)).toEqual(["bpjs-kesehatan/antrean", "bpjs-kesehatan/iuran"]);
    expect(registry.generation).toBe(2);
    expect(reloads.map((e) => [e.generation, e.previous === first, e.value === registry?.current()])).toEqual([
      [2, true, true],
    ]);

    const edited = registry.current();
    writeFileSync(file, BAD);
    expect(await registry.reload()).toBe(false);
    expect(await registry.reload()).toBe(false);
    expect(registry.current()).toBe(edited);
    expect(errors.map((e) => e.message)).toEqual([`${file}:4:28: expected ')' to close '(' opened at 4:13`]);
    expect(registry.lastError).toBe(errors[0]);

    // Undoing the bad edit clears the error without a swap (the text in force is back).
    writeFileSync(file, EDITED);
    expect(await registry.reload()).toBe(false);
    expect(registry.lastError).toBeNull();
    expect(registry.current()).toBe(edited);

    unlinkSync(file);
    expect(await registry.reload()).toBe(false);
    expect((registry.lastError as NodeJS.ErrnoException).code).toBe("ENOENT");
    expect(registry.current()).toBe(edited);
  });

  it("watch(): picks up edits in place and by rename, keeps the set on a bad edit", async () => {
    const reloads = nextEvent<QueryReloadEvent>();
    const errors = nextEvent<Error>();
    const watched = await QueryRegistry.load(file, {
      onReload: reloads.push,
      onError: errors.push,
      debounceMs: 20,
      pollMs: 50,
    });
    registry = watched.watch();

    writeFileSync(file, EDITED);
    expect((await reloads.next()).generation).toBe(2);
    expect(ids(watched)).toEqual(["bpjs-kesehatan/antrean", "bpjs-kesehatan/iuran"]);

    writeFileSync(file, BAD);
    expect((await errors.next()).message).toBe(`${file}:4:28: expected ')' to close '(' opened at 4:13`);
    expect(ids(watched)).toEqual(["bpjs-kesehatan/antrean", "bpjs-kesehatan/iuran"]);

    // Editors often save by writing a temporary file and renaming it over the original.
    const temporary = join(dir, ".queries.yaml.swp");
    writeFileSync(temporary, "general:\n  hoaks: 'hoaks OR hoax'\n");
    renameSync(temporary, file);
    expect((await reloads.next()).generation).toBe(3);
    expect(ids(watched)).toEqual(["hoaks"]);
  });

  it("watch() with polling only still notices changes", async () => {
    const reloads = nextEvent<QueryReloadEvent>();
    const polled = await QueryRegistry.load(file, {
      onReload: reloads.push,
      debounceMs: 10,
      pollMs: 30,
      fsWatch: false,
    });
    registry = polled.watch();
    writeFileSync(file, EDITED);
    expect((await reloads.next()).generation).toBe(2);
    expect(ids(polled)).toEqual(["bpjs-kesehatan/antrean", "bpjs-kesehatan/iuran"]);
  });

  it("topicsTagger reads the set in force once per batch", async () => {
    registry = await QueryRegistry.load(file);
    const tagger = topicsTagger(registry);
    const batch: TaggedMention[] = [
      { mention: mention("antrean BPJS lama"), tags: untagged(), processedTime: 0 },
      { mention: mention("iuran bpjs naik"), tags: untagged(), processedTime: 0 },
    ];
    await tagger.tag(batch);
    expect(tagger.name).toBe("topics");
    expect(batch.map((item) => item.tags.topics)).toEqual([
      [{ queryId: "bpjs-kesehatan/antrean", agency: "bpjs-kesehatan" }],
      [],
    ]);

    writeFileSync(file, EDITED);
    await registry.reload();
    await tagger.tag(batch);
    expect(batch.map((item) => item.tags.topics)).toEqual([
      [{ queryId: "bpjs-kesehatan/antrean", agency: "bpjs-kesehatan" }],
      [{ queryId: "bpjs-kesehatan/iuran", agency: "bpjs-kesehatan" }],
    ]);

    // A fixed QuerySet works too.
    const fixed = topicsTagger(compileQueries([{ id: "naik", agency: null, query: "naik" }]));
    await fixed.tag(batch);
    expect(batch.map((item) => item.tags.topics)).toEqual([[], [{ queryId: "naik", agency: null }]]);
  });
});
