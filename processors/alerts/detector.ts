/**
 * The detector of one rule over one scope: a deterministic state machine stepped once per completed
 * minute, in time order. Its whole state is plain JSON (`Detector.state`), so the stage keeps it in
 * the state store between batches and the backtest keeps it in memory; both drive the same `step`.
 *
 * Each step: the minute joins the window (minutes missing since the last step count as empty), the
 * signal over the window is compared with the baseline of the minute's hour of the week, then
 *
 *   idle --breach, not in cooldown--> open (emits "firing")
 *   open --recovered for resolve.after minutes in a row--> idle (emits "resolved")
 *
 * A breach less than `cooldown` after the last firing of the same rule and scope emits nothing.
 * Every `60 / samplesPerHour` minutes the window's value becomes a baseline sample (after the
 * comparison, so a value is never part of its own baseline). A minute at or before the last one
 * stepped is ignored, so redelivered input changes nothing.
 */
import type { Alert, AlertSeverity, AlertStatus } from "../../schemas/types.generated.js";
import { buildAlert, incidentId } from "./alert.js";
import { type BaselineState, emptyBaseline, estimate, recordSample } from "./baseline.js";
import { hourOfWeek, quietUntil } from "./clock.js";
import { type AlertRule, isEventSignal, SEVERITIES } from "./rule.js";
import { MINUTE_MS, type MinuteInput, type MinutePoint, type PostEvent, type Scope } from "./series.js";
import { type Observation, observeAggregate, observeEvents, sumWindow } from "./signal.js";

export const STATE_VERSION = 1;
/** A longer gap is not filled minute by minute: the window restarts empty (the baseline stays). */
export const MAX_FILLED_GAP_MINUTES = 7 * 1440;

export interface DetectorState {
  version: number;
  /** The rule settings the state was built under; a rule edit that changes them restarts the state. */
  fingerprint: string;
  lastMinute: number | null;
  /** The window's minutes, oldest first. */
  points: MinutePoint[];
  /** Event signals: the window's events of the rule's kind. */
  events: PostEvent[];
  baseline: BaselineState;
  incident: { id: string; firedAt: number; recoveredMinutes: number } | null;
  lastFiredAt: number | null;
  /** Breaches not alerted because of the cooldown (for metrics). */
  suppressed: number;
}

export interface StepResult {
  alerts: Alert[];
  /** The step's observation; null for an ignored (stale) minute or while the window fills. */
  observation: Observation | null;
}

function fingerprint(rule: AlertRule): string {
  const { weeks, samplesPerHour } = rule.baseline;
  return JSON.stringify([rule.signal, rule.window, weeks, samplesPerHour, rule.timeZone]);
}

/** How far back a fresh detector is fed history: the baseline's span (its hour-of-week slots). */
export function historyMs(rule: AlertRule): number {
  return rule.baseline.weeks * 7 * 1440 * MINUTE_MS;
}

export function emptyDetectorState(rule: AlertRule): DetectorState {
  return {
    version: STATE_VERSION,
    fingerprint: fingerprint(rule),
    lastMinute: null,
    points: [],
    events: [],
    baseline: emptyBaseline(),
    incident: null,
    lastFiredAt: null,
    suppressed: 0,
  };
}

const severityRank = (severity: AlertSeverity) => SEVERITIES.indexOf(severity);
const emptyMinute = (minute: number): MinutePoint => ({ minute, total: 0, negative: 0, positive: 0, neutral: 0 });

export class Detector {
  readonly state: DetectorState;

  /** Starts from `state` (copied; never modified) when it was built under the same rule settings. */
  constructor(
    readonly rule: AlertRule,
    readonly scope: Scope,
    state?: DetectorState | null,
  ) {
    this.state =
      state && state.version === STATE_VERSION && state.fingerprint === fingerprint(rule)
        ? structuredClone(state)
        : emptyDetectorState(rule);
  }

