/**
 * The Alert record (schemas/avro/Alert.avsc) of a firing or a resolve, with the evidence: observed
 * value, baseline, threshold, z, window, and for event signals the posts and authors. For aggregate
 * signals the caller fills topPostIds/topAuthorIds from ClickHouse (the window's most engaged
 * negative mentions in the scope). Ids are deterministic, so a replay or a redelivery produces the
 * same ids and receivers deduplicate on them.
 */
import type { Alert, AlertStatus } from "../../schemas/types.generated.js";
import type { AlertRule } from "./rule.js";
import { MINUTE_MS, type Scope, scopeKey } from "./series.js";
import type { Observation } from "./signal.js";

/** Evidence posts and authors an alert carries at most. */
export const TOP_EVIDENCE = 5;

export function incidentId(rule: AlertRule, scope: Scope, firedAt: number): string {
  return `${rule.id}:${scopeKey(scope)}:${new Date(firedAt).toISOString()}`;
}

export function alertId(incident: string, status: AlertStatus): string {
  return `${incident}:${status}`;
}

const round = (value: number) => Number(value.toFixed(Math.abs(value) < 10 ? 3 : 1));

/** One line saying why, in English; channels render their own bilingual text from the fields. */
export function alertMessage(rule: AlertRule, scope: Scope, status: AlertStatus, observation: Observation): string {
  const where = [
    scope.agency && `agency ${scope.agency}`,
    scope.queryId && `query ${scope.queryId}`,
    scope.platform && `platform ${scope.platform}`,
    scope.province && `province ${scope.province}`,
  ]
    .filter(Boolean)
    .join(", ");
  const evidence =
    observation.method === "none"
      ? `${observation.value} event(s) in ${rule.window}m, threshold ${observation.threshold}`
      : `${round(observation.value)} over ${rule.window}m, baseline ${round(observation.baseline ?? 0)} (${observation.method}), threshold ${round(observation.threshold ?? 0)}, z ${round(observation.z ?? 0)}, volume ${observation.volume}`;
  const verb = status === "firing" ? "" : "resolved: ";
  return `${verb}${rule.signal} ${evidence}${where ? ` for ${where}` : ""}`;
}

export function buildAlert(options: {
  rule: AlertRule;
  scope: Scope;
  status: AlertStatus;
  incident: string;
  observation: Observation;
  windowEnd: number;
  notifyAt: number | null;
}): Alert {
  const { rule, scope, status, observation, windowEnd } = options;
  const authors: string[] = [];
  for (const event of observation.events)
    if (event.author && !authors.includes(event.author)) authors.push(event.author);
  return {
    id: alertId(options.incident, status),
    ruleId: rule.id,
    status,
    severity: rule.severity,
    agency: scope.agency,
    queryId: scope.queryId,
    platform: scope.platform,
    signal: rule.signal,
    observed: observation.value,
    baseline: observation.baseline ?? 0,
    threshold: observation.threshold ?? 0,
    windowStart: windowEnd - rule.window * MINUTE_MS,
    windowEnd,
    firedAt: windowEnd,
    message: alertMessage(rule, scope, status, observation),
    topPostIds: observation.events.slice(0, TOP_EVIDENCE).map((event) => event.postId),
    topAuthorIds: authors.slice(0, TOP_EVIDENCE),
    incidentId: options.incident,
    z: observation.z,
    baselineMethod: observation.method,
    volume: observation.volume,
    notifyAt: options.notifyAt,
    channels: [...rule.channels],
  };
}
