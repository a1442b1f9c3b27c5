import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { WrittenStates } from "../../../runtime/state/written-states.js";

describe("WrittenStates", () => {
  it("gives the states it was told were written, and reads the others from the store, unparsed", async () => {
    const store = new MemoryStateStore();
    await store.setMany([{ key: "s:1", value: '{"n":1}' }], 60);
    const written = new WrittenStates<{ n: number }>(100);
    written.remember("s:2", '{"n":2}', { n: 2 });
    expect(await written.read(store, ["s:1", "s:2", "s:3"])).toEqual([
      { text: '{"n":1}', state: undefined },
      { text: '{"n":2}', state: { n: 2 } },
      { text: null, state: undefined },
    ]);
    // Forgotten (another writer changed it): read from the store again.
    written.forget(["s:2"]);
    expect(await written.read(store, ["s:2"])).toEqual([{ text: null, state: undefined }]);
  });

  it("keeps at most its budget of text characters, dropping the least recently used first", async () => {
    const store = new MemoryStateStore();
    const written = new WrittenStates<string>(10);
    written.remember("a", "aaaa", "A");
    written.remember("b", "bbbb", "B");
    await written.read(store, ["a"]); // a is now more recently used than b
    written.remember("c", "cccc", "C"); // 12 characters: b goes
    expect((await written.read(store, ["a", "b", "c"])).map(({ state }) => state)).toEqual(["A", undefined, "C"]);
    written.remember("a", "aaaaaaaa", "A2"); // replaces a (12 characters again): c goes
    expect((await written.read(store, ["a", "c"])).map(({ state }) => state)).toEqual(["A2", undefined]);
  });
});
