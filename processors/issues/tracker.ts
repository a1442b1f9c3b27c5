/**
 * Issues over a stream, in memory: per scope, the current window's posts (one bucket a minute) and
 * the baseline's term counts (one table an hour), evaluated on demand by detect.ts. The issues
 * stage keeps the same two things in ClickHouse instead (issue_posts, issue_terms_hourly) so that
 * several instances share them and a restart loses nothing; this tracker is for embedding and for
 * evaluating the method on the simulator (test/processors/issues).
 *
 * Bounded: a window keeps at most `maxPostsPerMinute` posts a minute (the rest still count in the
 * baseline); an hour's table at most `maxTermsPerHour` terms (beyond, terms seen once that hour are
 * dropped); hours older than the baseline and minutes older than the window are dropped as time
 * advances. Sizes at the default rate: README.md.
 */
import {
  type Baseline,
  DEFAULT_ISSUE_PARAMETERS,
  detectIssues,
  type Issue,
  type IssueParameters,
  type IssuePost,
} from "./detect.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface TrackerOptions {
  /** The current window, in minutes, ending at the evaluated minute. */
  windowMinutes: number;
  /** Hours of baseline: the complete hours before the window starts. */
  baselineHours: number;
  maxPostsPerMinute: number;
  maxTermsPerHour: number;
  parameters: IssueParameters;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  windowMinutes: 15,
  baselineHours: 24,
  maxPostsPerMinute: 1000,
  maxTermsPerHour: 20_000,
  parameters: DEFAULT_ISSUE_PARAMETERS,
};

interface HourCounts {
  docs: number;
  counts: Map<string, number>;
}

interface ScopeState {
  minutes: Map<number, IssuePost[]>;
  hours: Map<number, HourCounts>;
}

/** The window [end - windowMinutes, end) and its baseline hours, as epoch ms. */
export function windowBounds(end: number, options: Pick<TrackerOptions, "windowMinutes" | "baselineHours">) {
  const start = end - options.windowMinutes * MINUTE_MS;
  const baselineEnd = Math.floor(start / HOUR_MS) * HOUR_MS;
  return { start, end, baselineStart: baselineEnd - options.baselineHours * HOUR_MS, baselineEnd };
}

export class IssueTracker {
  private readonly scopes = new Map<string, ScopeState>();
  private readonly options: TrackerOptions;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  add(scope: string, post: IssuePost): void {
    let state = this.scopes.get(scope);
    if (!state) {
      state = { minutes: new Map(), hours: new Map() };
      this.scopes.set(scope, state);
    }
    const minute = Math.floor(post.time / MINUTE_MS) * MINUTE_MS;
    const bucket = state.minutes.get(minute) ?? [];
    if (bucket.length < this.options.maxPostsPerMinute) {
      bucket.push(post);
      state.minutes.set(minute, bucket);
    }
    const hour = Math.floor(post.time / HOUR_MS) * HOUR_MS;
    let counts = state.hours.get(hour);
    if (!counts) {
      counts = { docs: 0, counts: new Map() };
      state.hours.set(hour, counts);
    }
    counts.docs++;
    for (const term of post.terms) counts.counts.set(term, (counts.counts.get(term) ?? 0) + 1);
    if (counts.counts.size > this.options.maxTermsPerHour) {
      for (const [term, count] of counts.counts) if (count === 1) counts.counts.delete(term);
    }
  }

  /** The scope's issues in the window ending at `end` (epoch ms, a minute's start). */
  issues(scope: string, end: number): Issue[] {
    const state = this.scopes.get(scope);
    if (!state) return [];
    const bounds = windowBounds(end, this.options);
    const posts: IssuePost[] = [];
    for (const [minute, bucket] of state.minutes) if (minute >= bounds.start && minute < end) posts.push(...bucket);
    posts.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const hours = [...state.hours].filter(([hour]) => hour >= bounds.baselineStart && hour < bounds.baselineEnd);
    const baseline: Baseline = {
      docs: hours.reduce((sum, [, counts]) => sum + counts.docs, 0),
      count: (term) => hours.reduce((sum, [, counts]) => sum + (counts.counts.get(term) ?? 0), 0),
    };
    return detectIssues(posts, baseline, this.options.parameters);
  }

  /** Forgets what no window ending at or after `end` needs. */
  prune(end: number): void {
    const bounds = windowBounds(end, this.options);
    for (const state of this.scopes.values()) {
      for (const minute of state.minutes.keys()) if (minute < bounds.start) state.minutes.delete(minute);
      for (const hour of state.hours.keys()) if (hour < bounds.baselineStart) state.hours.delete(hour);
    }
  }

  /** Posts held in windows and term counts held in hour tables, for sizing. */
  size(): { posts: number; termCounts: number } {
    let posts = 0;
    let termCounts = 0;
    for (const state of this.scopes.values()) {
      for (const bucket of state.minutes.values()) posts += bucket.length;
      for (const hour of state.hours.values()) termCounts += hour.counts.size;
    }
    return { posts, termCounts };
  }
}
