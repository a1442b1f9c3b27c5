/**
 * The negative-issue alert signal and the top issue in alert messages, on embedded ClickHouse seeded
 * with test/fixtures/issues.ts seedIssues: "antrean bpjs" (12 posts, 9 of 12 negative, growth 6)
 * in the window ending H + 10 min and again at H + 11; "aplikasi error" (6 posts: under the volume
 * threshold) in the first only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { everyMinute, readPostEvents, readTopIssue } from "../../../pipeline/stages/minute-aggregates.js";
import { compileAlertConfig, MINUTE_MS, runDetector } from "../../../processors/alerts/index.js";
import { seedIssues } from "../../fixtures/issues.js";
import { useMigratedStorage } from "../../support/storage.js";

const H = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const AGENCY = "bpjs-kesehatan";
const scope = { agency: AGENCY, queryId: null, platform: null };
const storage = useMigratedStorage();

beforeAll(async () => {
  await seedIssues(storage, AGENCY, H);
});

describe("negative-issue events", () => {
  it("fire once, at the last minute of the first window where the issue passes the threshold", async () => {
    expect(await readPostEvents(storage, "negative-issue", scope, H, H + 30 * MINUTE_MS)).toEqual([
      { kind: "negative-issue", minute: H + 9 * MINUTE_MS, postId: "antrean bpjs", author: "", score: 12 },
    ]);
  });

  it("do not fire again for an issue that passed in the day before, nor for other scopes", async () => {
    expect(await readPostEvents(storage, "negative-issue", scope, H + 10 * MINUTE_MS, H + 30 * MINUTE_MS)).toEqual([]);
    expect(
      await readPostEvents(storage, "negative-issue", { ...scope, agency: "polri" }, H, H + 30 * MINUTE_MS),
    ).toEqual([]);
    expect(await readPostEvents(storage, "negative-issue", { ...scope, platform: "x" }, H, H + 30 * MINUTE_MS)).toEqual(
      [],
    );
  });

  it("make a rule in the rules file fire, its message naming the window's top issue", async () => {
    const { rules } = compileAlertConfig(
      `rules:
  issue-bpjs:
    scope: { agency: bpjs-kesehatan }
    signal: negative-issue
    window: 5m
`,
      "alerts.yaml",
      {},
    );
    const rule = rules[0] as (typeof rules)[number];
    const events = await readPostEvents(storage, "negative-issue", rule.scope, H, H + 30 * MINUTE_MS);
    const { alerts } = runDetector(rule, rule.scope, everyMinute([], H, H + 30 * MINUTE_MS, events));
    const firing = alerts.filter((alert) => alert.status === "firing");
    expect(firing.map((alert) => [alert.windowEnd - H, alert.topPostIds, alert.topAuthorIds])).toEqual([
      [10 * MINUTE_MS, ["antrean bpjs"], []],
    ]);
    const alert = firing[0] as (typeof firing)[number];
    expect(await readTopIssue(storage, rule.scope, { start: alert.windowStart, end: alert.windowEnd })).toBe(
      "antrean bpjs, faskes",
    );
    expect(await readTopIssue(storage, rule.scope, { start: H + 20 * MINUTE_MS, end: H + 25 * MINUTE_MS })).toBe(
      undefined,
    );
  });
});
