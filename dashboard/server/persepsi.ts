/**
 * Persepsi of each agency over a range with every account, and without the accounts of coordinated
 * campaigns. With everyone it is the index the overview shows (the range's rollup buckets); without
 * them, the same counts less those of the flagged mentions (the flagged_mentions view, the one
 * place the flagging rule lives) in the same buckets. Reading both from the rollups keeps them
 * apart only by flagged mentions: the stored mentions behind persepsi_hourly_organic can be ahead
 * of or behind the rollups by what the sink and the aggregate stage have yet to write, which would
 * show a gap no campaign made. At rest the number without them is persepsi_hourly_organic's.
 */
import { persepsiIndex } from "../../processors/windows/index.js";
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import type { PersepsiPair } from "../shared/coordination.js";
import { SENTIMENTS } from "../shared/types.js";
import { sentimentTotals, windowSource } from "./queries.js";
import { rollupBounds, rollupFor, type TimeRange } from "./range.js";

/** Each agency's pair, or of one `agency`; in one `province` ("" or unset: every place). */
export async function persepsiPairs(
  storage: Storage,
  range: TimeRange,
  timezone: string,
  { province = "", agency = "" }: { province?: string; agency?: string } = {},
): Promise<Map<string, PersepsiPair>> {
  const rollup = rollupFor(range);
  const { from, to } = rollupBounds(range, rollup, timezone);
  const grain = windowSource(storage, rollup, province).grainSeconds;
  const [totals, flagged] = await Promise.all([
    sentimentTotals(storage, range, timezone, province, agency),
    // The buckets from `from` up to the one holding `to`, as the rollup's window_start bounds read them.
    queryRows<{ agency: string; sentiment: string; mentions: number }>(
      storage,
      `SELECT agency_name AS agency, ifNull(m.sentiment_label, 'unknown') AS sentiment, count() AS mentions
       FROM (SELECT topic_agencies, sentiment_label FROM ${storage.table("tagged_mentions")} FINAL
             WHERE event_time >= toDateTime({from:UInt32}) AND event_time < toDateTime({end:UInt32})
               AND ({province:String} = '' OR place_province_code = {province:String})
               AND (platform, id) IN (SELECT platform, id FROM ${storage.table("flagged_mentions")})) AS m
       ARRAY JOIN arrayDistinct(arrayFilter(matched -> matched != '', m.topic_agencies)) AS agency_name
       WHERE {agency:String} = '' OR agency_name = {agency:String}
       GROUP BY agency, sentiment`,
      { from, end: Math.ceil(to / grain) * grain, province, agency },
    ),
  ]);
  const pairs = new Map<string, PersepsiPair>();
  for (const [id, counts] of totals) {
    const organic = { ...counts };
    for (const row of flagged.filter((found) => found.agency === id)) {
      const sentiment = SENTIMENTS.find((known) => known === row.sentiment) ?? "unknown";
      organic[sentiment] = Math.max(0, organic[sentiment] - Number(row.mentions));
    }
    pairs.set(id, { index: persepsiIndex(counts), organicIndex: persepsiIndex(organic) });
  }
  return pairs;
}
