/**
 * Where alert state lives in the state store: one detector state (JSON) per rule and scope, and
 * the lease of the leading alert stage instance.
 * `prefix` isolates deployments sharing one store (the topic prefix).
 */
import { type Scope, scopeKey } from "./series.js";

export function alertKeys(prefix: string) {
  const ns = `${prefix}simak:alerts:`;
  return {
    /** The DetectorState of a rule over a scope. */
    detector: (ruleId: string, scope: Scope) => `${ns}detector:${ruleId}:${scopeKey(scope)}`,
    /** The lease of the alert stage instance that judges the rules and delivers (one at a time). */
    leader: `${ns}leader`,
  };
}
