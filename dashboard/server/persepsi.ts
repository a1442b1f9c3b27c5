/**
 * Persepsi of each agency over a range with every account and without the accounts of coordinated
 * campaigns, from the analysts' views: persepsi_hourly and persepsi_hourly_organic (or, filtered to
 * a province, persepsi_province_hourly and its _organic twin). Both are read over the same whole
 * hours, the hour holding the range's start to its end, so they compare like with like: for ranges
 * of more than 6 hours these are the buckets the overview's index reads, for shorter ones (read by
 * the minute there) the hours they touch.
 */
import { persepsiIndex } from "../../processors/windows/index.js";
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import type { PersepsiPair } from "../shared/coordination.js";
import { rollupBounds, rollupFor, type TimeRange } from "./range.js";

const HOUR_S = 3600;

interface CountsRow {
  agency: string;
  organic: number;
  positive: number;
  neutral: number;
  negative: number;
}

/** Each agency's pair (of one agency when `agency` is given; `province` "" for every place). */
export async function persepsiPairs(
  storage: Storage,
  range: TimeRange,
  timezone: string,
  province = "",
  agency = "",
): Promise<Map<string, PersepsiPair>> {
  const bounds = rollupBounds(range, rollupFor(range), timezone);
  const view = province ? "persepsi_province_hourly" : "persepsi_hourly";
  const counts = (name: string, organic: 0 | 1) =>
    `SELECT agency, ${organic} AS organic, positive_mentions, neutral_mentions, negative_mentions
       FROM ${storage.table(name)}
       WHERE scope_kind = 'agency' AND ({agency:String} = '' OR scope = {agency:String})
         AND hour_start >= toDateTime({from:UInt32}) AND hour_start < toDateTime({to:UInt32})
         ${province ? "AND province = {province:String}" : ""}`;
  const found = await queryRows<CountsRow>(
    storage,
    `SELECT agency, organic, sum(positive_mentions) AS positive, sum(neutral_mentions) AS neutral,
       sum(negative_mentions) AS negative
     FROM (${counts(view, 0)} UNION ALL ${counts(`${view}_organic`, 1)})
     GROUP BY agency, organic`,
    { agency, province, from: Math.floor(bounds.from / HOUR_S) * HOUR_S, to: bounds.to },
  );
  const pairs = new Map<string, PersepsiPair>();
  for (const row of found) {
    const pair = pairs.get(row.agency) ?? { index: null, organicIndex: null };
    const index = persepsiIndex(row);
    if (Number(row.organic) === 1) pair.organicIndex = index;
    else pair.index = index;
    pairs.set(row.agency, pair);
  }
  return pairs;
}
