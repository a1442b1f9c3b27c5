/**
 * Alert rules scoped to a province: the rule file accepts and checks `scope.province`, and the
 * alert stage's reads (minutes, post events, evidence) take the province rollup and the stored
 * place for such a scope, the same rollups as before without one.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readEvidence, readMinutePoints, readPostEvents } from "../../../pipeline/stages/minute-aggregates.js";
import { compileAlertConfig, MINUTE_MS, scopeKey } from "../../../processors/alerts/index.js";
import { PartitionWindows } from "../../../processors/windows/index.js";
import { taggedMentionRow, windowDeltaRows } from "../../../sinks/clickhouse/rows.js";
import { tagged } from "../../processors/windows/helpers.js";
import { useMigratedStorage } from "../../support/storage.js";

const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const AGENCY = "bpjs-kesehatan";
const topics = [{ queryId: "q", agency: AGENCY }];
const storage = useMigratedStorage();

/** Minute 1: 3 negative in Jawa Barat, 1 positive in Jawa Barat, 2 negative in Jawa Timur, 1 negative nowhere. */
const MENTIONS = [
  ...[0, 1, 2].map((i) =>
    tagged({
      id: `jabar-${i}`,
      at: T0 + MINUTE_MS + i * 1000,
      topics,
      sentiment: ["negative", -1],
      place: ["32", "32.74"],
      influence: 70,
    }),
  ),
  tagged({ id: "jabar-pos", at: T0 + MINUTE_MS + 5000, topics, sentiment: ["positive", 1], place: ["32", null] }),
  ...[0, 1].map((i) =>
    tagged({
      id: `jatim-${i}`,
      at: T0 + MINUTE_MS + 6000 + i,
      topics,
      sentiment: ["negative", -1],
      place: ["35", "35.78"],
      influence: 70,
    }),
  ),
  tagged({ id: "nowhere", at: T0 + MINUTE_MS + 9000, topics, sentiment: ["negative", -1], influence: 70 }),
];

beforeAll(async () => {
  const at = (offset: number) => ({ topic: "t", partition: 0, offset: String(offset) });
  await storage.client.insert({
    table: storage.table("tagged_mentions"),
    values: MENTIONS.map((item, offset) => taggedMentionRow(item, at(offset))),
    format: "JSONEachRow",
  });
  const windows = new PartitionWindows({ allowedLatenessMs: 10 * MINUTE_MS });
  for (const item of MENTIONS) windows.add(item);
  await storage.client.insert({
    table: storage.table("mention_window_deltas"),
    values: windowDeltaRows(
      windows.flush(),
      { topic: "t", partition: 0, firstOffset: "0", lastOffset: "6" },
      Date.now(),
    ),
    format: "JSONEachRow",
  });
});

const scope = (province: string | null) => ({ agency: AGENCY, queryId: null, platform: null, province });

describe("alert rules scoped to a province", () => {
  it("reads the province's minutes from the province rollup, and all of the agency's without a province", async () => {
    const minute = (counts: { total: number; negative: number; positive: number }) => [
      { minute: T0 + MINUTE_MS, neutral: 0, ...counts },
    ];
    const read = (province: string | null) => readMinutePoints(storage, scope(province), T0, T0 + 10 * MINUTE_MS);
    expect(await read("32")).toEqual(minute({ total: 4, negative: 3, positive: 1 }));
    expect(await read("35")).toEqual(minute({ total: 2, negative: 2, positive: 0 }));
    expect(await read("91")).toEqual([]);
    expect(await read(null)).toEqual(minute({ total: 7, negative: 6, positive: 1 }));
  });

  it("keeps post events and evidence to mentions placed in the province", async () => {
    const events = await readPostEvents(storage, "influential-negative", scope("35"), T0, T0 + 10 * MINUTE_MS);
    expect(events.map((event) => event.postId)).toEqual(["jatim-0", "jatim-1"]);
    const evidence = await readEvidence(
      storage,
      scope("32"),
      { start: T0, end: T0 + 10 * MINUTE_MS },
      { negativeOnly: true, limit: 10 },
    );
    expect(evidence.postIds.sort()).toEqual(["jabar-0", "jabar-1", "jabar-2"]);
  });

  it("takes scope.province from the rules file, checked, and keys its state apart", () => {
    const rule = (scopeText: string) => `rules:\n  r:\n    scope: ${scopeText}\n    signal: negative-count\n`;
    const [parsed] = compileAlertConfig(rule(`{ agency: ${AGENCY}, province: "32" }`), "a.yaml", {}).rules;
    expect(parsed?.scope).toEqual({ agency: AGENCY, queryId: null, platform: null, province: "32" });
    expect(scopeKey(parsed?.scope ?? scope(null))).toBe(`${AGENCY}/*/*/province:32`);
    expect(scopeKey(scope(null))).toBe(`${AGENCY}/*/*`);
    expect(() => compileAlertConfig(rule(`{ agency: ${AGENCY}, province: "Jabar" }`), "a.yaml", {})).toThrow(
      /two-digit province code/,
    );
    expect(() => compileAlertConfig(rule(`{ queryId: q, province: "32" }`), "a.yaml", {})).toThrow(/not a query/);
  });
});
