/**
 * Monitoring queries: a Boolean query language (README.md), compiled once into an indexed
 * matcher, loaded from a YAML file that is reloaded at run time, and the tagger that fills
 * `tags.topics`.
 */
export {
  type CompiledQuery,
  type CompileOptions,
  compileQueries,
  formatIssue,
  QueryConfigError,
  type QueryDefinition,
  type QueryIssue,
  type QueryOrigin,
  QuerySet,
} from "./compile.js";
export { type PreparedMention, prepareMention } from "./document.js";
export { compileQueryFile, loadQueryFile, parseQueryFile } from "./load.js";
export { naiveEvaluate } from "./naive.js";
export { type FieldName, parseQuery, type QueryNode, QuerySyntaxError, type TermWord } from "./parse.js";
export { QueryRegistry, type QueryRegistryOptions, type QueryReloadEvent, type QuerySource } from "./registry.js";
export { topicsTagger } from "./tagger.js";
export { type Fold, foldFromTable, identityFold, normaliseText, SLANG, slangFold } from "./text.js";
