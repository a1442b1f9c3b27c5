/**
 * The issues stage's hourly term counts on embedded ClickHouse: the hours asked for are rolled up
 * from issue_mentions (each post once per scope and term, a post stored twice counted once, the hour in progress
 * left alone), an hour rolled up is not rolled up again by the same or a restarted instance, and an
 * hour without posts stays empty.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { IssueTermsHourly } from "../../../pipeline/stages/issue-terms-hourly.js";
import { queryRows } from "../../../runtime/storage/clickhouse.js";
import { issueMention } from "../../fixtures/issues.js";
import { useMigratedStorage } from "../../support/storage.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Five hours ago, on the hour (issue_mentions keeps 7 days). */
const H0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
const storage = useMigratedStorage({ database: "simak_issue_terms_test" });

/** `scope/hour/term=posts`, hours counted from H0. */
async function counts(): Promise<string[]> {
  const rows = await queryRows<{ scope: string; hour: number; term: string; posts: number }>(
    storage,
    `SELECT scope, toUnixTimestamp(hour) * 1000 AS hour, term, uniqExactMerge(posts) AS posts
     FROM ${storage.table("issue_terms_hourly")} GROUP BY scope, hour, term ORDER BY scope, hour, term`,
  );
  return rows.map((row) => `${row.scope}/${(Number(row.hour) - H0) / HOUR}/${row.term}=${row.posts}`);
}

beforeAll(async () => {
  await storage.insertRows("issue_mentions", [
    issueMention("a", "bpjs", H0 + 5 * MIN, ["antrean", "faskes"]),
    issueMention("b", "bpjs", H0 + 59 * MIN, ["antrean"]),
    issueMention("c", ["kpu", "bpjs"], H0 + 30 * MIN, ["pemilu"]),
    // Hour 1: "d" stored twice (a redelivered batch).
    issueMention("d", "bpjs", H0 + HOUR + MIN, ["obat"]),
    issueMention("d", "bpjs", H0 + HOUR + MIN, ["obat"]),
    // Hour 3, still in progress when hours 0 to 2 are asked for.
    issueMention("e", "bpjs", H0 + 3 * HOUR, ["antrean"]),
  ]);
}, 60_000);

describe("IssueTermsHourly", () => {
  it("rolls up the hours asked for, once, each post counted once per term", async () => {
    const hourly = new IssueTermsHourly(storage);
    await hourly.ensure(H0, H0 + 3 * HOUR);
    const expected = [
      "bpjs/0/=3",
      "bpjs/0/antrean=2",
      "bpjs/0/faskes=1",
      "bpjs/0/pemilu=1",
      "bpjs/1/=1",
      "bpjs/1/obat=1",
      "kpu/0/=1",
      "kpu/0/pemilu=1",
    ];
    expect(await counts()).toEqual(expected);

    // A post of hour 0 stored after its hour was rolled up (later than the lateness allowed), then
    // the same instance and a restarted one asked again: hour 0 is not rolled up again, and
    // hour 2, which had no posts, stays empty.
    await storage.insertRows("issue_mentions", [issueMention("late", "bpjs", H0 + 10 * MIN, ["antrean"])]);
    await hourly.ensure(H0, H0 + 3 * HOUR);
    await new IssueTermsHourly(storage).ensure(H0, H0 + 3 * HOUR);
    expect(await counts()).toEqual(expected);

    // The next hour asked for is rolled up then.
    await hourly.ensure(H0 + HOUR, H0 + 4 * HOUR);
    expect(await counts()).toEqual([...expected.slice(0, 6), "bpjs/3/=1", "bpjs/3/antrean=1", ...expected.slice(6)]);
  });
});
