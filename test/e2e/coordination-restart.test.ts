/**
 * Acceptance: on real Kafka, schema registry and Redis, `simak run coordination` (its own process,
 * embedded ClickHouse) reads the simulator's stream with a coordinated campaign and a quoted
 * headline, is SIGKILLed mid-stream and restarted on the same data folder and Redis. The restarted
 * stage restores the stored snapshot, replays from its offsets, and stores the campaigns of an
 * uninterrupted run of the detector over the same stream (the headline's quoters are not flagged).
 */
import { afterAll, describe, expect, it } from "vitest";
import { CoordinationState, campaignRows } from "../../pipeline/stages/coordination.js";
import { coordinationStream } from "../fixtures/coordination.js";
import {
  KILLED_MEMBER_ENV,
  killWhenReached,
  serviceEnv,
  sqlOverHttp,
  tempDir,
  uniquePrefix,
  waitFor,
} from "../support/services.js";
import { RestartHarness } from "../support/stages.js";

// Ids are left out: a growing campaign keeps the id most of its accounts had when campaigns were
// last listed, and the stage lists them at every snapshot, the uninterrupted run only at its end.
const CAMPAIGN_SQL = `SELECT arrayStringConcat(agencies, ','), posts, accounts, round(score, 6),
    arrayStringConcat(reason_kinds, ','), toUnixTimestamp64Milli(first_seen), toUnixTimestamp64Milli(last_seen)
  FROM simak.campaigns FINAL ORDER BY id`;
const ACCOUNT_SQL = `SELECT account, handle, round(score, 6), events, posts
  FROM simak.campaign_accounts FINAL WHERE campaign_id IN (SELECT id FROM simak.campaigns FINAL) ORDER BY account`;

describe("coordination stage on Kafka + registry + Redis", () => {
  const stages = new RestartHarness();
  afterAll(() => stages.stop());

  it("stores the campaigns of an uninterrupted run through a SIGKILL and restart", async () => {
    // In event-time order (ties by id), the order the stage's merge of partitions gives the detector.
    const stream = (await coordinationStream()).sort(
      (a, b) => a.mention.eventTime - b.mention.eventTime || (a.mention.id < b.mention.id ? -1 : 1),
    );
    const uninterrupted = new CoordinationState();
    for (const value of stream) uninterrupted.add(value);
    const expected = campaignRows(uninterrupted, uninterrupted.detector.campaigns(), 0);
    expect(expected.campaigns.map(({ accounts, agencies }) => [accounts, agencies])).toEqual([[15, ["polri"]]]);
    const expectedCampaigns = expected.campaigns.map((c) =>
      [
        c.agencies.join(","),
        c.posts,
        c.accounts,
        Number(c.score.toFixed(6)),
        c.reason_kinds.join(","),
        c.first_seen,
        c.last_seen,
      ].join("\t"),
    );
    const expectedAccounts = expected.accounts
      .map((a) => [a.account, a.handle, Number(a.score.toFixed(6)), a.events, a.posts].join("\t"))
      .sort();

    const prefix = uniquePrefix("coord");
    const env = serviceEnv(prefix, {
      SIMAK_DATA_DIR: tempDir("coord-chdb"),
      SIMAK_COORDINATION_SNAPSHOT_MS: "300",
      SIMAK_COORDINATION_LEASE_MS: "1000",
      SIMAK_COORDINATION_IDLE_PARTITION_MS: "1500",
    });
    const producer = await stages.taggedProducer(prefix, "coordination-test");
    // The whole stream is on the topic before the stage starts: every partition has its next
    // mentions queued when the merge asks (a partition idle at start would be passed over).
    for (let k = 0; k < stream.length; k += 500) await producer.send(stream.slice(k, k + 500));
    const first = await stages.start("coordination-1", ["run", "coordination"], { ...env, ...KILLED_MEMBER_ENV });
    const atKill = await killWhenReached(first, first.port, 'target="detector"', stream.length / 2);
    expect(atKill).toBeLessThan(stream.length);
    const { port: port2 } = await stages.start("coordination-2", ["run", "coordination"], env);

    let stored = "";
    await waitFor(
      "the campaigns of the whole stream",
      async () => {
        stored = await sqlOverHttp(port2, CAMPAIGN_SQL).catch(() => "");
        return stored === expectedCampaigns.join("\n") ? true : undefined;
      },
      60_000,
      250,
    ).catch(() => undefined);
    expect(stored.split("\n")).toEqual(expectedCampaigns);
    expect((await sqlOverHttp(port2, ACCOUNT_SQL)).split("\n")).toEqual(expectedAccounts);
  }, 120_000);
});
