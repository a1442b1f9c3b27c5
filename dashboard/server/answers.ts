/**
 * "Perlu dijawab" (needs an answer): the items asking an agency for an answer
 * (responsiveness_queue, processors/responsiveness), oldest first, the open and overdue counts per
 * agency for the overview, and staff closing an item (no answer needed), stored with who and when.
 */
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { ANSWER_STATUSES, type AnswerStatus, type QueueItem } from "../shared/types.js";
import { BadRequest } from "./range.js";

/** Most items one request lists. */
export const QUEUE_LIMIT = 500;

export interface QueueFilter {
  agency?: string;
  platform?: string;
  statuses: AnswerStatus[];
}

/** ?agency=&platform=&status=open,overdue (default: open and overdue). */
export function parseQueueFilter(params: URLSearchParams): QueueFilter {
  const statuses = (params.get("status") || "open,overdue").split(",");
  for (const status of statuses) {
    if (!(ANSWER_STATUSES as readonly string[]).includes(status)) {
      throw new BadRequest(`status: expected some of ${ANSWER_STATUSES.join(", ")}`);
    }
  }
  return {
    agency: params.get("agency") || undefined,
    platform: params.get("platform") || undefined,
    statuses: statuses as AnswerStatus[],
  };
}

export async function needsAnswer(storage: Storage, filter: QueueFilter): Promise<QueueItem[]> {
  // An item of a post its platform removed is never shown (its text and author were erased).
  const conditions = [
    "has({statuses:Array(String)}, status)",
    `(platform, item_id) NOT IN (SELECT platform, post_id FROM ${storage.table("mention_changes")} WHERE change = 'removed')`,
  ];
  if (filter.agency) conditions.push("agency = {agency:String}");
  if (filter.platform) conditions.push("platform = {platform:String}");
  const result = await storage.client.query({
    query: `SELECT agency, platform, item_id, url, author_handle, text, kind, status,
              toUnixTimestamp64Milli(asked_at) AS asked_at, toUnixTimestamp64Milli(due_at) AS due_at,
              toUnixTimestamp64Milli(answered_at) AS answered_at, answering_account, seconds_to_answer,
              toUnixTimestamp64Milli(closed_at) AS closed_at, closed_by
            FROM ${storage.table("responsiveness_queue")}
            WHERE ${conditions.join(" AND ")}
            ORDER BY asked_at, agency, item_id
            LIMIT {limit:UInt32}`,
    query_params: { ...filter, limit: QUEUE_LIMIT },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await result.json<Record<string, string | number | null>>();
  return rows.map((row) => ({
    agency: String(row.agency),
    platform: String(row.platform),
    itemId: String(row.item_id),
    url: row.url === null ? null : String(row.url),
    authorHandle: String(row.author_handle),
    text: String(row.text),
    kind: String(row.kind),
    status: row.status as AnswerStatus,
    askedAt: Number(row.asked_at),
    dueAt: Number(row.due_at),
    answeredAt: row.answered_at === null ? null : Number(row.answered_at),
    answeringAccount: row.answering_account === null ? null : String(row.answering_account),
    secondsToAnswer: row.seconds_to_answer === null ? null : Number(row.seconds_to_answer),
    closedAt: row.closed_at === null ? null : Number(row.closed_at),
    closedBy: row.closed_by === null ? null : String(row.closed_by),
  }));
}

/** Per agency with any: items open and overdue now. */
export async function answerCounts(storage: Storage): Promise<Record<string, { open: number; overdue: number }>> {
  const result = await storage.client.query({
    query: `SELECT agency, countIf(status = 'open') AS open, countIf(status = 'overdue') AS overdue
            FROM ${storage.table("responsiveness_open")} GROUP BY agency ORDER BY agency`,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await result.json<{ agency: string; open: number; overdue: number }>();
  return Object.fromEntries(rows.map((row) => [row.agency, { open: Number(row.open), overdue: Number(row.overdue) }]));
}

/** Marks an item closed by `by`, now; false when no such item asks the agency. */
export async function closeItem(
  storage: Storage,
  item: { agency: string; platform: string; itemId: string },
  by: string,
): Promise<boolean> {
  const known = await storage.client.query({
    query: `SELECT count() AS n FROM ${storage.table("responsiveness_items")}
            WHERE agency = {agency:String} AND platform = {platform:String} AND item_id = {itemId:String}`,
    query_params: item,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [{ n } = { n: 0 }] = await known.json<{ n: number }>();
  if (Number(n) === 0) return false;
  await storage.client.insert({
    table: storage.table("responsiveness_closures"),
    values: [
      { agency: item.agency, platform: item.platform, item_id: item.itemId, closed_at: Date.now(), closed_by: by },
    ],
    format: "JSONEachRow",
  });
  return true;
}
