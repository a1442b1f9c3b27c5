/**
 * Coordinated campaigns of an agency (campaigns, from the coordination stage) and a campaign's
 * amplification network: who shared, quoted or replied to whom (tagged_mentions' parent ids)
 * among its members and the accounts they touched, in the campaign's time, capped by reach.
 */
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import { CAMPAIGN_GRACE_MS } from "../shared/coordination.js";
import type { CampaignNetwork, CampaignSummary, NetworkEdge, NetworkNode } from "../shared/types.js";
import type { TimeRange } from "./range.js";

/** Most campaigns an agency's list shows. */
export const CAMPAIGNS_LIMIT = 50;
/** Most accounts a network has: the rest (least reach first) are left out, with their edges. */
export const NETWORK_NODES_LIMIT = 300;

interface CampaignRow {
  id: string;
  platform: string;
  agencies: string[];
  first_seen: number;
  last_seen: number;
  accounts: number;
  posts: number;
  score: number;
  reasons: string[];
  reason_kinds: string[];
  reason_values: number[];
  text: string;
  target: string | null;
}

const SUMMARY = `id, platform, agencies, toUnixTimestamp64Milli(first_seen) AS first_seen,
  toUnixTimestamp64Milli(last_seen) AS last_seen, accounts, posts, score, reasons, reason_kinds, reason_values,
  text, target`;

function summary(row: CampaignRow): CampaignSummary {
  return {
    id: row.id,
    platform: row.platform,
    agencies: row.agencies,
    firstSeen: Number(row.first_seen),
    lastSeen: Number(row.last_seen),
    accounts: Number(row.accounts),
    posts: Number(row.posts),
    score: Number(row.score),
    reasons: row.reasons,
    reasonCodes: row.reason_kinds.map((kind, i) => ({ kind, value: Number(row.reason_values[i] ?? 0) })),
    text: row.text,
    target: row.target,
  };
}

/** The agency's campaigns, latest first; with `range`, those seen in it (their grace included). */
export async function agencyCampaigns(storage: Storage, agency: string, range?: TimeRange): Promise<CampaignSummary[]> {
  // first_seen and last_seen are SUMMARY's aliases here: epoch ms.
  const seen = range ? "AND last_seen >= {from:Int64} AND first_seen < {to:Int64}" : "";
  const found = await queryRows<CampaignRow>(
    storage,
    `SELECT ${SUMMARY} FROM ${storage.table("campaigns")} FINAL
     WHERE has(agencies, {agency:String}) ${seen}
     ORDER BY last_seen DESC, id LIMIT ${CAMPAIGNS_LIMIT}`,
    { agency, from: (range?.fromMs ?? 0) - CAMPAIGN_GRACE_MS, to: range?.toMs ?? 0 },
  );
  return found.map(summary);
}

/** The campaign's network: its members and the accounts they interacted with, capped by reach. */
export async function campaignNetwork(
  storage: Storage,
  id: string,
  limit = NETWORK_NODES_LIMIT,
): Promise<CampaignNetwork> {
  const [campaign] = await queryRows<CampaignRow>(
    storage,
    `SELECT ${SUMMARY} FROM ${storage.table("campaigns")} FINAL WHERE id = {id:String}`,
    { id },
  );
  if (!campaign) return { campaign: null, nodes: [], edges: [], omittedNodes: 0 };
  const params = {
    id,
    from: Number(campaign.first_seen) / 1000,
    to: (Number(campaign.last_seen) + CAMPAIGN_GRACE_MS) / 1000,
  };
  const time = `event_time >= fromUnixTimestamp64Milli(toInt64({from:Float64} * 1000))
    AND event_time <= fromUnixTimestamp64Milli(toInt64({to:Float64} * 1000))`;
  const members = await queryRows<{ account: string; handle: string; score: number }>(
    storage,
    `SELECT account, handle, score FROM ${storage.table("campaign_accounts")} FINAL WHERE campaign_id = {id:String}`,
    params,
  );
  const memberKeys = members.map(({ account }) => account);
  // Interactions with a member on either side, in the campaign's time.
  const edges = await queryRows<{ source: string; target: string; weight: number }>(
    storage,
    `SELECT concat(m.platform, ':', m.author_id) AS source, concat(p.platform, ':', p.author_id) AS target, count() AS weight
     FROM (SELECT platform, author_id, parent_id FROM ${storage.table("tagged_mentions")} FINAL
           WHERE ${time} AND parent_id IS NOT NULL) AS m
     INNER JOIN (SELECT platform, id, author_id FROM ${storage.table("tagged_mentions")} FINAL) AS p
       ON p.platform = m.platform AND p.id = assumeNotNull(m.parent_id)
     WHERE (source IN {members:Array(String)} OR target IN {members:Array(String)}) AND source != target
     GROUP BY source, target`,
    { ...params, members: memberKeys },
  );
  const keys = [...new Set([...memberKeys, ...edges.flatMap(({ source, target }) => [source, target])])];
  const accounts = await queryRows<{ account: string; handle: string; reach: number; sentiment: string }>(
    storage,
    `SELECT concat(platform, ':', author_id) AS account, any(author_handle) AS handle, max(author_followers) AS reach,
       topKIf(1)(sentiment_label, sentiment_label IS NOT NULL)[1] AS top, if(top = '', 'unknown', top) AS sentiment
     FROM ${storage.table("tagged_mentions")} FINAL
     WHERE concat(platform, ':', author_id) IN {keys:Array(String)}
       AND event_time >= fromUnixTimestamp64Milli(toInt64({from:Float64} * 1000)) - INTERVAL 1 DAY
       AND event_time <= fromUnixTimestamp64Milli(toInt64({to:Float64} * 1000))
     GROUP BY account`,
    { ...params, keys },
  );
  const seen = new Map(accounts.map((row) => [row.account, row]));
  const scores = new Map(members.map((member) => [member.account, member]));
  const nodes: NetworkNode[] = keys.map((key) => ({
    id: key,
    handle: seen.get(key)?.handle ?? scores.get(key)?.handle ?? key.slice(key.indexOf(":") + 1),
    reach: Number(seen.get(key)?.reach ?? 0),
    sentiment: seen.get(key)?.sentiment ?? "unknown",
    campaignScore: scores.has(key) ? Number(scores.get(key)?.score) : null,
  }));
  // Sampled by reach: the accounts that reach most are kept (ties: members, then by id).
  nodes.sort(
    (a, b) =>
      b.reach - a.reach ||
      Number(b.campaignScore !== null) - Number(a.campaignScore !== null) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const kept = nodes.slice(0, limit);
  const ids = new Set(kept.map(({ id: key }) => key));
  const keptEdges: NetworkEdge[] = edges
    .filter(({ source, target }) => ids.has(source) && ids.has(target))
    .map(({ source, target, weight }) => ({ source, target, weight: Number(weight) }))
    .sort((a, b) => (a.source + a.target < b.source + b.target ? -1 : 1));
  return { campaign: summary(campaign), nodes: kept, edges: keptEdges, omittedNodes: nodes.length - kept.length };
}
