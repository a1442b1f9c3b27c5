/**
 * Official accounts: the registry of agencies' official accounts, the classifier that tells
 * official posts, audience responses and impersonation suspects apart, and its tagger.
 */
export {
  type AccountClassification,
  type AccountRole,
  type AuthorLookup,
  type AuthorRef,
  assessImpersonation,
  type ClassifyOptions,
  classifyAccount,
  DEFAULT_THRESHOLD,
  type ImpersonationAssessment,
  WEIGHTS,
} from "./classify.js";
export { Lru } from "./lru.js";
export {
  AccountConfigError,
  AccountRegistry,
  type Agency,
  type AgencyInput,
  type Alias,
  loadAccountFile,
  type OfficialAccount,
  type OfficialAccountInput,
  type OfficialMatch,
  openAccountFile,
  parseAccountFile,
  type RegistryInput,
} from "./registry.js";
export { compactHandle, editDistance, handleWords, lowerHandle, nameWords, skeleton } from "./similarity.js";
export { type AccountsTagger, type AccountsTaggerOptions, accountsTagger } from "./tagger.js";
