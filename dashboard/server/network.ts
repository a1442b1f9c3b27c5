/**
 * An amplification network, whatever its scope (a campaign, an issue): who shared or replied to
 * whom (tagged_mentions' parent ids) in a time span, the accounts as nodes (reach, sentiment mix,
 * coordinated campaigns they belong to) and the interactions as weighted edges. A scope says which
 * interactions and which posts of an account belong to it; everything else is shared here.
 *
 * Capped so the page stays readable and fast: at most NETWORK_LIMITS.nodes accounts and
 * NETWORK_LIMITS.edges edges. Over the cap it is sampled deterministically by weight: the accounts
 * with the most interactions (then the largest follower count in them, members, id) are kept, then
 * the heaviest edges among them (then by source, target, kind). `totalNodes` / `totalEdges` say how many there were in all.
 */
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import type { NetworkEdge, NetworkGraph, NetworkNode, NetworkPost } from "../shared/types.js";

export interface NetworkLimits {
  /** Most accounts drawn. */
  nodes: number;
  /** Most edges drawn. */
  edges: number;
  /** Most edges read from ClickHouse (the heaviest) before sampling; bounds a huge issue's read. */
  candidateEdges: number;
}

export const NETWORK_LIMITS: NetworkLimits = { nodes: 150, edges: 400, candidateEdges: 10_000 };
/** Most posts of an account listed when its node is clicked. */
export const ACCOUNT_POSTS_LIMIT = 50;

/**
 * Which interactions and posts belong to a network. `interaction` is a condition on an interaction
 * with aliases m (the share or reply), p (its parent), `source` and `target` (their authors'
 * `platform:author_id`); `post` a condition on one mention m. Both may use `params`, and
 * {from:Float64} / {to:Float64} (epoch seconds), bounding the mentions' event time.
 */
export interface NetworkScope {
  fromMs: number;
  toMs: number;
  /** Accounts always among the candidates, interactions or not (a campaign's members). */
  members: string[];
  interaction: string;
  post: string;
  params: Record<string, unknown>;
}

const ACCOUNT = "concat(platform, ':', author_id)";
const IN_TIME = `event_time >= fromUnixTimestamp64Milli(toInt64({from:Float64} * 1000))
  AND event_time <= fromUnixTimestamp64Milli(toInt64({to:Float64} * 1000))`;

function scopeParams(scope: NetworkScope): Record<string, unknown> {
  return { ...scope.params, from: scope.fromMs / 1000, to: scope.toMs / 1000, members: scope.members };
}

