/**
 * Acceptance: on real Kafka, schema registry and Redis, `simak run issues` (its own process,
 * embedded ClickHouse) reads a tagged stream with a complaint injected at a known minute, is
 * SIGKILLed mid-stream and restarted on the same data folder. Every post is stored once, and the
 * issues of every evaluated window equal those of an uninterrupted run of the same method over the
 * same stream in memory (processors/issues' tracker); the injected phrase is the top issue within
 * two minutes of its start.
 */
import { afterAll, describe, expect, it } from "vitest";
import { IssueTracker, postTerms } from "../../processors/issues/index.js";
import { INJECTED_FROM_MINUTE, ISSUE_AGENCY, ISSUE_QUERY, issueStream, STREAM_MINUTES } from "../fixtures/issues.js";
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

const MIN = 60_000;
const HOUR = 60 * MIN;
const WINDOW_MINUTES = 5;
/** Two days ago, on the hour. */
const T0 = Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR;
/** The last window the stage can close: its last posts are in minute STREAM_MINUTES - 1, at :35 at most, less a minute of lateness. */
const LAST_END = T0 + (STREAM_MINUTES - 2) * MIN;

/** The same method over the same stream, uninterrupted, in memory: one line per issue of each window. */
function uninterrupted(): string[] {
  const stream = issueStream(T0);
  const tracker = new IssueTracker({ windowMinutes: WINDOW_MINUTES });
  for (const { mention, tags } of stream) {
    const post = {
      id: `${mention.platform}:${mention.id}`,
      time: mention.eventTime,
      terms: postTerms(mention.text, mention.hashtags),
      sentiment: tags.sentiment?.label ?? "unknown",
    } as const;
    tracker.add(`agency\t${ISSUE_AGENCY}`, post);
    tracker.add(`query\t${ISSUE_QUERY}`, post);
  }
  const lines: string[] = [];
  for (const scope of [`agency\t${ISSUE_AGENCY}`, `query\t${ISSUE_QUERY}`]) {
    for (let end = T0 + MIN; end <= LAST_END; end += MIN) {
      tracker.issues(scope, end).forEach((issue, i) => {
        const { negative, neutral, positive } = issue.sentiment;
        const terms = issue.terms.map(({ term }) => term).join(",");
        lines.push(
          [
            scope,
            (end - T0) / MIN,
            i + 1,
            issue.label,
            terms,
            issue.volume,
            negative,
            neutral,
            positive,
            issue.exampleIds.join(","),
          ].join("\t"),
        );
      });
    }
  }
  return lines;
}

describe("issues stage on Kafka + registry + Redis", () => {
  const stages = new RestartHarness();
  afterAll(() => stages.stop());

  it("stores each post once and the same issues as an uninterrupted run through a SIGKILL and restart", async () => {
    const prefix = uniquePrefix("issues");
    const env = serviceEnv(prefix, {
      SIMAK_DATA_DIR: tempDir("issues-chdb"),
      SIMAK_ISSUES_WINDOW_MINUTES: String(WINDOW_MINUTES),
      SIMAK_ISSUES_EVALUATE_INTERVAL_MS: "100",
    });
    const first = await stages.start("issues-1", ["run", "issues"], { ...env, ...KILLED_MEMBER_ENV });
    await stages.healthy(first);

    const producer = await stages.taggedProducer(prefix, "issues-test");
    const stream = issueStream(T0);
    // In small sends, so the stage reads many batches and the kill lands between them; the second
    // half only after the kill, so that it is mid-stream however fast the stage reads and inserts.
    const produce = async (from: number, to: number) => {
      for (let k = from; k < to; k += 20) {
        await producer.send(stream.slice(k, Math.min(k + 20, to)));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    };
    const half = Math.floor(stream.length / 2);
    const producing = produce(0, half);
    const atKill = await killWhenReached(first, first.port, 'target="issue_mentions"', stream.length / 4);
    expect(atKill).toBeLessThanOrEqual(half);
    await producing;
    const { port: port2 } = await stages.start("issues-2", ["run", "issues"], env);
    await produce(half, stream.length);

    await waitFor(
      "every window evaluated",
      async () => {
        const progress = await sqlOverHttp(
          port2,
          "SELECT toUnixTimestamp(max(window_end)) * 1000 FROM simak.issue_progress FINAL",
        ).catch(() => "0");
        return Number(progress) >= LAST_END ? true : undefined;
      },
      90_000,
      250,
    );
    expect(await sqlOverHttp(port2, "SELECT count() FROM simak.issue_posts")).toBe(String(2 * stream.length));
    // The hours rolled up into term counts: those before the last window's baseline ends.
    const baselineEnd = Math.floor((LAST_END - WINDOW_MINUTES * MIN) / HOUR) * HOUR;
    expect(
      await sqlOverHttp(
        port2,
        `SELECT uniqExactMerge(posts) FROM simak.issue_terms_hourly WHERE scope_kind = 'agency' AND term = ''`,
      ),
    ).toBe(String(stream.filter(({ mention }) => mention.eventTime < baselineEnd).length));
    const stored = await sqlOverHttp(
      port2,
      `SELECT scope_kind, scope, intDiv(toUnixTimestamp(window_end) * 1000 - ${T0}, ${MIN}) AS minute, rank, label,
         arrayStringConcat(terms, ','), volume, negative, neutral, positive, arrayStringConcat(example_ids, ',')
       FROM simak.issue_windows FINAL
       WHERE window_end <= fromUnixTimestamp(${LAST_END / 1000})
       ORDER BY scope_kind, scope, window_end, rank`,
    );
    const expected = uninterrupted();
    expect(stored.split("\n")).toEqual(expected);
    // The injected complaint tops both scopes within two minutes of its start.
    const firstTop = await sqlOverHttp(
      port2,
      `SELECT scope_kind, intDiv(toUnixTimestamp(min(window_end)) * 1000 - ${T0}, ${MIN}) - ${INJECTED_FROM_MINUTE}
       FROM simak.issue_windows FINAL WHERE rank = 1 AND has(terms, 'diblokir sepihak')
       GROUP BY scope_kind ORDER BY scope_kind`,
    );
    expect(firstTop).toBe("agency\t2\nquery\t2");
  }, 120_000);
});
