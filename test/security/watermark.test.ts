/**
 * Acceptance (security review, test 3): a mention stamped 2100-01-01 that reaches the aggregate
 * stage (straight onto the tagged topic, bypassing normalise) never blinds its partition: an
 * on-time mention is still counted in mention_windows_1m, also after the stage restarts, and even
 * when a future watermark was already stored. Embedded ClickHouse (chdb), the stage driven directly.
 */
import { describe, expect, it } from "vitest";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { tagged } from "../processors/windows/helpers.js";
import { startAggregateInstance } from "../support/aggregate-stage.js";
import { useEmbeddedDatabases } from "../support/storage.js";

const YEAR_2100 = Date.UTC(2100, 0, 1);
const openStorage = useEmbeddedDatabases();

/** Mentions counted in mention_windows_1m (scope all), per mention minute. */
async function countedMinutes(storage: Storage): Promise<Record<string, number>> {
  const result = await storage.client.query({
    query: `SELECT toString(toUnixTimestamp(window_start) * 1000) AS minute, sum(mentions) AS n
            FROM ${storage.table("mention_windows_1m")} WHERE scope_kind = 'all' GROUP BY minute`,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await result.json<{ minute: string; n: number }>();
  return Object.fromEntries(rows.map((row) => [row.minute, row.n]));
}

const minuteOf = (at: number) => String(at - (at % 60_000));

describe("watermark safety", () => {
  it("dead-letters a mention from 2100 and keeps counting on-time mentions, across a restart", async () => {
    const storage = await openStorage("watermark_future_event");
    const onTime = [Date.now() - 3 * 60_000, Date.now() - 2 * 60_000, Date.now() - 60_000];
    const first = await startAggregateInstance(storage);
    await first.deliver(0, 0, [
      tagged({ id: "from-2100", at: YEAR_2100 }),
      tagged({ id: "a", at: onTime[0] as number }),
    ]);
    expect(first.deadLetters.map((letter) => [letter.offset, letter.errorCode])).toEqual([
      [0, "EVENT_TIME_OUT_OF_RANGE"],
    ]);
    await first.deliver(0, 2, [tagged({ id: "b", at: onTime[1] as number })]);
    await first.stage.stop();

    const restarted = await startAggregateInstance(storage);
    await restarted.deliver(0, 3, [tagged({ id: "c", at: onTime[2] as number })]);
    const counted = await countedMinutes(storage);
    for (const at of onTime) expect(counted[minuteOf(at)]).toBe(1);
    expect(Object.values(counted).reduce((sum, n) => sum + n, 0)).toBe(3);
  });

  it("clamps a future watermark stored earlier to the clock on restart", async () => {
    const storage = await openStorage("watermark_stored_future");
    // An instance whose clock says 2100 aggregates a mention of 2100 and stores its watermark.
    const wrongClock = await startAggregateInstance(storage, { clock: () => YEAR_2100 + 60_000 });
    await wrongClock.deliver(0, 0, [tagged({ id: "from-2100", at: YEAR_2100 })]);
    await wrongClock.stage.stop();
    expect(await countedMinutes(storage)).toEqual({ [minuteOf(YEAR_2100)]: 1 });

    const restarted = await startAggregateInstance(storage);
    const onTime = Date.now() - 60_000;
    await restarted.deliver(0, 1, [tagged({ id: "on-time", at: onTime })]);
    expect(restarted.deadLetters).toEqual([]);
    expect((await countedMinutes(storage))[minuteOf(onTime)]).toBe(1);
  });
});
