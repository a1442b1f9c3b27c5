/**
 * When mentions happen: Poisson arrivals whose rate follows the daily rhythm of Indonesian social
 * media in WIB (UTC+7): quiet between 01:00 and 05:00, busy in the morning, at lunch and in the
 * evening.
 */
import type { Random } from "./random.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WIB_OFFSET_MS = 7 * HOUR_MS;

/** Relative activity at the start of each WIB hour, 00:00 to 23:00; linear in between. */
const HOURLY_ACTIVITY = [
  0.55, 0.35, 0.22, 0.16, 0.18, 0.3, 0.55, 0.85, 1.05, 1.1, 1.05, 1.05, 1.2, 1.1, 0.95, 0.95, 1.0, 1.05, 1.1, 1.25,
  1.35, 1.3, 1.05, 0.8,
];

function rawActivity(wibHour: number): number {
  const hour = Math.floor(wibHour);
  const from = HOURLY_ACTIVITY[hour] as number;
  const to = HOURLY_ACTIVITY[(hour + 1) % 24] as number;
  return from + (to - from) * (wibHour - hour);
}

/** Mean raw activity over 08:00-22:00 WIB (the mean of each linear hour is its endpoints' mean). */
const DAYTIME_MEAN = (() => {
  let sum = 0;
  for (let hour = 8; hour < 22; hour++) sum += (rawActivity(hour) + rawActivity(hour + 1)) / 2;
  return sum / 14;
})();

/** Activity multiplier at `time` (epoch ms): 1 is the average over 08:00-22:00 WIB. */
export function wibActivity(time: number): number {
  const wibHour = ((((time + WIB_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  return rawActivity(wibHour) / DAYTIME_MEAN;
}

export const PEAK_WIB_ACTIVITY = Math.max(...HOURLY_ACTIVITY) / DAYTIME_MEAN;

/**
 * Arrival times of a Poisson process with a time-varying rate, by thinning: candidates are drawn
 * at `peakRate` and each is kept with probability rate(t) / peakRate. Rates are per millisecond.
 */
export class ArrivalProcess {
  /** Time of the next arrival (fractional ms), Infinity once the window [start, end) is over. */
  nextTime: number;

  constructor(
    private readonly random: Random,
    private readonly rateAt: (time: number) => number,
    private readonly peakRate: number,
    start: number,
    private readonly end = Number.POSITIVE_INFINITY,
  ) {
    this.nextTime = start;
    this.advance();
  }

  advance(): void {
    if (!(this.peakRate > 0)) {
      this.nextTime = Number.POSITIVE_INFINITY;
      return;
    }
    let time = this.nextTime;
    do {
      time += this.random.exponential(this.peakRate);
      if (time >= this.end) {
        this.nextTime = Number.POSITIVE_INFINITY;
        return;
      }
    } while (this.random.next() * this.peakRate > this.rateAt(time));
    this.nextTime = time;
  }
}
