/**
 * Responsiveness: which posts ask an agency for an answer (classifier.ts), what the responsiveness
 * tables record of a tagged mention (tracker.ts), and working time in an agency's zone
 * (working-hours.ts). See README.md.
 */
export {
  type Assessment,
  type Kind,
  loadResponsivenessClassifier,
  ResponsivenessClassifier,
} from "./classifier.js";
export {
  type Addressed,
  type AnswerItem,
  type AskedItem,
  addressedAgencies,
  type TrackerOptions,
  track,
} from "./tracker.js";
export {
  addWorkingTime,
  DEFAULT_WORKING_HOURS,
  localDate,
  localWeek,
  parseDailyHours,
  type WorkingHours,
} from "./working-hours.js";
