/**
 * Alerting: the rules file (YAML, validated, reloadable), and per rule and scope a deterministic
 * detector over per-minute aggregates whose state is plain JSON. No I/O but the file: the stage
 * and the backtest feed minutes in and take Alert records out. See README.md.
 */
export { alertId, alertMessage, buildAlert, incidentId, TOP_EVIDENCE } from "./alert.js";
export {
  type BaselineMethod,
  type BaselineSettings,
  type BaselineState,
  type Estimate,
  emptyBaseline,
  estimate,
  MAD_SCALE,
  median,
  medianAbsoluteDeviation,
  recordSample,
} from "./baseline.js";
export { hourOfWeek, minuteOfDay, quietUntil, zoneOffsetMs } from "./clock.js";
export {
  Detector,
  type DetectorState,
  emptyDetectorState,
  historyMs,
  MAX_FILLED_GAP_MINUTES,
  runDetector,
  STATE_VERSION,
  type StepResult,
} from "./detector.js";
export { alertKeys } from "./keys.js";
export { type ReportSchedule, reportScheduleSchema } from "./report-schedule.js";
export {
  AGGREGATE_SIGNALS,
  type AggregateSignal,
  type AlertRule,
  isEventSignal,
  ruleSchema,
  SEVERITIES,
  SIGNALS,
  type Signal,
} from "./rule.js";
export {
  type AlertConfig,
  AlertConfigError,
  compileAlertConfig,
  loadAlertConfig,
  openAlertConfig,
} from "./rule-file.js";
export {
  EVENT_KINDS,
  type EventKind,
  MINUTE_MS,
  type MinuteInput,
  type MinutePoint,
  netSentiment,
  type PostEvent,
  type Scope,
  scopeKey,
} from "./series.js";
export { aggregateValue, type Observation, observeAggregate, observeEvents, sumWindow } from "./signal.js";