/** The scope's interactions, grouped: shares apart from replies and comments, with both sides' reach then. */
function interactionsSql(storage: Storage, scope: NetworkScope): string {
  const mentions = storage.table("tagged_mentions");
  return `SELECT concat(m.platform, ':', m.author_id) AS source, concat(p.platform, ':', p.author_id) AS target,
      if(m.kind = 'share', 'share', 'reply') AS kind, count() AS weight,
      max(m.author_followers) AS source_reach, max(p.author_followers) AS target_reach
    FROM (SELECT platform, id, kind, author_id, author_followers, parent_id FROM ${mentions} FINAL
          WHERE ${IN_TIME} AND parent_id IS NOT NULL AND removed_at IS NULL) AS m
    INNER JOIN (SELECT platform, id, author_id, author_followers FROM ${mentions} FINAL) AS p
      ON p.platform = m.platform AND p.id = assumeNotNull(m.parent_id)
    WHERE source != target AND (${scope.interaction})
    GROUP BY source, target, kind`;
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function amplificationNetwork(
  storage: Storage,
  scope: NetworkScope,
  limits: NetworkLimits = NETWORK_LIMITS,
): Promise<NetworkGraph> {
  const params = scopeParams(scope);
  // One pass over the interactions: the heaviest, and how many edges and accounts there are in all.
  const [found] = await queryRows<{
    heaviest: [string, string, NetworkEdge["kind"], number, number, number][];
    edges: number;
    nodes: number;
  }>(
    storage,
    `SELECT arraySlice(arraySort(e -> (-e.4, e.1, e.2, e.3),
           groupArray((source, target, kind, weight, source_reach, target_reach))), 1, {candidates:UInt32}) AS heaviest,
       count() AS edges,
       length(arrayDistinct(arrayConcat(groupUniqArrayArray([source, target]), {members:Array(String)}))) AS nodes
     FROM (${interactionsSql(storage, scope)})`,
    { ...params, candidates: limits.candidateEdges },
  );
  const heaviest = found?.heaviest ?? [];
  const edges: NetworkEdge[] = heaviest.map(([source, target, kind, weight]) => ({
    source,
    target,
    kind,
    weight: Number(weight),
  }));
  // Each account's interactions (its weight) and largest follower count in them, members with none too.
  const degree = new Map(scope.members.map((account) => [account, 0]));
  const reach = new Map<string, number>();
  for (const [source, target, , weight, sourceReach, targetReach] of heaviest) {
    for (const [account, followers] of [
      [source, sourceReach],
      [target, targetReach],
    ] as const) {
      degree.set(account, (degree.get(account) ?? 0) + Number(weight));
      reach.set(account, Math.max(reach.get(account) ?? 0, Number(followers)));
    }
  }
  const members = new Set(scope.members);
  const keptIds = [...degree.keys()]
    .sort(
      (a, b) =>
        (degree.get(b) ?? 0) - (degree.get(a) ?? 0) ||
        (reach.get(b) ?? 0) - (reach.get(a) ?? 0) ||
        Number(members.has(b)) - Number(members.has(a)) ||
        byId(a, b),
    )
    .slice(0, limits.nodes);
  // Described only once kept: at most limits.nodes accounts.
  const accounts = await describeAccounts(storage, scope, keptIds);
  const nodes = keptIds.map((id) => accounts.get(id) ?? unseenAccount(id));
  const kept = new Set(nodes.map(({ id }) => id));
  const keptEdges = edges.filter(({ source, target }) => kept.has(source) && kept.has(target)).slice(0, limits.edges);
  const totalNodes = Number(found?.nodes ?? 0);
  const totalEdges = Number(found?.edges ?? 0);
  return {
    nodes,
    edges: keptEdges,
    totalNodes,
    totalEdges,
    truncated: nodes.length < totalNodes || keptEdges.length < totalEdges,
  };
}

function unseenAccount(id: string): NetworkNode {
  return {
    id,
    handle: id.slice(id.indexOf(":") + 1),
    reach: 0,
    sentiment: "unknown",
    sentimentMix: { positive: 0, neutral: 0, negative: 0, unknown: 0 },
    campaigns: [],
    campaignScore: null,
  };
}

/**
 * The accounts' handle, largest follower count and sentiment mix over their mentions in the span
 * (and the day before, for an account seen only as a parent's author), and the coordinated
 * campaigns each was a member of while the span ran.
 */
async function describeAccounts(
  storage: Storage,
  scope: NetworkScope,
  keys: string[],
): Promise<Map<string, NetworkNode>> {
  if (keys.length === 0) return new Map();
  const rows = await queryRows<{
    account: string;
    handle: string;
    reach: number;
    positive: number;
    neutral: number;
    negative: number;
    unknown: number;
  }>(
    storage,
    `SELECT ${ACCOUNT} AS account, argMax(author_handle, event_time) AS handle, max(author_followers) AS reach,
       countIf(sentiment_label = 'positive') AS positive, countIf(sentiment_label = 'neutral') AS neutral,
       countIf(sentiment_label = 'negative') AS negative, count() - positive - neutral - negative AS unknown
     FROM ${storage.table("tagged_mentions")} FINAL
     WHERE ${ACCOUNT} IN {keys:Array(String)}
       AND event_time >= fromUnixTimestamp64Milli(toInt64({from:Float64} * 1000)) - INTERVAL 1 DAY
       AND event_time <= fromUnixTimestamp64Milli(toInt64({to:Float64} * 1000))
     GROUP BY account`,
    { ...scopeParams(scope), keys },
  );
  // A member of a campaign in the span is marked even without mentions of its own in it.
  const members = await queryRows<{ account: string; handle: string; campaigns: string[]; score: number }>(
    storage,
    `SELECT account, any(handle) AS handle, arraySort(groupUniqArray(campaign_id)) AS campaigns, max(score) AS score
     FROM ${storage.table("campaign_accounts")} FINAL
     WHERE account IN {keys:Array(String)}
       AND first_seen <= fromUnixTimestamp64Milli(toInt64({to:Float64} * 1000))
       AND last_seen >= fromUnixTimestamp64Milli(toInt64({from:Float64} * 1000))
     GROUP BY account`,
    { ...scopeParams(scope), keys },
  );
  const described = new Map<string, NetworkNode>();
  for (const member of members) {
    described.set(member.account, {
      ...unseenAccount(member.account),
      handle: member.handle,
      campaigns: member.campaigns,
      campaignScore: Number(member.score),
    });
  }
  for (const row of rows) {
    const mix = {
      positive: Number(row.positive),
      neutral: Number(row.neutral),
      negative: Number(row.negative),
      unknown: Number(row.unknown),
    };
    const labelled = (["negative", "neutral", "positive"] as const).filter((label) => mix[label] > 0);
    const top = labelled.sort((a, b) => mix[b] - mix[a])[0];
    const member = described.get(row.account);
    described.set(row.account, {
      id: row.account,
      handle: row.handle,
      reach: Number(row.reach),
      sentiment: top ?? "unknown",
      sentimentMix: mix,
      campaigns: member?.campaigns ?? [],
      campaignScore: member?.campaignScore ?? null,
    });
  }
  return described;
}

/** An account's posts in the scope (its shares and replies too), newest first. */
export async function networkPosts(storage: Storage, scope: NetworkScope, account: string): Promise<NetworkPost[]> {
  const rows = await queryRows<NetworkPost>(
    storage,
    `SELECT platform, id, kind, toUnixTimestamp64Milli(event_time) AS time, author_handle AS handle, text, url,
       ifNull(sentiment_label, 'unknown') AS sentiment
     FROM ${storage.table("tagged_mentions")} AS m FINAL
     WHERE ${ACCOUNT} = {account:String} AND ${IN_TIME} AND removed_at IS NULL AND (${scope.post})
     ORDER BY event_time DESC, id
     LIMIT {limit:UInt32}`,
    { ...scopeParams(scope), account, limit: ACCOUNT_POSTS_LIMIT },
  );
  return rows.map((row) => ({ ...row, time: Number(row.time) }));
}
