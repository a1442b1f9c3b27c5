/**
 * Migration 30 on embedded ClickHouse, over a store written before it: the per-scope issue_posts
 * rows (a mention in two scopes, one row stored twice) become one issue_mentions row per mention,
 * and the issue_posts view gives the same rows per scope as the table did, without duplicates.
 */
import pino from "pino";
import { expect, it } from "vitest";
import { queryRows } from "../../../runtime/storage/clickhouse.js";
import { MIGRATIONS, migrate } from "../../../runtime/storage/migrations.js";
import { useMigratedStorage } from "../../support/storage.js";

const MIN = 60_000;
/** An hour ago, on the minute (issue_posts keeps 7 days). */
const T = Math.floor((Date.now() - 3_600_000) / MIN) * MIN;
const logger = pino({ level: "silent" });
const storage = useMigratedStorage({
  database: "simak_issue_mentions_migration",
  migrations: MIGRATIONS.filter((migration) => migration.version < 30),
});

const row = (kind: string, scope: string, agency: string, id: string, terms: string[]) => ({
  scope_kind: kind,
  scope,
  agency,
  minute: T / 1000,
  platform: "x",
  mention_id: id,
  event_time: T + 5_000,
  terms,
  sentiment: "negative",
});

it("folds the per-scope rows into one row per mention, read per scope through the issue_posts view", async () => {
  await storage.insertRows("issue_posts", [
    row("agency", "bpjs", "bpjs", "m1", ["antrean"]),
    row("query", "bpjs-antrean", "bpjs", "m1", ["antrean"]),
    row("agency", "kpu", "kpu", "m2", ["pemilu"]),
  ]);
  await storage.insertRows("issue_posts", [row("agency", "kpu", "kpu", "m2", ["pemilu"])]);
  await migrate(storage, logger);

  const mentions = await queryRows<Record<string, unknown>>(
    storage,
    `SELECT mention_id, terms, arraySort(arrayZip(scope_kinds, scopes, agencies)) AS scoped
     FROM ${storage.table("issue_mentions")} FINAL ORDER BY mention_id`,
  );
  expect(mentions).toEqual([
    {
      mention_id: "m1",
      terms: ["antrean"],
      scoped: [
        ["agency", "bpjs", "bpjs"],
        ["query", "bpjs-antrean", "bpjs"],
      ],
    },
    { mention_id: "m2", terms: ["pemilu"], scoped: [["agency", "kpu", "kpu"]] },
  ]);
  const posts = await queryRows<Record<string, unknown>>(
    storage,
    `SELECT scope_kind, scope, agency, mention_id, terms, sentiment, toUnixTimestamp64Milli(event_time) AS time
     FROM ${storage.table("issue_posts")} ORDER BY scope_kind, scope`,
  );
  const post = (kind: string, scope: string, agency: string, id: string, terms: string[]) => ({
    scope_kind: kind,
    scope,
    agency,
    mention_id: id,
    terms,
    sentiment: "negative",
    time: T + 5_000,
  });
  expect(posts).toEqual([
    post("agency", "bpjs", "bpjs", "m1", ["antrean"]),
    post("agency", "kpu", "kpu", "m2", ["pemilu"]),
    post("query", "bpjs-antrean", "bpjs", "m1", ["antrean"]),
  ]);
});
