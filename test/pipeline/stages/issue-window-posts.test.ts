/**
 * The issues stage's window reader on embedded ClickHouse: sliding a minute at a time, with a late
 * post landing in a minute already read, a post stored twice and one counted in two scopes, it gives exactly what a reader
 * reading the whole window afresh gives (posts in order, term counts), and forgets what left.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { IssueWindowPosts, type ScopePosts } from "../../../pipeline/stages/issue-window-posts.js";
import { issueMention } from "../../fixtures/issues.js";
import { useMigratedStorage } from "../../support/storage.js";

const MIN = 60_000;
/** A whole minute, an hour ago (issue_mentions keeps 7 days). */
const T0 = Math.floor((Date.now() - 3_600_000) / MIN) * MIN;
const storage = useMigratedStorage({ database: "simak_issue_window_test" });

/** At `second` of `minute` from T0. */
const post = (id: string, scopes: string | string[], minute: number, second: number, terms: string[]) =>
  issueMention(id, scopes, T0 + minute * MIN + second * 1000, terms);

const plain = (scopes: Map<string, ScopePosts>) =>
  [...scopes.values()].map(({ id, posts, terms }) => ({
    id,
    posts: posts.map((p) => p.id.replace(/^x:/, "")),
    terms: Object.fromEntries([...terms].sort(([a], [b]) => (a < b ? -1 : 1))),
  }));

beforeAll(async () => {
  await storage.insertRows("issue_mentions", [
    post("a", "bpjs", 0, 5, ["antrean", "faskes"]),
    post("b", "bpjs", 1, 10, ["antrean"]),
    post("c", "kpu", 1, 20, ["pemilu"]),
    post("d", ["bpjs", "kpu"], 2, 30, ["faskes", "obat"]),
    post("e", "bpjs", 3, 40, ["antrean", "obat"]),
    post("f", "kpu", 4, 50, ["pemilu", "kotak"]),
  ]);
}, 60_000);

describe("IssueWindowPosts", () => {
  it("slides a minute at a time to what a fresh read of the window gives, re-reading a changed minute", async () => {
    const rolling = new IssueWindowPosts(storage);
    const fresh = (start: number, end: number) => new IssueWindowPosts(storage).read(start, end).then(plain);
    const window = (first: number) => [T0 + first * MIN, T0 + (first + 3) * MIN] as const;

    expect(plain(await rolling.read(...window(0)))).toEqual([
      { id: "bpjs", posts: ["a", "b", "d"], terms: { antrean: 2, faskes: 2, obat: 1 } },
      { id: "kpu", posts: ["c", "d"], terms: { faskes: 1, obat: 1, pemilu: 1 } },
    ]);
    expect(plain(await rolling.read(...window(1)))).toEqual(await fresh(...window(1)));
    // A late post in minute 2 (read already) and b stored again (a redelivery): minute 2 is read again.
    await storage.insertRows("issue_mentions", [
      post("g", "kpu", 2, 45, ["pemilu", "kotak"]),
      post("b", "bpjs", 1, 10, ["antrean"]),
    ]);
    const slid = plain(await rolling.read(...window(2)));
    expect(slid).toEqual([
      { id: "bpjs", posts: ["d", "e"], terms: { antrean: 1, faskes: 1, obat: 2 } },
      { id: "kpu", posts: ["d", "g", "f"], terms: { faskes: 1, kotak: 2, obat: 1, pemilu: 2 } },
    ]);
    expect(slid).toEqual(await fresh(...window(2)));
    // Past every post: nothing, and nothing held.
    expect(plain(await rolling.read(...window(10)))).toEqual([]);
    expect(rolling.minutesHeld).toBe(0);
    // And back over the same minutes (a restart's first evaluation): as fresh.
    expect(plain(await rolling.read(...window(1)))).toEqual(await fresh(...window(1)));
  });
});