  step(input: MinuteInput): StepResult {
    const minute = Math.floor(input.point.minute / MINUTE_MS) * MINUTE_MS;
    const last = this.state.lastMinute;
    if (last !== null && minute <= last) return { alerts: [], observation: null };
    if (last !== null && minute - last <= MAX_FILLED_GAP_MINUTES * MINUTE_MS) {
      for (let gap = last + MINUTE_MS; gap < minute; gap += MINUTE_MS) this.advance(emptyMinute(gap), []);
    } else if (last !== null) {
      this.state.points = [];
      this.state.events = [];
    }
    return this.advance({ ...input.point, minute }, input.events ?? []);
  }

  private advance(point: MinutePoint, events: readonly PostEvent[]): StepResult {
    const { rule, state } = this;
    const windowStart = point.minute - (rule.window - 1) * MINUTE_MS;
    state.lastMinute = point.minute;
    state.points.push(point);
    while ((state.points[0] as MinutePoint).minute < windowStart) state.points.shift();
    if (isEventSignal(rule.signal)) {
      state.events = [...state.events, ...events.filter((event) => event.kind === rule.signal)].filter(
        (event) => event.minute >= windowStart,
      );
    }
    // The first minutes of a fresh state hold less than a window: neither judged nor sampled.
    if (state.points.length < rule.window) return { alerts: [], observation: null };
    const windowEnd = point.minute + MINUTE_MS;
    const slot = hourOfWeek(point.minute, rule.timeZone);
    const sums = sumWindow(state.points);
    const observation = isEventSignal(rule.signal)
      ? observeEvents(rule, state.events)
      : observeAggregate(rule, rule.signal, sums, estimate(state.baseline, slot, rule.baseline));
    const alerts = this.transition(observation, windowEnd);
    if (!isEventSignal(rule.signal) && (windowEnd / MINUTE_MS) % (60 / rule.baseline.samplesPerHour) === 0)
      recordSample(state.baseline, slot, observation.value, rule.baseline);
    return { alerts, observation };
  }

  private transition(observation: Observation, windowEnd: number): Alert[] {
    const { rule, state } = this;
    if (state.incident) {
      state.incident.recoveredMinutes = observation.recovered ? state.incident.recoveredMinutes + 1 : 0;
      if (state.incident.recoveredMinutes < rule.resolve.after) return [];
      const incident = state.incident.id;
      state.incident = null;
      return [this.alert("resolved", incident, observation, windowEnd)];
    }
    if (!observation.breach) return [];
    if (state.lastFiredAt !== null && windowEnd < state.lastFiredAt + rule.cooldown * MINUTE_MS) {
      state.suppressed++;
      return [];
    }
    const incident = incidentId(rule, this.scope, windowEnd);
    state.incident = { id: incident, firedAt: windowEnd, recoveredMinutes: 0 };
    state.lastFiredAt = windowEnd;
    return [this.alert("firing", incident, observation, windowEnd)];
  }

  private alert(status: AlertStatus, incident: string, observation: Observation, windowEnd: number): Alert {
    const { rule } = this;
    const quiet = rule.quietHours;
    const held = quiet !== undefined && severityRank(rule.severity) < severityRank(quiet.minSeverity);
    const notifyAt = held ? quietUntil(windowEnd, quiet, rule.timeZone) : null;
    return buildAlert({ rule, scope: this.scope, status, incident, observation, windowEnd, notifyAt });
  }
}

/**
 * Steps a detector over a series (time order) and returns every alert and the final state: the
 * backtest's loop, and a stage's for one batch of minutes.
 */
export function runDetector(
  rule: AlertRule,
  scope: Scope,
  inputs: Iterable<MinuteInput>,
  state?: DetectorState | null,
): { alerts: Alert[]; state: DetectorState } {
  const detector = new Detector(rule, scope, state);
  const alerts: Alert[] = [];
  for (const input of inputs) alerts.push(...detector.step(input).alerts);
  return { alerts, state: detector.state };
}
