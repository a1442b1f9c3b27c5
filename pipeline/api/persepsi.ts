/**
 * GET /api/persepsi: the persepsi trend of one agency (`agency=`) or monitoring query (`query=`) for
 * the monitoring room, hour by hour from the `persepsi_trend` view (rule: docs/analysts.md).
 * `from` and `to` are ISO 8601 times or epoch milliseconds (default: the last 24 hours); hours
 * starting in [from, to) are returned, oldest first, as JSON.
 */

import type { ServerResponse } from "node:http";
import type { PersepsiDirection } from "../../processors/windows/index.js";
import { type RequestHandler, sendJson } from "../../runtime/http.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";

const DEFAULT_SPAN_MS = 24 * 60 * 60 * 1000;

export interface PersepsiHour {
  hourStart: string;
  mentions: number;
  labelledMentions: number;
  netSentiment: number | null;
  rollingNetSentiment: number | null;
  previousNetSentiment: number | null;
  direction: PersepsiDirection;
}

function parseTime(value: string | null, fallback: number): number {
  if (value === null || value === "") return fallback;
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time)) throw new RangeError(`not a time: ${JSON.stringify(value)}`);
  return time;
}

export function persepsiHandler(storage: () => Promise<Storage>): RequestHandler {
  return async (req, res, url) => {
    if (req.method !== "GET" || url.pathname !== "/api/persepsi") return false;
    await answer(storage, url, res);
    return true;
  };
}

async function answer(storage: () => Promise<Storage>, url: URL, res: ServerResponse): Promise<void> {
  const agency = url.searchParams.get("agency");
  const query = url.searchParams.get("query");
  if ((agency === null) === (query === null)) {
    sendJson(res, 400, { error: "give exactly one of agency= and query=" });
    return;
  }
  let from: number;
  let to: number;
  try {
    to = parseTime(url.searchParams.get("to"), Date.now());
    from = parseTime(url.searchParams.get("from"), to - DEFAULT_SPAN_MS);
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
    return;
  }
  const opened = await storage();
  const result = await opened.client.query({
    query: `SELECT toUnixTimestamp(hour_start) * 1000 AS hour_ms, mention_count, labelled_mentions, net_sentiment,
              rolling_net_sentiment, previous_net_sentiment, direction
            FROM ${opened.table("persepsi_trend")}
            WHERE scope_kind = {scopeKind:String} AND scope = {scope:String}
              AND hour_start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
              AND hour_start < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
            ORDER BY hour_start`,
    query_params: { scopeKind: agency !== null ? "agency" : "query", scope: agency ?? query, from, to },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await result.json<{
    hour_ms: number;
    mention_count: number;
    labelled_mentions: number;
    net_sentiment: number | null;
    rolling_net_sentiment: number | null;
    previous_net_sentiment: number | null;
    direction: PersepsiHour["direction"];
  }>();
  const hours: PersepsiHour[] = rows.map((row) => ({
    hourStart: new Date(row.hour_ms).toISOString(),
    mentions: row.mention_count,
    labelledMentions: row.labelled_mentions,
    netSentiment: row.net_sentiment,
    rollingNetSentiment: row.rolling_net_sentiment,
    previousNetSentiment: row.previous_net_sentiment,
    direction: row.direction,
  }));
  sendJson(res, 200, {
    scope: agency !== null ? { agency } : { query },
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    hours,
  });
}
