/**
 * Coordinated campaigns on the monitoring room's pages (the coordination stage, docs/analysts.md):
 * when persepsi is shown without the accounts of campaigns beside the usual one, and when a
 * campaign counts as active. Shared by the server (dashboard/server) and the page (dashboard/src).
 */

/**
 * Persepsi with every account and without flagged accounts (dashboard/server/persepsi.ts; the
 * analysts' persepsi_hourly_organic) are both shown when they differ by more than this many index points;
 * closer than that, the one number with everyone is shown. Three points is about the rounding
 * and day-to-day wobble of an index over a few hundred labelled mentions; a campaign that moves
 * it further is worth a second number.
 */
export const PERSEPSI_GAP_POINTS = 3;

/**
 * A campaign's mentions after its last seen that still count as its own: the grace of the
 * flagged_mentions view (migration 23) and of the network page. A campaign is active while now is
 * within it.
 */
export const CAMPAIGN_GRACE_MS = 30 * 60_000;

/** Net sentiment of the range's labelled mentions, with every account and without flagged ones (null: none labelled). */
export interface PersepsiPair {
  index: number | null;
  organicIndex: number | null;
}

/** Whether both numbers are shown: they differ by more than PERSEPSI_GAP_POINTS, or every labelled mention was flagged. */
export function showsOrganic({ index, organicIndex }: PersepsiPair): boolean {
  if (index === null) return false;
  return organicIndex === null || Math.abs(index - organicIndex) > PERSEPSI_GAP_POINTS;
}
