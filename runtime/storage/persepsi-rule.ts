/**
 * The rule of the persepsi (perception) index's direction, here beside the storage because the
 * persepsi_trend view (migrations.ts) is built from it; processors/windows/persepsi.ts and the
 * dashboard apply the same constants in code.
 *
 * The index over the last `rollingHours` is compared with the `rollingHours` before: when both
 * hold at least `minLabelledMentions` labelled mentions, a move of more than `deadBandPoints`
 * is rising or falling, anything within it steady.
 */
export const PERSEPSI_RULE = { rollingHours: 6, minLabelledMentions: 20, deadBandPoints: 10 } as const;
