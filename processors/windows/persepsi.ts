/**
 * The persepsi (perception) index of a scope and the rule of its direction, one rule for every
 * reader (runtime/storage/persepsi-rule.ts): the persepsi_trend view (runtime/storage/migrations.ts, hour by hour) and the monitoring
 * room's overview (dashboard/server, up to the range's last minute). Documented in
 * docs/analysts.md and dashboard/README.md.
 */

import { PERSEPSI_RULE } from "../../runtime/storage/persepsi-rule.js";

export { PERSEPSI_RULE };

export type PersepsiDirection = "rising" | "falling" | "steady" | "insufficient";

export interface LabelledCounts {
  positive: number;
  neutral: number;
  negative: number;
}

/** 100 * (positive - negative) / labelled, -100..100; null without labelled mentions. */
export function persepsiIndex({ positive, neutral, negative }: LabelledCounts): number | null {
  const labelled = positive + neutral + negative;
  return labelled === 0 ? null : (100 * (positive - negative)) / labelled;
}

/** Direction from the previous window's counts to the current (rolling) window's. */
export function persepsiDirection(current: LabelledCounts, previous: LabelledCounts): PersepsiDirection {
  const { minLabelledMentions, deadBandPoints } = PERSEPSI_RULE;
  const labelled = (c: LabelledCounts) => c.positive + c.neutral + c.negative;
  if (labelled(current) < minLabelledMentions || labelled(previous) < minLabelledMentions) return "insufficient";
  const change = (persepsiIndex(current) as number) - (persepsiIndex(previous) as number);
  if (change > deadBandPoints) return "rising";
  if (change < -deadBandPoints) return "falling";
  return "steady";
}
