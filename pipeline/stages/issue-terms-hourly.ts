/**
 * The hourly term counts the issues stage compares a window with (`issue_terms_hourly`: per scope,
 * hour and term, the set of posts that have it), rolled up from `issue_mentions` once an hour is
 * needed as a baseline. A baseline hour ends before its window starts, and a window is evaluated
 * only once every partition's posts are past its end, so the hour's posts are stored when it is
 * rolled up. A materialized view did the same at every insert: one row per scope and term of every
 * post through an ARRAY JOIN and uniqExact states, 0.17 ms of chdb's CPU a mention against 0.02 for
 * the same hour rolled up in one statement (bench:full's store process, issue 15).
 *
 * Exactly once: the counts are sets of post ids (uniqExact states), so rolling an hour up again (a
 * stage killed between the two inserts, two instances) adds nothing. The term '' (every post of the
 * hour) is inserted last and marks the hour rolled up, for this stage and a restarted one.
 */
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";

const HOUR_MS = 3_600_000;

export class IssueTermsHourly {
  /** Hours known rolled up (or empty when they were needed): never asked about again. */
  private readonly rolled = new Set<number>();

  constructor(private readonly storage: Storage) {}

  /** Rolls up every hour in [from, to) (epoch ms, whole hours) not rolled up yet. */
  async ensure(from: number, to: number): Promise<void> {
    const wanted: number[] = [];
    for (let hour = from; hour < to; hour += HOUR_MS) if (!this.rolled.has(hour)) wanted.push(hour);
    if (wanted.length === 0) return;
    const table = this.storage.table("issue_terms_hourly");
    const marked = await queryRows<{ hour: number }>(
      this.storage,
      `SELECT DISTINCT toUnixTimestamp(hour) AS hour FROM ${table}
       WHERE term = '' AND hour >= fromUnixTimestamp({from:Int64}) AND hour < fromUnixTimestamp({to:Int64})`,
      { from: (wanted[0] as number) / 1000, to: ((wanted.at(-1) as number) + HOUR_MS) / 1000 },
    );
    const done = new Set(marked.map((row) => Number(row.hour) * 1000));
    const missing = wanted.filter((hour) => !done.has(hour));
    if (missing.length > 0) {
      // The terms first, then the '' counts that mark the hours done.
      await this.rollUp(missing, "arrayJoin(m.terms)");
      await this.rollUp(missing, "''");
    }
    for (const hour of wanted) this.rolled.add(hour);
    // Hours before the oldest a window still needs are not asked about again.
    for (const hour of this.rolled) if (hour < from) this.rolled.delete(hour);
  }

  private async rollUp(hours: number[], term: string): Promise<void> {
    const seconds = hours.map((hour) => hour / 1000);
    await this.storage.client.command({
      query: `INSERT INTO ${this.storage.table("issue_terms_hourly")} (scope_kind, scope, hour, term, posts)
              SELECT scope_kind, scope, toStartOfHour(m.minute) AS hour, ${term} AS term,
                uniqExactState(concat(m.platform, ':', m.mention_id))
              FROM ${this.storage.table("issue_mentions")} AS m
              ARRAY JOIN m.scope_kinds AS scope_kind, m.scopes AS scope
              WHERE m.minute >= fromUnixTimestamp({from:Int64}) AND m.minute < fromUnixTimestamp({to:Int64})
                AND toUnixTimestamp(toStartOfHour(m.minute)) IN {hours:Array(Int64)}
              GROUP BY scope_kind, scope, hour, term`,
      query_params: { from: Math.min(...seconds), to: Math.max(...seconds) + HOUR_MS / 1000, hours: seconds },
    });
  }
}
