/**
 * What a signal's value normally is at this time, and how much it normally varies. Two estimates,
 * both kept in plain JSON:
 *
 * - hour of the week: the last `weeks * samplesPerHour` samples taken in the same local hour of
 *   the week; center = median, spread = 1.4826 * MAD (the robust z-score's scale). Follows the
 *   daily and weekly rhythm, and a spike in the history moves it little.
 * - EWMA with variance over every sample, whatever the hour: used while the hour-of-week slot has
 *   fewer than `minSamples` (a new rule or scope, the first weeks). It ignores the daily rhythm.
 *
 * The EWMA needs `ewmaMinSamples` (default a day of samples: its variance must have seen the daily
 * swing). With neither, the rule's `floor` is the baseline, or without one there is no estimate
 * (warming up) and aggregate rules do not fire. The floor also bounds the center from below. The caller floors the spread (see signal.ts) so low counts and flat histories, whose MAD is
 * 0, do not turn every small change into a huge z.
 */
export type BaselineMethod = "hour-of-week" | "ewma" | "floor";

export interface BaselineState {
  /** Samples by hour of the week ("0".."167"), oldest first. */
  slots: Record<string, number[]>;
  ewma: { samples: number; mean: number; variance: number };
}

export interface BaselineSettings {
  weeks: number;
  samplesPerHour: number;
  minSamples: number;
  ewmaMinSamples?: number | undefined;
  ewmaAlpha: number;
  floor?: number | undefined;
}

export interface Estimate {
  method: BaselineMethod;
  center: number;
  spread: number;
}

/** The robust spread: scales the median absolute deviation to a normal standard deviation. */
export const MAD_SCALE = 1.4826;

export function emptyBaseline(): BaselineState {
  return { slots: {}, ewma: { samples: 0, mean: 0, variance: 0 } };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function medianAbsoluteDeviation(values: readonly number[], center: number): number {
  return median(values.map((value) => Math.abs(value - center)));
}

/** Adds a sample to its hour-of-week slot (dropping the oldest beyond the history) and to the EWMA. */
export function recordSample(state: BaselineState, slot: number, value: number, settings: BaselineSettings): void {
  const samples = state.slots[slot] ?? [];
  samples.push(value);
  const keep = settings.weeks * settings.samplesPerHour;
  if (samples.length > keep) samples.splice(0, samples.length - keep);
  state.slots[slot] = samples;
  const ewma = state.ewma;
  if (ewma.samples === 0) {
    ewma.mean = value;
    ewma.variance = 0;
  } else {
    // Incremental EWMA mean and variance (Finch 2009).
    const difference = value - ewma.mean;
    const increment = settings.ewmaAlpha * difference;
    ewma.mean += increment;
    ewma.variance = (1 - settings.ewmaAlpha) * (ewma.variance + difference * increment);
  }
  ewma.samples++;
}

/**
 * The baseline for an hour-of-week slot: its median when it has `minSamples`, else the EWMA when it
 * has `ewmaMinSamples` (default one day of samples), else the floor, else null (warming up). The
 * center never goes below the floor ("floor" is then the method).
 */
export function estimate(state: BaselineState, slot: number, settings: BaselineSettings): Estimate | null {
  const samples = state.slots[slot] ?? [];
  const ewmaMinSamples = settings.ewmaMinSamples ?? 24 * settings.samplesPerHour;
  let found: Estimate | null = null;
  if (samples.length >= settings.minSamples) {
    const center = median(samples);
    found = { method: "hour-of-week", center, spread: MAD_SCALE * medianAbsoluteDeviation(samples, center) };
  } else if (state.ewma.samples >= ewmaMinSamples) {
    found = { method: "ewma", center: state.ewma.mean, spread: Math.sqrt(state.ewma.variance) };
  }
  const floor = settings.floor;
  if (floor === undefined || (found !== null && found.center >= floor)) return found;
  return { method: "floor", center: floor, spread: found?.spread ?? 0 };
}
