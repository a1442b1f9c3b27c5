/** Emerging issues: significant terms against a scope's own history, grouped by co-occurrence (README.md). */
export {
  type Baseline,
  DEFAULT_ISSUE_PARAMETERS,
  detectIssues,
  type Issue,
  type IssueParameters,
  type IssuePost,
  type IssueTerm,
  logLikelihood,
  negativeShare,
  type SentimentBucket,
  significantTerms,
  supportedTerms,
  termCounts,
} from "./detect.js";
export { STOP_WORDS } from "./stopwords.js";
export { MAX_TERMS_PER_POST, postTerms } from "./terms.js";
export { DEFAULT_TRACKER_OPTIONS, IssueTracker, type TrackerOptions, windowBounds } from "./tracker.js";
