/**
 * Coordinated campaigns of an agency (campaigns, from the coordination stage) and a campaign's
 * amplification network (server/network.ts): who shared or replied to whom among its members and
 * the accounts they touched, in the campaign's time.
 */
import { queryRows, type Storage } from "../../runtime/storage/clickhouse.js";
import type { CampaignSummary } from "../shared/types.js";
import type { NetworkScope } from "./network.js";

/** Most campaigns an agency's list shows. */
export const CAMPAIGNS_LIMIT = 50;
/** Mentions after a campaign's last seen that still count in its network (the detector's grace). */
const GRACE_MINUTES = 30;

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
  text: string;
}

const SUMMARY = `id, platform, agencies, toUnixTimestamp64Milli(first_seen) AS first_seen,
  toUnixTimestamp64Milli(last_seen) AS last_seen, accounts, posts, score, reasons, text`;

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
    text: row.text,
  };
}

/** The agency's campaigns, latest first. */
export async function agencyCampaigns(storage: Storage, agency: string): Promise<CampaignSummary[]> {
  const found = await queryRows<CampaignRow>(
    storage,
    `SELECT ${SUMMARY} FROM ${storage.table("campaigns")} FINAL
     WHERE has(agencies, {agency:String})
     ORDER BY last_seen DESC, id LIMIT ${CAMPAIGNS_LIMIT}`,
    { agency },
  );
  return found.map(summary);
}

/**
 * A campaign as a network's scope: its time (first to last seen plus the grace), its members, and
 * the interactions with a member on either side; an account's posts are all of it in that time.
 */
export async function campaignScope(
  storage: Storage,
  id: string,
): Promise<{ campaign: CampaignSummary; scope: NetworkScope } | null> {
  const [campaign] = await queryRows<CampaignRow>(
    storage,
    `SELECT ${SUMMARY} FROM ${storage.table("campaigns")} FINAL WHERE id = {id:String}`,
    { id },
  );
  if (!campaign) return null;
  const members = await queryRows<{ account: string }>(
    storage,
    `SELECT account FROM ${storage.table("campaign_accounts")} FINAL WHERE campaign_id = {id:String} ORDER BY account`,
    { id },
  );
  return {
    campaign: summary(campaign),
    scope: {
      fromMs: Number(campaign.first_seen),
      toMs: Number(campaign.last_seen) + GRACE_MINUTES * 60_000,
      members: members.map(({ account }) => account),
      interaction: "source IN {members:Array(String)} OR target IN {members:Array(String)}",
      post: "1",
      params: {},
    },
  };
}
